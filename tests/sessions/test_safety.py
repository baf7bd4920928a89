"""Blocks and suspensions reach sessions: no booking between blocked people, and
upcoming sessions end when a block or suspension lands."""

import pytest

from mentorship.models import Notification
from safety import services as safety_services
from sessions import services
from sessions.errors import SessionRefusal
from sessions.models import MentoringSession, SessionAttendee
from tests.factories import MODERATOR, staff_user

from .helpers import at, book_confirmed, pair

pytestmark = pytest.mark.django_db


def test_blocked_people_cannot_book_each_other_either_way():
    mentor, mentee, mentorship = pair()
    safety_services.block_create(blocker=mentor, blocked=mentee)
    for by, other in ((mentee, mentor), (mentor, mentee)):
        with pytest.raises(SessionRefusal) as refused:
            services.session_propose(
                by=by,
                counterpart=other,
                starts_at=at(3),
                ends_at=at(3, hour=11),
                mentorship=mentorship,
            )
        assert refused.value.code == "unavailable"
        assert "blocked" not in refused.value.message


def test_a_block_cancels_upcoming_sessions_and_clears_both_calendars():
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, at(4))
    assert SessionAttendee.objects.filter(session=session).count() == 2
    safety_services.block_create(blocker=mentee, blocked=mentor)
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.CANCELLED
    assert not SessionAttendee.objects.filter(session=session).exists()
    assert Notification.objects.filter(user=mentor, kind="session_cancelled").exists()
    assert not Notification.objects.filter(user=mentee, kind="session_cancelled").exists()


def test_a_suspension_cancels_the_suspended_persons_upcoming_sessions():
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, at(5))
    safety_services.suspension_create(
        moderator=staff_user(MODERATOR), user=mentor, reason="Asked a mentee for money."
    )
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.CANCELLED
    assert Notification.objects.filter(user=mentee, kind="session_cancelled").exists()


def test_a_session_message_is_reported_from_the_thread(client):
    from django.urls import reverse

    from safety.models import Report
    from sessions.models import Message

    mentor, mentee, mentorship = pair()
    message = Message.objects.create(
        mentorship=mentorship, author=mentor, recipient=mentee, body="Send me money first."
    )
    client.force_login(mentee)
    page = client.get(reverse("matching:mentorship_detail", args=[mentorship.pk])).content.decode()
    assert f"content=mentoring_sessions.message&amp;id={message.pk}" in page
    client.post(
        reverse("safety:report_create"),
        {"content": "mentoring_sessions.message", "id": message.pk, "reason": "scam"},
    )
    report = Report.objects.get()
    assert (report.kind, report.target_user) == ("session message", mentor)
    assert report.snapshot["content"]["text"] == "Send me money first."
    client.force_login(mentor)  # the author is offered no report of their own message
    own = client.get(reverse("matching:mentorship_detail", args=[mentorship.pk])).content.decode()
    assert f"content=mentoring_sessions.message&amp;id={message.pk}" not in own
