"""Email preferences per kind, the daily digest (once), and one-click unsubscribe."""

import pytest
from django.conf import settings
from django.urls import reverse

from mentorship.digests import digests_send
from mentorship.email_preferences import (
    ALL_KINDS,
    delivery_for,
    unsubscribe_path,
    unsubscribe_token,
)
from mentorship.models import EmailDigest, EmailPreference, Notification
from mentorship.notifications import notify
from mentorship.tasks import send_daily_digests
from tests.concurrency import run_at_once
from tests.factories import EmailPreferenceFactory, UserFactory

pytestmark = pytest.mark.django_db


def _notify(user, kind="request_received", title="Grace asks you for a flash session"):
    return notify(user=user, kind=kind, title=title, url="/matches/requests/1/")


def test_every_kind_the_platform_sends_is_on_the_preferences_page(client):
    user = UserFactory()
    client.force_login(user)
    content = client.get(reverse("notification_preferences")).content.decode()
    for label in (
        "A mentee asks you for mentoring",
        "A mentor accepts your request",
        "A question is put to you",
        "An answer to your question",
        "Your answer was accepted",
    ):
        assert label in content
    response = client.post(
        reverse("notification_preferences"),
        {"kind_request_received": "digest", "kind_question_routed": "off"},
        follow=True,
    )
    assert "Saved: your email preferences." in response.content.decode()
    assert delivery_for(user=user, kind="request_received") == "digest"
    assert delivery_for(user=user, kind="question_routed") == "off"
    assert delivery_for(user=user, kind="request_accepted") == "immediate"


def test_immediate_mail_carries_one_click_unsubscribe_headers(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _notify(user)
    (email,) = mailoutbox
    url = settings.SITE_URL + unsubscribe_path(user=user, kind="request_received")
    assert email.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in email.body


def test_digest_and_off_preferences_hold_the_mail_back(
    django_capture_on_commit_callbacks, mailoutbox
):
    digest_user = UserFactory()
    quiet_user = UserFactory()
    EmailPreferenceFactory(user=digest_user, kind="request_received", delivery="digest")
    EmailPreferenceFactory(user=quiet_user, kind="request_received", delivery="off")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = _notify(digest_user)
        _notify(quiet_user)
    assert mailoutbox == []
    assert waiting.awaiting_digest
    assert Notification.objects.count() == 2  # both still on the dashboard


def test_the_digest_task_run_twice_sends_one_digest(mailoutbox):
    user = UserFactory(name="Ada Lovelace")
    EmailPreferenceFactory(user=user, kind="request_received", delivery="digest")
    _notify(user, title="First thing")
    _notify(user, title="Second thing")
    assert send_daily_digests() == 1
    assert send_daily_digests() == 0
    (email,) = mailoutbox
    assert email.subject == "[Mentorship] Your daily digest: 2 updates"
    assert "First thing" in email.body and "Second thing" in email.body
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    digest = EmailDigest.objects.get()
    assert digest.items == 2 and digest.sent_at is not None
    assert not Notification.objects.filter(awaiting_digest=True).exists()
    # Something new the same day waits for tomorrow's digest.
    _notify(user, title="Third thing")
    assert digests_send() == 0
    assert len(mailoutbox) == 1


@pytest.mark.race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_digest_runs_send_one_digest(mailoutbox):
    for number in range(1, 21):  # 20 rounds, a new person each
        user = UserFactory()
        EmailPreferenceFactory(user=user, kind="request_received", delivery="digest")
        _notify(user)
        sent = run_at_once(digests_send, 4)
        assert sum(sent) == 1
        assert len(mailoutbox) == number and mailoutbox[-1].to == [user.email]
        assert EmailDigest.objects.count() == number


def test_one_click_unsubscribe_works_without_login(client):
    user = UserFactory()
    path = unsubscribe_path(user=user, kind="request_received")
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop emails about “A mentee asks you for mentoring”?" in page.content.decode()
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click", no cookie, no CSRF token.
    csrf_client = client.__class__(enforce_csrf_checks=True)
    response = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "Unsubscribed" in response.content.decode()
    assert EmailPreference.objects.get(user=user, kind="request_received").delivery == "off"


def test_unsubscribe_from_everything_and_bad_tokens(client):
    user = UserFactory()
    EmailPreferenceFactory(user=user, kind="request_received", delivery="immediate")
    client.post(reverse("email_unsubscribe", args=[unsubscribe_token(user=user, kind=ALL_KINDS)]))
    assert delivery_for(user=user, kind="request_received") == "off"
    assert delivery_for(user=user, kind="question_routed") == "off"
    response = client.get(reverse("email_unsubscribe", args=["not-a-token"]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()
