"""notify(): a row now, an email after commit; the notifications page."""

import pytest
from django.db import transaction
from django.urls import reverse

from mentorship.models import Notification
from mentorship.notifications import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_writes_the_row_and_emails_after_commit(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory(name="Ada Lovelace")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = notify(
            user=user,
            kind="request_received",
            title="Grace asks you for a flash session",
            body="Could we talk about compilers?",
            url="/matches/requests/1/",
        )
        assert mailoutbox == []  # nothing before the commit
    assert Notification.objects.get() == notification
    assert notification.read_at is None
    for callback in callbacks:
        callback()
    (email,) = mailoutbox
    assert email.to == [user.email]
    assert email.subject == "[Mentorship] Grace asks you for a flash session"
    assert "Hello Ada," in email.body
    assert "Could we talk about compilers?" in email.body
    assert "http://127.0.0.1:8000/matches/requests/1/" in email.body  # SITE_URL, not example.com
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "Open in Mentorship" in html


def test_a_rolled_back_change_sends_nothing(django_capture_on_commit_callbacks, mailoutbox):
    user = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(user=user, kind="x", title="Accepted")
        raise RuntimeError("the accept failed")
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_in_app_only_and_inactive_users_get_no_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=UserFactory(), kind="x", title="Quiet", email=False)
        notify(user=UserFactory(is_active=False), kind="x", title="Gone")
    assert Notification.objects.count() == 2
    assert mailoutbox == []


def test_html_in_titles_is_escaped_in_the_html_email(
    django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=UserFactory(), kind="x", title="<script>alert(1)</script> asks you")
    html = mailoutbox[0].alternatives[0][0]
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_mail_outage_is_logged_not_raised(django_capture_on_commit_callbacks, settings, caplog):
    settings.EMAIL_BACKEND = "tests.mentorship.test_notifications.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=UserFactory(), kind="x", title="Hello")
    assert Notification.objects.count() == 1
    assert "could not email notification" in caplog.text


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("smtp down")


def test_notifications_page_access_and_content(client):
    owner, stranger = UserFactory(), UserFactory()
    notify(user=owner, kind="x", title="Your request was accepted", url="/matches/mentorships/")
    url = reverse("notifications")
    assert client.get(url).url.startswith(reverse("account_login"))
    client.force_login(stranger)
    assert "Your request was accepted" not in client.get(url).content.decode()
    client.force_login(owner)
    html = client.get(url).content.decode()
    assert "Your request was accepted" in html and "1 unread" in html


def test_open_marks_read_and_follows_only_local_links(client):
    owner, stranger = UserFactory(), UserFactory()
    local = notify(user=owner, kind="x", title="a", url="/matches/mentorships/", email=False)
    evil = notify(user=owner, kind="x", title="b", url="https://evil.example/", email=False)
    client.force_login(stranger)
    assert client.post(reverse("notification_open", args=[local.pk])).status_code == 404
    client.force_login(owner)
    assert client.get(reverse("notification_open", args=[local.pk])).status_code == 405
    response = client.post(reverse("notification_open", args=[local.pk]))
    assert response.url == "/matches/mentorships/"
    local.refresh_from_db()
    assert local.read_at is not None
    assert client.post(reverse("notification_open", args=[evil.pk])).url == reverse("notifications")


def test_read_all_marks_only_mine(client):
    owner, other = UserFactory(), UserFactory()
    for user in (owner, owner, other):
        notify(user=user, kind="x", title="t", email=False)
    client.force_login(owner)
    client.post(reverse("notifications_read_all"))
    assert not Notification.objects.filter(user=owner, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
