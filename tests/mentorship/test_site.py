"""Links in emails use the real site address, never Django's example.com."""

import re

import pytest
from django.contrib.sites.models import Site
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from mentorship.notifications import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_migrate_writes_site_url_and_name_into_the_sites_row(settings):
    settings.SITE_URL = "https://mentoring.acme.test"
    settings.SITE_NAME = "Acme Mentoring"
    call_command("migrate", verbosity=0)
    site = Site.objects.get_current()
    assert (site.domain, site.name) == ("mentoring.acme.test", "Acme Mentoring")


def test_notification_email_links_to_the_site_url(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://mentoring.acme.test"
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=user, kind="test", title="Your request was accepted", url="/matches/")
    body = mail.outbox[-1].body
    assert "https://mentoring.acme.test/matches/" in body
    assert "example.com" not in body


def test_verification_mail_names_the_site_not_example_com(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a-long-pass-phrase-9",
            "password2": "a-long-pass-phrase-9",
        },
    )
    message = mail.outbox[-1]
    assert "example.com" not in message.subject + message.body
    assert re.search(r"Hello from Mentorship", message.body), message.body
