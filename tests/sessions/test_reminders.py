"""Reminders, nudges and message digests: each exactly once, also when run twice or concurrently."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from mentorship.models import Notification
from sessions import services, tasks
from sessions.models import MentorshipNudge, Message, SessionReminder

from .helpers import at, book_confirmed, pair, past_session

HOUR = datetime.timedelta(hours=1)


def _captured(django_capture_on_commit_callbacks, fn, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        return fn(**kwargs)


@pytest.mark.django_db
def test_day_and_hour_reminders_go_out_once_each_even_when_run_twice(
    django_capture_on_commit_callbacks,
):
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, timezone.now() + datetime.timedelta(hours=20))
    mail.outbox.clear()
    assert _captured(django_capture_on_commit_callbacks, services.reminders_send) == 2
    assert _captured(django_capture_on_commit_callbacks, services.reminders_send) == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    assert "is tomorrow" in mail.outbox[0].subject
    # 19½ hours later the hour reminder is due, once.
    later = session.starts_at - datetime.timedelta(minutes=30)
    assert _captured(django_capture_on_commit_callbacks, services.reminders_send, now=later) == 2
    assert _captured(django_capture_on_commit_callbacks, services.reminders_send, now=later) == 0
    kinds = sorted(SessionReminder.objects.values_list("kind", flat=True))
    assert kinds == ["day", "day", "hour", "hour"]
    assert len(mail.outbox) == 4
    assert Notification.objects.filter(kind="session_reminder_hour").count() == 2


@pytest.mark.django_db
def test_a_session_booked_inside_the_hour_gets_only_the_hour_reminder():
    mentor, mentee, mentorship = pair()
    book_confirmed(mentorship, timezone.now() + datetime.timedelta(minutes=50))
    assert tasks.send_reminders() == 2
    assert set(SessionReminder.objects.values_list("kind", flat=True)) == {"hour"}


@pytest.mark.django_db
def test_cancelled_and_proposed_sessions_get_no_reminder():
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, timezone.now() + datetime.timedelta(hours=5))
    services.session_cancel(session=session, by=mentor, reason="Ill")
    start = timezone.now() + datetime.timedelta(hours=6)
    services.session_propose(
        by=mentee, counterpart=mentor, starts_at=start, ends_at=start + HOUR, mentorship=mentorship
    )
    assert services.reminders_send() == 0


def _two_workers_at_once(fn):
    """``fn`` in two threads released together; their results, and any exception raised."""
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait(timeout=30)
            results.append(fn())
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_the_reminder_task_at_once_send_each_reminder_once():
    for number in range(1, 21):  # 20 rounds of two sessions each (four reminders)
        for _ in range(2):
            mentor, mentee, mentorship = pair()
            book_confirmed(mentorship, timezone.now() + datetime.timedelta(hours=3))
        mail.outbox.clear()
        results, errors = _two_workers_at_once(tasks.send_reminders)
        assert errors == []
        assert sum(results) == 4
        assert SessionReminder.objects.count() == 4 * number
        assert len(mail.outbox) == 4
        assert len({(m.to[0], m.subject) for m in mail.outbox}) == 4


@pytest.mark.django_db
def test_quiet_mentorship_is_nudged_once_per_period(settings):
    settings.SESSIONS_NUDGE_WEEKS = 3
    mentor, mentee, mentorship = pair()
    from matching.models import Mentorship

    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - datetime.timedelta(weeks=8)
    )
    past_session(mentorship, days_ago=30)
    assert services.nudges_send() == 1
    assert services.nudges_send() == 0
    assert Notification.objects.filter(kind="mentorship_nudge").count() == 2
    # Three more quiet weeks: nudged again.
    assert services.nudges_send(now=timezone.now() + datetime.timedelta(weeks=3, days=1)) == 1
    assert MentorshipNudge.objects.count() == 2


@pytest.mark.django_db
def test_a_mentorship_with_a_recent_or_upcoming_session_is_not_nudged():
    mentor, mentee, mentorship = pair()
    from matching.models import Mentorship

    Mentorship.objects.filter(pk=mentorship.pk).update(
        started_at=timezone.now() - datetime.timedelta(weeks=8)
    )
    book_confirmed(mentorship, at(3))
    assert services.nudges_send() == 0


@pytest.mark.django_db
def test_a_burst_of_messages_is_one_mail_and_the_rate_limit_holds(
    settings, django_capture_on_commit_callbacks
):
    settings.SESSIONS_MESSAGE_QUIET_MINUTES = 5
    settings.SESSIONS_MESSAGE_MAIL_MINUTES = 60
    mentor, mentee, mentorship = pair()
    for n in range(4):
        services.message_send(by=mentee, body=f"Message {n}", mentorship=mentorship)
    mail.outbox.clear()
    now = timezone.now()
    # Still inside the burst: nothing yet.
    assert (
        _captured(django_capture_on_commit_callbacks, services.message_digests_send, now=now) == 0
    )
    quiet = now + datetime.timedelta(minutes=6)
    assert (
        _captured(django_capture_on_commit_callbacks, services.message_digests_send, now=quiet) == 1
    )
    assert (
        _captured(django_capture_on_commit_callbacks, services.message_digests_send, now=quiet) == 0
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [mentor.email]
    assert "4 new messages from" in mail.outbox[0].subject
    # A new message soon after: held back by the rate limit, then sent in the next window.
    Message.objects.filter(recipient=mentor).update(created_at=now)
    services.message_send(by=mentee, body="One more", mentorship=mentorship)
    Message.objects.filter(body="One more").update(created_at=now)
    assert (
        _captured(
            django_capture_on_commit_callbacks,
            services.message_digests_send,
            now=quiet + datetime.timedelta(minutes=10),
        )
        == 0
    )
    assert (
        _captured(
            django_capture_on_commit_callbacks,
            services.message_digests_send,
            now=quiet + datetime.timedelta(minutes=61),
        )
        == 1
    )
    assert len(mail.outbox) == 2
    assert "1 new message from" in mail.outbox[1].subject


@pytest.mark.django_db
def test_messages_read_before_the_digest_are_never_mailed(django_capture_on_commit_callbacks):
    mentor, mentee, mentorship = pair()
    services.message_send(by=mentee, body="Hi", mentorship=mentorship)
    services.messages_mark_read(user=mentor, mentorship=mentorship)
    mail.outbox.clear()
    later = timezone.now() + datetime.timedelta(hours=2)
    assert (
        _captured(django_capture_on_commit_callbacks, services.message_digests_send, now=later) == 0
    )
    assert mail.outbox == []


@pytest.mark.race
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_mailing_digests_at_once_send_one_mail_per_burst():
    for _ in range(20):  # 20 rounds of two mentorships with a burst of three messages each
        pairs = [pair() for _ in range(2)]
        for _mentor, mentee, mentorship in pairs:
            for n in range(3):
                services.message_send(by=mentee, body=f"Message {n}", mentorship=mentorship)
        later = timezone.now() + datetime.timedelta(hours=1)
        mail.outbox.clear()
        results, errors = _two_workers_at_once(
            lambda later=later: services.message_digests_send(now=later)
        )
        assert errors == []
        assert sum(results) == 2
        assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m, _, _ in pairs)
        assert not Message.objects.filter(notified_at__isnull=True).exists()
