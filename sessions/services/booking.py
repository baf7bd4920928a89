"""Booking: propose, confirm, decline, propose another time, cancel, agenda.

Every function is a transaction with keyword arguments only; it returns the
session it changed or raises :class:`SessionRefusal` with a sentence the
person can act on.

No double booking (docs/sessions.md): confirming locks both people's user
rows (``SELECT … FOR UPDATE``, in id order so two confirms never deadlock),
looks for an overlapping confirmed session of either person, and writes one
:class:`SessionAttendee` row per person. On PostgreSQL the exclusion
constraint over (person, time range) is the backstop: an ``IntegrityError``
from it becomes the same refusal. On SQLite every write transaction starts
with ``BEGIN IMMEDIATE`` (settings), which is the lock: one confirmation at
a time.

Every "may these two people meet at all" rule lives in
:func:`_refuse_if_cannot_meet`, so trust-and-safety rules (blocks,
suspensions) join in one place.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from matching.models import Mentorship
from mentorship.notifications import notify
from sessions import conf
from sessions.errors import SessionRefusal
from sessions.models import (
    AGENDA_MAX,
    REASON_MAX,
    MentoringSession,
    SessionAttendee,
)
from sessions.selectors import (
    mentor_settings,
    session_url,
    when_for,
    zone_of,
)

from .events import emit_session_booked, emit_session_cancelled
from .rules import (
    _check_times,
    _clean_text,
    _full_clean,
    _lock_people,
    _profile,
    _refuse_if_busy,
    _refuse_if_cannot_meet,
    _refuse_if_flash_limit,
    name_of,
)

Status = MentoringSession.Status
User = get_user_model()


# --- helpers -------------------------------------------------------------------


# --- propose -------------------------------------------------------------------


def _roles_for(*, by, counterpart, mentorship):
    """(mentor, mentee, kind) of a new session, or a refusal."""
    if mentorship is not None:
        parties = {mentorship.mentor_id, mentorship.mentee_id}
        if {by.pk, counterpart.pk} != parties:
            raise SessionRefusal(
                "Sessions of a mentorship are booked between its mentor and mentee.",
                code="not_party",
            )
        if mentorship.status != Mentorship.Status.ACTIVE:
            raise SessionRefusal(
                "This mentorship has ended, so no new sessions can be booked in it. "
                "Renew it first, or book a flash session.",
                code="mentorship_ended",
            )
        return mentorship.mentor, mentorship.mentee, MentoringSession.Kind.LONG_TERM
    # A flash booking: the mentee books a mentor who offers flash sessions.
    mentor_profile = _profile(counterpart)
    if mentor_profile is None or not mentor_profile.is_mentor or not mentor_profile.format_flash:
        raise SessionRefusal(
            f"{name_of(counterpart)} does not offer flash sessions. "
            "Send them a mentorship request instead.",
            code="no_flash",
        )
    if not mentor_profile.accepting:
        raise SessionRefusal(
            f"{name_of(counterpart)} is not taking new bookings at the moment. "
            "Try another mentor, or come back later.",
            code="not_accepting",
        )
    return counterpart, by, MentoringSession.Kind.FLASH


@transaction.atomic
def session_propose(
    *,
    by,
    counterpart,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    mentorship: Mentorship | None = None,
    agenda: str = "",
    topic: str = "",
    meeting_link: str | None = None,
    replaces: MentoringSession | None = None,
) -> MentoringSession:
    """Propose a session; the other side confirms, declines or proposes another time.

    With a ``mentorship`` both must be its parties and it must be active;
    without one this is a flash booking: ``by`` is the mentee and
    ``counterpart`` a mentor who offers flash sessions and has not reached
    their monthly limit. ``meeting_link`` defaults to the mentor's own.
    """
    now = timezone.now()
    _refuse_if_cannot_meet(by, counterpart)
    if replaces is not None and replaces.mentorship_id is None:
        # Another time for a flash booking: same people, same kind, the mentor may answer.
        mentor, mentee, kind = replaces.mentor, replaces.mentee, MentoringSession.Kind.FLASH
    else:
        mentor, mentee, kind = _roles_for(by=by, counterpart=counterpart, mentorship=mentorship)
    _check_times(starts_at, ends_at, now=now)
    agenda = _clean_text(agenda, AGENDA_MAX, "agenda", "agenda")
    topic = _clean_text(topic, 200, "topic", "topic")
    if kind == MentoringSession.Kind.FLASH:
        if not (topic or (replaces.topic if replaces else "")):
            raise SessionRefusal(
                "Say in a sentence what you would like to talk about, so "
                f"{name_of(mentor)} can prepare.",
                code="topic_required",
                field="topic",
            )
        _lock_people(mentor)
        _refuse_if_flash_limit(mentor, starts_at, exclude_session=replaces)
    _refuse_if_busy(actor=by, people=(by, counterpart), starts_at=starts_at, ends_at=ends_at)
    if meeting_link is None:
        meeting_link = (replaces.meeting_link if replaces else "") or mentor_settings(
            mentor
        ).meeting_link
    session = MentoringSession(
        mentorship=mentorship,
        kind=kind,
        mentor=mentor,
        mentee=mentee,
        proposed_by=by,
        starts_at=starts_at,
        ends_at=ends_at,
        agenda=agenda,
        topic=topic or (replaces.topic if replaces else ""),
        meeting_link=meeting_link,
        replaces=replaces,
    )
    _full_clean(session)
    session.save()
    what = "a flash session" if kind == MentoringSession.Kind.FLASH else "a session"
    notify(
        user=counterpart,
        kind="session_proposed",
        title=f"{name_of(by)} proposed {what} on {when_for(counterpart, starts_at)}",
        body=(session.topic or agenda)[:300],
        url=session_url(session),
    )
    return session


# --- answer a proposal ------------------------------------------------------------


def _locked(session: MentoringSession) -> MentoringSession:
    return MentoringSession.objects.select_for_update().get(pk=session.pk)


def _refuse_unless_party(session: MentoringSession, by) -> None:
    if not session.is_party(by):
        raise SessionRefusal("Only the two people of a session can change it.", code="not_party")


def _refuse_unless_answerer(session: MentoringSession, by, verb: str) -> None:
    _refuse_unless_party(session, by)
    if session.proposed_by_id == by.pk:
        raise SessionRefusal(
            f"You proposed this time, so {name_of(session.other(by))} is the one to {verb} it. "
            "You can cancel your proposal instead.",
            code="own_proposal",
        )


def _refuse_unless_proposed(session: MentoringSession, action: str) -> None:
    if session.status != Status.PROPOSED:
        raise SessionRefusal(
            f"This session is {session.get_status_display().lower()}, so it can no longer be {action}.",
            code="not_proposed",
        )


@transaction.atomic
def session_confirm(*, session: MentoringSession, by) -> MentoringSession:
    """Confirm a proposed session: it now blocks both people's time."""
    _refuse_unless_answerer(session, by, "confirm")
    _refuse_if_cannot_meet(session.mentor, session.mentee)
    # Lock both people first (fixed order), then the session: every confirm
    # touching either of them waits here for the one before it.
    _lock_people(session.mentor, session.mentee)
    session = _locked(session)
    _refuse_unless_proposed(session, "confirmed")
    now = timezone.now()
    if session.starts_at <= now:
        raise SessionRefusal(
            "This proposed time has already passed. Propose another time instead.",
            code="in_past",
        )
    if session.kind == MentoringSession.Kind.FLASH:
        _refuse_if_flash_limit(session.mentor, session.starts_at, exclude_session=session)
    if session.mentorship_id:
        active = _active_mentorship(session)
        if active is None:
            raise SessionRefusal(
                "This mentorship has ended, so its sessions can no longer be confirmed.",
                code="mentorship_ended",
            )
        session.mentorship = active  # proposed before a renewal: it belongs to the new period
    _refuse_if_busy(
        actor=by,
        people=(by, session.other(by)),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    try:
        with transaction.atomic():
            SessionAttendee.objects.bulk_create(
                SessionAttendee(
                    session=session,
                    user_id=uid,
                    starts_at=session.starts_at,
                    ends_at=session.ends_at,
                )
                for uid in (session.mentor_id, session.mentee_id)
            )
    except IntegrityError as exc:
        # The exclusion constraint caught an overlap a path without the lock let through.
        raise SessionRefusal(
            "One of you already has a confirmed session at that time. Choose another time.",
            code="double_booked",
        ) from exc
    session.status = Status.CONFIRMED
    session.responded_at = now
    session.sequence += 1
    session.save(update_fields=["mentorship", "status", "responded_at", "sequence", "updated_at"])
    other = session.other(by)
    notify(
        user=other,
        kind="session_confirmed",
        title=f"{name_of(by)} confirmed your session on {when_for(other, session.starts_at)}",
        url=session_url(session),
    )
    emit_session_booked(session)
    return session


@transaction.atomic
def session_decline(*, session: MentoringSession, by, reason: str = "") -> MentoringSession:
    """Decline a proposed time (the proposer may propose another)."""
    _refuse_unless_answerer(session, by, "decline")
    session = _locked(session)
    _refuse_unless_proposed(session, "declined")
    session.status = Status.DECLINED
    session.decline_reason = _clean_text(reason, REASON_MAX, "reason", "reason")
    session.responded_at = timezone.now()
    session.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
    other = session.other(by)
    notify(
        user=other,
        kind="session_declined",
        title=f"{name_of(by)} cannot make {when_for(other, session.starts_at)}",
        body=session.decline_reason,
        url=session_url(session),
    )
    return session


@transaction.atomic
def session_propose_another(
    *,
    session: MentoringSession,
    by,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    agenda: str | None = None,
) -> MentoringSession:
    """Answer a proposal with another time: the old one is declined, a new one proposed."""
    _refuse_unless_answerer(session, by, "answer")
    locked = _locked(session)
    _refuse_unless_proposed(locked, "answered")
    locked.status = Status.DECLINED
    locked.decline_reason = "Proposed another time."
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
    return session_propose(
        by=by,
        counterpart=locked.other(by),
        starts_at=starts_at,
        ends_at=ends_at,
        mentorship=(_active_mentorship(locked) or locked.mentorship)
        if locked.mentorship_id
        else None,
        agenda=locked.agenda if agenda is None else agenda,
        replaces=locked,
    )


# --- cancel ----------------------------------------------------------------------


@transaction.atomic
def session_cancel(*, session: MentoringSession, by, reason: str) -> MentoringSession:
    """Cancel a proposed or confirmed session, with a reason the other side reads.

    A confirmed session cancelled less than ``SESSIONS_LATE_CANCEL_HOURS``
    before it starts is marked late (it counts against reliability).
    """
    _refuse_unless_party(session, by)
    reason = _clean_text(reason, REASON_MAX, "reason", "reason")
    session = _locked(session)
    if session.status not in (Status.PROPOSED, Status.CONFIRMED):
        raise SessionRefusal(
            f"This session is {session.get_status_display().lower()}, so there is nothing to cancel.",
            code="not_cancellable",
        )
    now = timezone.now()
    if session.starts_at <= now:
        raise SessionRefusal(
            "This session has already started. If the other person did not come, "
            "report a no-show after its end.",
            code="started",
        )
    if session.status == Status.CONFIRMED and not reason:
        raise SessionRefusal(
            f"Tell {name_of(session.other(by))} why you cancel; they had planned for this time.",
            code="reason_required",
            field="reason",
        )
    was_confirmed = session.status == Status.CONFIRMED
    late_window = datetime.timedelta(hours=conf.get("SESSIONS_LATE_CANCEL_HOURS"))
    session.status = Status.CANCELLED
    session.cancelled_by = by
    session.cancelled_at = now
    session.cancel_reason = reason
    session.cancelled_late = was_confirmed and session.starts_at - now < late_window
    session.sequence += 1
    session.save()
    SessionAttendee.objects.filter(session=session).delete()
    other = session.other(by)
    notify(
        user=other,
        kind="session_cancelled",
        title=f"{name_of(by)} cancelled the session on {when_for(other, session.starts_at)}",
        body=reason,
        url=session_url(session),
        email=was_confirmed,
    )
    emit_session_cancelled(session, by=by)
    return session


def _active_mentorship(session: MentoringSession) -> Mentorship | None:
    """The session's mentorship, or the pair's renewal of it when that one has ended."""
    if session.mentorship.status == Mentorship.Status.ACTIVE:
        return session.mentorship
    return Mentorship.objects.filter(
        mentor_id=session.mentor_id, mentee_id=session.mentee_id, status=Mentorship.Status.ACTIVE
    ).first()


__all__ = [
    "mentor_settings",
    "name_of",
    "session_cancel",
    "session_confirm",
    "session_decline",
    "session_propose",
    "session_propose_another",
    "when_for",
    "zone_of",
]
