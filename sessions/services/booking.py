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
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from matching.models import Mentorship
from mentorship.notifications import notify
from profiles.models import Profile
from profiles.timezones import is_valid_timezone
from sessions import conf
from sessions.errors import SessionRefusal
from sessions.models import (
    AGENDA_MAX,
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    REASON_MAX,
    MentoringSession,
    MentorSessionSettings,
    SessionAttendee,
)

Status = MentoringSession.Status
User = get_user_model()


# --- helpers -------------------------------------------------------------------


def _profile(user) -> Profile | None:
    return Profile.objects.filter(user_id=user.pk).first()


def name_of(user) -> str:
    profile = _profile(user)
    return profile.name if profile else str(user)


def zone_of(user) -> ZoneInfo:
    tz = Profile.objects.filter(user_id=user.pk).values_list("timezone", flat=True).first()
    return ZoneInfo(tz if tz and is_valid_timezone(tz) else "UTC")


def when_for(user, moment: datetime.datetime) -> str:
    """A moment as ``user`` reads it: their zone, with its abbreviation."""
    local = moment.astimezone(zone_of(user))
    return f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}"


def session_url(session: MentoringSession) -> str:
    return reverse("sessions:session_detail", args=[session.pk])


def mentor_settings(mentor) -> MentorSessionSettings:
    found = MentorSessionSettings.objects.filter(mentor=mentor).first()
    return found or MentorSessionSettings(mentor=mentor)


def _refuse_if_cannot_meet(a, b) -> None:
    """The one place that decides whether two people may book, talk and meet.

    Trust and safety (blocks, suspensions) adds its check here.
    """
    if a.pk == b.pk:
        raise SessionRefusal("You cannot book a session with yourself.", code="self")
    if not (a.is_active and b.is_active):
        raise SessionRefusal(
            "This person's account is no longer active, so sessions cannot be booked with them.",
            code="inactive",
        )


def _check_times(starts_at: datetime.datetime, ends_at: datetime.datetime, *, now) -> None:
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("starts_at and ends_at must be aware datetimes")
    if ends_at <= starts_at:
        raise SessionRefusal(
            "The session must end after it starts.", code="bad_times", field="ends_at"
        )
    minutes = (ends_at - starts_at).total_seconds() / 60
    if minutes < MIN_SESSION_MINUTES or minutes > MAX_SESSION_MINUTES:
        raise SessionRefusal(
            f"A session lasts between {MIN_SESSION_MINUTES} minutes and "
            f"{MAX_SESSION_MINUTES // 60} hours; choose another length.",
            code="bad_length",
            field="minutes",
        )
    if starts_at <= now:
        raise SessionRefusal(
            "That time has already passed. Choose a time in the future.",
            code="in_past",
            field="starts_at",
        )


def _overlapping(user, starts_at, ends_at, *, exclude_session=None):
    qs = SessionAttendee.objects.filter(user=user, starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_session is not None:
        qs = qs.exclude(session=exclude_session)
    return qs.select_related("session").first()


def _refuse_if_busy(*, actor, people, starts_at, ends_at, exclude_session=None) -> None:
    for person in people:
        clash = _overlapping(person, starts_at, ends_at, exclude_session=exclude_session)
        if clash is None:
            continue
        other = clash.session
        if person.pk == actor.pk:
            raise SessionRefusal(
                "You already have a confirmed session from "
                f"{when_for(actor, other.starts_at)} to {other.ends_at.astimezone(zone_of(actor)):%H:%M} "
                "that overlaps this time. Choose another time or cancel that session first.",
                code="double_booked",
                field="starts_at",
            )
        raise SessionRefusal(
            f"{name_of(person)} already has a confirmed session at that time "
            f"({when_for(actor, other.starts_at)}). Choose another time.",
            code="double_booked",
            field="starts_at",
        )


def _month_bounds(moment: datetime.datetime, zone: ZoneInfo):
    local = moment.astimezone(zone)
    first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, nxt


def flash_sessions_in_month(mentor, moment: datetime.datetime, *, exclude_session=None) -> int:
    """Flash sessions of ``mentor`` proposed, confirmed or held in the month of ``moment``.

    The month is the mentor's own calendar month (their time zone).
    """
    first, nxt = _month_bounds(moment, zone_of(mentor))
    qs = MentoringSession.objects.filter(
        mentor=mentor,
        kind=MentoringSession.Kind.FLASH,
        starts_at__gte=first,
        starts_at__lt=nxt,
        status__in=[Status.PROPOSED, Status.CONFIRMED, Status.HELD, Status.NO_SHOW],
    )
    if exclude_session is not None:
        qs = qs.exclude(pk=exclude_session.pk)
    return qs.count()


def _refuse_if_flash_limit(mentor, starts_at, *, exclude_session=None) -> None:
    limit = mentor_settings(mentor).flash_monthly_limit
    used = flash_sessions_in_month(mentor, starts_at, exclude_session=exclude_session)
    if used >= limit:
        month = starts_at.astimezone(zone_of(mentor)).strftime("%B %Y")
        raise SessionRefusal(
            f"{name_of(mentor)} takes {limit} flash session{'s' if limit != 1 else ''} a month "
            f"and {month} is fully booked. Choose a date in another month.",
            code="flash_limit",
            field="starts_at",
        )


def _lock_people(*people) -> None:
    """Serialise bookings of these people (ids in order, so two confirms never deadlock).

    PostgreSQL: row locks on the users. SQLite has no row locks: a no-op
    UPDATE takes the database's write lock now, before the overlap check
    reads, so a second confirmation waits (busy timeout) instead of reading
    a state the first is about to change. With ``transaction_mode:
    IMMEDIATE`` (our settings) the transaction already holds it.
    """
    ids = sorted({p.pk for p in people})
    if connection.vendor == "sqlite":
        User.objects.filter(pk__in=ids).update(is_active=F("is_active"))
        return
    list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))


def _clean_text(value: str, limit: int, label: str, field: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise SessionRefusal(
            f"The {label} is {len(value)} characters long; keep it under {limit}.",
            code="too_long",
            field=field,
        )
    return value


def _full_clean(session: MentoringSession) -> None:
    try:
        session.full_clean()
    except ValidationError as exc:
        raise SessionRefusal(errors=exc.message_dict, code="invalid") from exc


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
