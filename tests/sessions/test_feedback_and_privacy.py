"""Feedback, no-shows, ratings on the profile, staff flags; private notes stay private; calendars."""

import datetime
import json

import icalendar
import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse

from matching.hooks import reliability_counts
from mentorship.errors import Refusal
from mentorship.models import Notification
from profiles.account_data import user_data_export
from sessions import calendar as ical
from sessions import selectors, services
from sessions.models import MentoringSession, SessionFeedback, StaffFlag
from tests.factories import MODERATOR, staff_login, staff_user

from .helpers import at, book_confirmed, make_mentee, pair, past_session

HOST = "127.0.0.1"  # the Sites domain comes from SITE_URL (http://127.0.0.1:8000 here)

pytestmark = pytest.mark.django_db
Status = MentoringSession.Status


def test_feedback_after_the_end_marks_the_session_held():
    mentor, mentee, mentorship = pair()
    session = past_session(mentorship)
    feedback = services.feedback_leave(session=session, by=mentee, rating=5, comment="Very useful")
    session.refresh_from_db()
    assert (feedback.subject, feedback.rating, session.status) == (mentor, 5, Status.HELD)
    services.feedback_leave(session=session, by=mentor, rating=4)
    with pytest.raises(Refusal) as exc:
        services.feedback_leave(session=session, by=mentee, rating=3)
    assert exc.value.message == "You already rated this session. Thank you!"


def test_feedback_before_the_end_is_refused():
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, at(2))
    with pytest.raises(Refusal) as exc:
        services.feedback_leave(session=session, by=mentee, rating=5)
    assert exc.value.code == "not_ended"
    assert exc.value.message.startswith("Feedback opens when the session ends (")


def test_low_ratings_and_no_shows_reach_staff(django_user_model):
    staff = django_user_model.objects.create_user(
        email="staff@example.org", password="x", is_staff=True
    )
    mentor, mentee, mentorship = pair()
    services.feedback_leave(
        session=past_session(mentorship, days_ago=3), by=mentee, rating=1, comment="Late, rude"
    )
    missed = past_session(mentorship, days_ago=1)
    services.session_report_no_show(session=missed, by=mentee)
    missed.refresh_from_db()
    assert (missed.status, missed.no_show_user) == (Status.NO_SHOW, mentor)
    flags = StaffFlag.objects.order_by("kind")
    assert [(f.kind, f.about) for f in flags] == [("low_rating", mentor), ("no_show", mentor)]
    assert Notification.objects.filter(user=staff, kind__startswith="staff_").count() == 2


def test_staff_list_is_for_moderators_only(client, django_user_model):
    url = reverse("sessions:staff_flags")
    assert client.get(url).status_code == 302
    client.force_login(make_mentee())
    assert client.get(url).status_code == 404
    client.force_login(
        django_user_model.objects.create_user(email="s@example.org", password="x", is_staff=True)
    )
    assert client.get(url).status_code == 404  # staff without the moderator role
    staff_login(client, staff_user(MODERATOR))
    assert client.get(url).status_code == 200


def test_rating_shows_on_the_mentors_profile_from_three_ratings(client):
    mentor, mentee, mentorship = pair()
    for days, rating in ((5, 5), (4, 4)):
        services.feedback_leave(
            session=past_session(mentorship, days_ago=days), by=mentee, rating=rating
        )
    viewer = make_mentee()
    client.force_login(viewer)
    url = reverse("profiles:profile_detail", args=[mentor.profile.public_id])
    assert 'data-testid="mentor-rating"' not in client.get(url).content.decode()
    third = past_session(mentorship, days_ago=3)
    services.feedback_leave(session=third, by=mentee, rating=3)
    # The mentor's own rating of the mentee does not count towards the mentor's average.
    services.feedback_leave(session=third, by=mentor, rating=1)
    html = client.get(url).content.decode()
    assert "<strong>4.0</strong> / 5" in html
    assert "from 3 session ratings" in html
    assert selectors.mentor_rating(mentor=mentor).count == 3


def test_reliability_reaches_matching_through_its_hook():
    mentor, mentee, mentorship = pair()
    services.feedback_leave(session=past_session(mentorship, days_ago=5), by=mentee, rating=5)
    past_session(mentorship, days_ago=4, status=Status.HELD)  # held, not rated: kept fully
    services.session_report_no_show(session=past_session(mentorship, days_ago=1), by=mentee)
    services.feedback_leave(session=past_session(mentorship, days_ago=2), by=mentee, rating=2)
    counted, kept = reliability_counts([mentor.pk])[mentor.pk]
    assert counted == 4  # three held + one no-show of the mentor
    assert kept == pytest.approx(1 + 1 + 0.25)


def test_private_notes_are_only_in_their_authors_export():
    mentor, mentee, mentorship = pair()
    session = past_session(mentorship)
    services.note_add(session=session, by=mentor, body="MENTOR-PRIVATE", private=True)
    services.note_add(session=session, by=mentee, body="MENTEE-PRIVATE", private=True)
    services.note_add(session=session, by=mentee, body="SHARED-BY-MENTEE", private=False)

    def dump(user):
        return json.dumps(user_data_export(user=user), cls=DjangoJSONEncoder)

    mentee_export, mentor_export = dump(mentee), dump(mentor)
    assert "MENTEE-PRIVATE" in mentee_export and "SHARED-BY-MENTEE" in mentee_export
    assert "MENTOR-PRIVATE" not in mentee_export
    assert "MENTOR-PRIVATE" in mentor_export
    assert "MENTEE-PRIVATE" not in mentor_export
    # The calendar token is a secret: never in an export.
    feed = services.calendar_feed_get_or_create(user=mentee)
    assert feed.token not in dump(mentee)


def test_ics_of_a_session_parses_with_the_readers_zone(client):
    mentor, mentee, mentorship = pair(timezone="Europe/Berlin")
    mentee.profile.timezone = "Asia/Tokyo"
    mentee.profile.save()
    session = book_confirmed(mentorship, at(3, 9))
    client.force_login(mentee)
    response = client.get(reverse("sessions:session_ics", args=[session.pk]))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    (event,) = cal.walk("VEVENT")
    start = event.decoded("dtstart")
    assert start == session.starts_at
    assert str(start.tzinfo) == "Asia/Tokyo"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Tokyo"]
    assert str(event["status"]) == "CONFIRMED"
    assert event["uid"] == f"session-{session.pk}@{HOST}"


def test_the_feed_shows_cancelled_sessions_as_cancelled():
    mentor, mentee, mentorship = pair()
    kept = book_confirmed(mentorship, at(3))
    dropped = book_confirmed(mentorship, at(4))
    services.session_cancel(session=dropped, by=mentee, reason="Exam")
    services.session_propose(
        by=mentee,
        counterpart=mentor,
        starts_at=at(6),
        ends_at=at(6) + datetime.timedelta(hours=1),
        mentorship=mentorship,
    )
    body = ical.calendar_for(selectors.feed_sessions(user=mentor), viewer=mentor, name="x")
    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    assert set(events) == {f"session-{kept.pk}@{HOST}", f"session-{dropped.pk}@{HOST}"}
    cancelled = events[f"session-{dropped.pk}@{HOST}"]
    assert str(cancelled["status"]) == "CANCELLED"
    assert int(cancelled["sequence"]) == 2
    assert str(cancelled["summary"]).startswith("Cancelled: ")


def test_feedback_rows_cannot_repeat():
    mentor, mentee, mentorship = pair()
    session = past_session(mentorship)
    services.feedback_leave(session=session, by=mentee, rating=4)
    assert SessionFeedback.objects.filter(session=session).count() == 1
