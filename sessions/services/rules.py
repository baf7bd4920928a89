"""The rules every booking step checks: who may meet, times, overlaps, limits, text.

The one place that decides whether two people may book, talk and meet is
:func:`_refuse_if_cannot_meet` (trust and safety adds its check there).
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from profiles.models import Profile
from profiles.services.locks import people_lock
from safety import selectors as safety
from sessions.errors import SessionRefusal
from sessions.models import (
    MAX_SESSION_MINUTES,
    MIN_SESSION_MINUTES,
    MentoringSession,
    SessionAttendee,
)
from sessions.selectors import (
    flash_sessions_in_month,
    mentor_settings,
    when_for,
    zone_of,
)

User = get_user_model()


def _profile(user) -> Profile | None:
    return Profile.objects.filter(user_id=user.pk).first()


def name_of(user) -> str:
    profile = _profile(user)
    return profile.name if profile else str(user)


def _refuse_if_cannot_meet(a, b) -> None:
    """The one place that decides whether two people may book, talk and meet.

    Blocks (either way) and suspensions come from ``safety``; the sentence
    never tells a blocked person that they were blocked.
    """
    if a.pk == b.pk:
        raise SessionRefusal("You cannot book a session with yourself.", code="self")
    # Wait for a block or suspension of either being written now, then see it.
    people_lock(a, b)
    if not (a.is_active and b.is_active):
        raise SessionRefusal(
            "This person's account is no longer active, so sessions cannot be booked with them.",
            code="inactive",
        )
    if safety.is_suspended(a):
        raise SessionRefusal("Your account is suspended.", code="suspended")
    if safety.users_blocked(a, b) or safety.is_suspended(b):
        raise SessionRefusal(f"You cannot contact {name_of(b)}.", code="unavailable")


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
    """Serialise bookings of these people (``profiles.services.people_lock``: ids in order)."""
    people_lock(*people)


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
