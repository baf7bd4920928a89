"""Row builders for the sessions tests (built on the matching helpers and shared factories)."""

import datetime

from django.utils import timezone

from sessions.models import MentoringSession, SessionAttendee
from tests.factories import MentorshipFactory, make_mentee, make_mentor

__all__ = [
    "at",
    "book_confirmed",
    "make_mentee",
    "make_mentor",
    "MentorshipFactory",
    "pair",
    "past_session",
]


def pair(**mentor_profile):
    # No weekly slots unless a test gives them: availability tests set their own.
    mentor = make_mentor(slots=(), **mentor_profile)
    mentee = make_mentee()
    return mentor, mentee, MentorshipFactory(mentee=mentee, mentor=mentor)


def at(days: float = 2, hour: int = 10, minutes: int = 0) -> datetime.datetime:
    """A UTC moment ``days`` from now at ``hour``:``minutes`` (always in the future for days ≥ 1)."""
    base = (timezone.now() + datetime.timedelta(days=days)).replace(
        hour=hour, minute=minutes, second=0, microsecond=0
    )
    return base


def book_confirmed(mentorship, starts_at, minutes: int = 60) -> MentoringSession:
    from sessions import services

    session = services.session_propose(
        by=mentorship.mentee,
        counterpart=mentorship.mentor,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        mentorship=mentorship,
    )
    return services.session_confirm(session=session, by=mentorship.mentor)


def past_session(
    mentorship, *, days_ago: float = 1, status=MentoringSession.Status.CONFIRMED, **kw
):
    """A session that already ended (written directly: the services refuse the past)."""
    start = timezone.now() - datetime.timedelta(days=days_ago)
    session = MentoringSession.objects.create(
        mentorship=mentorship,
        kind=MentoringSession.Kind.LONG_TERM if mentorship else MentoringSession.Kind.FLASH,
        mentor=kw.pop("mentor", None) or mentorship.mentor,
        mentee=kw.pop("mentee", None) or mentorship.mentee,
        proposed_by=kw.pop("proposed_by", None) or (mentorship.mentee if mentorship else None),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
        status=status,
        responded_at=start - datetime.timedelta(days=2),
        **kw,
    )
    if status in MentoringSession.BLOCKING_STATUSES:
        SessionAttendee.objects.bulk_create(
            SessionAttendee(
                session=session, user_id=uid, starts_at=session.starts_at, ends_at=session.ends_at
            )
            for uid in (session.mentor_id, session.mentee_id)
        )
    return session
