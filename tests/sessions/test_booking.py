"""Booking services: propose, confirm, decline, another time, cancel; no double booking."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, transaction

from mentorship.errors import Refusal
from mentorship.models import Notification
from sessions import services
from sessions.models import MentoringSession, MentorSessionSettings, SessionAttendee

from .helpers import MentorshipFactory, at, book_confirmed, make_mentee, make_mentor, pair

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)
Status = MentoringSession.Status


def test_propose_returns_a_proposed_session_with_the_mentors_default_link():
    mentor, mentee, mentorship = pair()
    MentorSessionSettings.objects.create(
        mentor=mentor, meeting_link="https://meet.example.org/amara"
    )
    start = at(3)
    session = services.session_propose(
        by=mentee, counterpart=mentor, starts_at=start, ends_at=start + HOUR, mentorship=mentorship
    )
    assert isinstance(session, MentoringSession)
    assert (session.status, session.kind, session.mentor, session.mentee) == (
        Status.PROPOSED,
        MentoringSession.Kind.LONG_TERM,
        mentor,
        mentee,
    )
    assert session.proposed_by == mentee
    assert session.meeting_link == "https://meet.example.org/amara"
    assert not SessionAttendee.objects.exists()  # a proposal blocks nobody's time yet
    assert Notification.objects.filter(user=mentor, kind="session_proposed").count() == 1


def test_the_mentor_may_propose_too_and_the_mentee_confirms():
    mentor, mentee, mentorship = pair()
    start = at(3)
    session = services.session_propose(
        by=mentor, counterpart=mentee, starts_at=start, ends_at=start + HOUR, mentorship=mentorship
    )
    confirmed = services.session_confirm(session=session, by=mentee)
    assert confirmed.status == Status.CONFIRMED
    assert set(SessionAttendee.objects.values_list("user_id", flat=True)) == {mentor.pk, mentee.pk}


def test_the_proposer_cannot_confirm_their_own_proposal():
    mentor, mentee, mentorship = pair()
    start = at(3)
    session = services.session_propose(
        by=mentee, counterpart=mentor, starts_at=start, ends_at=start + HOUR, mentorship=mentorship
    )
    with pytest.raises(Refusal) as exc:
        services.session_confirm(session=session, by=mentee)
    assert exc.value.code == "own_proposal"
    assert "is the one to confirm it" in exc.value.message


@pytest.mark.parametrize(
    ("offset", "length", "code"),
    [
        (-2, 60, "in_past"),
        (2, 10, "bad_length"),
        (2, 300, "bad_length"),
    ],
)
def test_bad_times_are_refused_with_a_sentence(offset, length, code):
    mentor, mentee, mentorship = pair()
    start = at(offset)
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=mentee,
            counterpart=mentor,
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=length),
            mentorship=mentorship,
        )
    assert exc.value.code == code


def test_a_stranger_cannot_book_in_someone_elses_mentorship():
    mentor, mentee, mentorship = pair()
    stranger = make_mentee()
    start = at(3)
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=stranger,
            counterpart=mentor,
            starts_at=start,
            ends_at=start + HOUR,
            mentorship=mentorship,
        )
    assert exc.value.message == "Sessions of a mentorship are booked between its mentor and mentee."


def test_an_ended_mentorship_takes_no_new_sessions():
    mentor, mentee, mentorship = pair()
    mentorship.status = mentorship.Status.COMPLETED
    mentorship.save()
    start = at(3)
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=mentee,
            counterpart=mentor,
            starts_at=start,
            ends_at=start + HOUR,
            mentorship=mentorship,
        )
    assert exc.value.code == "mentorship_ended"


def test_overlapping_confirm_is_refused_for_the_mentor():
    mentor, mentee, mentorship = pair()
    other_mentee = make_mentee()
    other = MentorshipFactory(mentee=other_mentee, mentor=mentor)
    start = at(3)
    book_confirmed(mentorship, start)
    # Proposing over a confirmed session is refused up front ...
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=other_mentee,
            counterpart=mentor,
            starts_at=start + datetime.timedelta(minutes=30),
            ends_at=start + datetime.timedelta(minutes=90),
            mentorship=other,
        )
    assert exc.value.code == "double_booked"


def test_two_proposals_at_one_time_only_one_can_be_confirmed():
    mentor, mentee, mentorship = pair()
    other_mentee = make_mentee()
    other = MentorshipFactory(mentee=other_mentee, mentor=mentor)
    start = at(3)
    first = services.session_propose(
        by=mentee, counterpart=mentor, starts_at=start, ends_at=start + HOUR, mentorship=mentorship
    )
    second = services.session_propose(
        by=other_mentee,
        counterpart=mentor,
        starts_at=start + HOUR / 2,
        ends_at=start + HOUR * 1.5,
        mentorship=other,
    )
    services.session_confirm(session=first, by=mentor)
    with pytest.raises(Refusal) as exc:
        services.session_confirm(session=second, by=mentor)
    assert exc.value.code == "double_booked"
    assert exc.value.message.startswith("You already have a confirmed session from ")
    second.refresh_from_db()
    assert second.status == Status.PROPOSED


def test_back_to_back_sessions_do_not_overlap():
    mentor, mentee, mentorship = pair()
    start = at(3)
    book_confirmed(mentorship, start)
    book_confirmed(mentorship, start + HOUR)
    assert SessionAttendee.objects.filter(user=mentor).count() == 2


def test_a_mentor_booked_as_a_mentee_elsewhere_cannot_be_double_booked():
    mentor, mentee, mentorship = pair()
    senior = make_mentor()
    as_mentee = MentorshipFactory(mentee=mentor, mentor=senior)  # the mentor is someone's mentee
    start = at(4)
    book_confirmed(as_mentee, start)
    proposal_by_mentee = services.session_propose(
        by=mentor,
        counterpart=mentee,
        starts_at=start + datetime.timedelta(hours=2),
        ends_at=start + datetime.timedelta(hours=3),
        mentorship=mentorship,
    )
    # Move it onto the busy hour behind the service's back, as a race would.
    MentoringSession.objects.filter(pk=proposal_by_mentee.pk).update(
        starts_at=start + datetime.timedelta(minutes=15),
        ends_at=start + datetime.timedelta(minutes=75),
    )
    proposal_by_mentee.refresh_from_db()
    with pytest.raises(Refusal) as exc:
        services.session_confirm(session=proposal_by_mentee, by=mentee)
    assert exc.value.code == "double_booked"
    assert "already has a confirmed session at that time" in exc.value.message


@pytest.mark.postgres
def test_the_exclusion_constraint_refuses_overlapping_rows_without_the_service():
    mentor, mentee, mentorship = pair()
    start = at(5)
    session = book_confirmed(mentorship, start)
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionAttendee.objects.create(
            session=MentoringSession.objects.create(
                mentorship=mentorship,
                mentor=mentor,
                mentee=mentee,
                proposed_by=mentee,
                starts_at=start + HOUR / 2,
                ends_at=start + HOUR * 2,
            ),
            user=mentor,
            starts_at=start + HOUR / 2,
            ends_at=start + HOUR * 2,
        )
    assert session.attendees.count() == 2


def test_decline_and_propose_another_time():
    mentor, mentee, mentorship = pair()
    start = at(3)
    session = services.session_propose(
        by=mentee,
        counterpart=mentor,
        starts_at=start,
        ends_at=start + HOUR,
        mentorship=mentorship,
        agenda="CV review",
    )
    new = services.session_propose_another(
        session=session, by=mentor, starts_at=start + HOUR * 3, ends_at=start + HOUR * 4
    )
    session.refresh_from_db()
    assert session.status == Status.DECLINED
    assert (new.status, new.replaces, new.proposed_by, new.agenda) == (
        Status.PROPOSED,
        session,
        mentor,
        "CV review",
    )
    services.session_confirm(session=new, by=mentee)
    declined = services.session_propose(
        by=mentee,
        counterpart=mentor,
        starts_at=start + HOUR * 24,
        ends_at=start + HOUR * 25,
        mentorship=mentorship,
    )
    services.session_decline(session=declined, by=mentor, reason="Travelling that day")
    declined.refresh_from_db()
    assert (declined.status, declined.decline_reason) == (Status.DECLINED, "Travelling that day")


def test_cancel_frees_the_time_and_is_late_inside_the_window(settings):
    settings.SESSIONS_LATE_CANCEL_HOURS = 48
    mentor, mentee, mentorship = pair()
    soon = book_confirmed(mentorship, at(1.5))
    later = book_confirmed(mentorship, at(5))
    mail.outbox.clear()
    with pytest.raises(Refusal) as exc:
        services.session_cancel(session=later, by=mentor, reason="")
    assert exc.value.field == "reason"
    services.session_cancel(session=later, by=mentor, reason="Conference trip")
    services.session_cancel(session=soon, by=mentee, reason="Sick")
    soon.refresh_from_db()
    later.refresh_from_db()
    assert (later.status, later.cancelled_late, later.cancel_reason) == (
        Status.CANCELLED,
        False,
        "Conference trip",
    )
    assert (soon.status, soon.cancelled_late, soon.cancelled_by) == (Status.CANCELLED, True, mentee)
    assert not SessionAttendee.objects.exists()
    assert later.sequence == 2  # confirmed (1) and cancelled (2): calendars update the event
    # The freed hour can be booked again.
    book_confirmed(mentorship, later.starts_at)


def test_cancelling_twice_is_refused():
    mentor, mentee, mentorship = pair()
    session = book_confirmed(mentorship, at(3))
    services.session_cancel(session=session, by=mentor, reason="Clash")
    with pytest.raises(Refusal) as exc:
        services.session_cancel(session=session, by=mentor, reason="Clash")
    assert exc.value.message == "This session is cancelled, so there is nothing to cancel."


# --- flash sessions -------------------------------------------------------------------


def test_flash_booking_without_mentorship_carries_the_topic():
    mentor = make_mentor(format_flash=True)
    mentee = make_mentee()
    start = at(3)
    session = services.session_propose(
        by=mentee,
        counterpart=mentor,
        starts_at=start,
        ends_at=start + HOUR,
        topic="Negotiating my first salary",
    )
    assert (session.kind, session.mentorship, session.topic, session.mentor, session.mentee) == (
        MentoringSession.Kind.FLASH,
        None,
        "Negotiating my first salary",
        mentor,
        mentee,
    )


def test_flash_booking_needs_a_topic_and_a_mentor_who_offers_flash():
    mentee = make_mentee()
    no_flash = make_mentor(format_flash=False)
    start = at(3)
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=mentee, counterpart=no_flash, starts_at=start, ends_at=start + HOUR, topic="x"
        )
    assert exc.value.code == "no_flash"
    flash = make_mentor(format_flash=True)
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=mentee, counterpart=flash, starts_at=start, ends_at=start + HOUR
        )
    assert exc.value.field == "topic"


def test_flash_monthly_limit():
    mentor = make_mentor(format_flash=True, timezone="UTC")
    MentorSessionSettings.objects.create(mentor=mentor, flash_monthly_limit=1)
    start = at(3)
    services.session_propose(
        by=make_mentee(), counterpart=mentor, starts_at=start, ends_at=start + HOUR, topic="One"
    )
    with pytest.raises(Refusal) as exc:
        services.session_propose(
            by=make_mentee(),
            counterpart=mentor,
            starts_at=start + HOUR * 2,
            ends_at=start + HOUR * 3,
            topic="Two",
        )
    assert exc.value.code == "flash_limit"
    assert exc.value.message.startswith(f"{mentor.profile.name} takes 1 flash session a month and ")


def test_finishing_from_the_workspace_cancels_the_sessions_ahead():
    mentor, mentee, mentorship = pair()
    ahead = book_confirmed(mentorship, at(4))
    proposal = services.session_propose(
        by=mentee, counterpart=mentor, starts_at=at(6), ends_at=at(6) + HOUR, mentorship=mentorship
    )
    ended = services.workspace_mentorship_end(
        mentorship=mentorship, by=mentee, reason="Done", completed=True
    )
    assert ended.status == "completed"
    ahead.refresh_from_db()
    proposal.refresh_from_db()
    assert (ahead.status, ahead.cancelled_late, ahead.cancel_reason) == (
        "cancelled",
        False,
        "The mentorship ended.",
    )
    assert proposal.status == "cancelled"
    assert not SessionAttendee.objects.exists()


def test_a_proposal_made_before_a_renewal_is_confirmed_into_the_renewed_mentorship():
    from matching import services as matching_services

    mentor, mentee, mentorship = pair()
    proposal = services.session_propose(
        by=mentee, counterpart=mentor, starts_at=at(5), ends_at=at(5) + HOUR, mentorship=mentorship
    )
    renewed = matching_services.mentorship_renew(mentorship=mentorship, by=mentor)
    confirmed = services.session_confirm(session=proposal, by=mentor)
    assert (confirmed.status, confirmed.mentorship) == (Status.CONFIRMED, renewed)
