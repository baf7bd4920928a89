"""Mentorships: created on accept (taking a capacity slot), ended, completed, renewed;
staff manual matches and do-not-match pairs.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from matching.errors import MatchingError
from matching.models import (
    Format,
    MatchRequest,
    Mentorship,
    PairExclusion,
)
from mentorship.notifications import notify
from profiles.models import Profile
from profiles.services.locks import people_lock
from safety import selectors as safety_selectors

from .events import emit_mentorship_ended
from .safety_rules import unsafe_reason


def _name(user) -> str:
    profile = Profile.objects.filter(user=user).first()
    return profile.name if profile else str(user)


def _mentorship_url(mentorship: Mentorship) -> str:
    return reverse("matching:mentorship_detail", args=[mentorship.pk])


def _places_taken(mentor) -> int:
    return Mentorship.objects.holding_places().filter(mentor=mentor).count()


def _lowest_free_slot(mentor, capacity: int) -> int | None:
    taken = set(
        Mentorship.objects.filter(
            mentor=mentor, status=Mentorship.Status.ACTIVE, slot__isnull=False
        ).values_list("slot", flat=True)
    )
    return next((slot for slot in range(1, capacity + 1) if slot not in taken), None)


def _full_message(taken: int, capacity: int) -> str:
    return (
        f"You have no free places: {taken} of {capacity} taken. "
        "Raise your capacity or end a mentorship first."
    )


def _create_mentorship(
    *, mentee, mentor, format: str, request: MatchRequest | None, renewed_from=None
) -> Mentorship:
    """Create an active mentorship, taking a capacity slot for long-term ones.

    The caller must already hold the lock on the mentor's profile row.
    """
    slot = None
    if format == Format.LONG_TERM:
        profile = Profile.objects.select_for_update().filter(user=mentor).first()
        capacity = profile.capacity if profile else 0
        taken = _places_taken(mentor)
        if taken >= capacity:
            raise MatchingError(_full_message(taken, capacity))
        slot = _lowest_free_slot(mentor, capacity)
        if slot is None:  # slots above a lowered capacity still occupied
            raise MatchingError(_full_message(max(taken, capacity), capacity))
    try:
        with transaction.atomic():
            return Mentorship.objects.create(
                mentee=mentee,
                mentor=mentor,
                request=request,
                format=format,
                slot=slot,
                renewed_from=renewed_from,
            )
    except IntegrityError as exc:
        if Mentorship.objects.filter(
            mentee=mentee, mentor=mentor, status=Mentorship.Status.ACTIVE
        ).exists():
            raise MatchingError(
                f"{_name(mentor)} already mentors {_name(mentee)} in an active mentorship."
            ) from exc
        taken = _places_taken(mentor)
        profile = Profile.objects.filter(user=mentor).first()
        raise MatchingError(_full_message(taken, profile.capacity if profile else 0)) from exc


def _refuse_if_unsafe(**kwargs) -> None:
    """Blocks, suspensions and mentor review (``safety``) as a lifecycle refusal.

    Locks both people first (``profiles.services.people_lock``): a block or a
    suspension being written now is waited for and then seen, and one that
    comes later finds what this step made and ends it.
    """
    people_lock(kwargs["actor"], kwargs["other"])
    if reason := unsafe_reason(**kwargs):
        raise MatchingError(reason[0], code=reason[1])


def _excluded(mentee, mentor) -> PairExclusion | None:
    return PairExclusion.objects.filter(mentee=mentee, mentor=mentor).first()


def _check_mentor_available(mentor_profile: Profile | None, mentor_name: str) -> None:
    if mentor_profile is None or not mentor_profile.is_mentor:
        raise MatchingError(f"{mentor_name} is not a mentor.")
    if not mentor_profile.accepting:
        raise MatchingError(f"{mentor_name} is not taking new requests at the moment.")
    today = timezone.localdate()
    if mentor_profile.away_until and mentor_profile.away_until >= today:
        raise MatchingError(
            f"{mentor_name} is away until {mentor_profile.away_until:%d %B %Y}; "
            "try again after that."
        )


def _other_party(mentorship: Mentorship, user):
    return mentorship.mentor if user.pk == mentorship.mentee_id else mentorship.mentee


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, by, reason: str, completed: bool) -> Mentorship:
    """End an active mentorship, as completed or ended early; either party may do it."""
    if by.pk not in (mentorship.mentee_id, mentorship.mentor_id):
        raise MatchingError("This mentorship is not yours.")
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise MatchingError("This mentorship has already ended.")
    mentorship.status = Mentorship.Status.COMPLETED if completed else Mentorship.Status.ENDED
    mentorship.ended_at = timezone.now()
    mentorship.end_reason = reason
    mentorship.save(update_fields=["status", "ended_at", "end_reason"])
    notify(
        user=_other_party(mentorship, by),
        kind="mentorship_completed" if completed else "mentorship_ended",
        title=f"{_name(by)} marked your mentorship as " + ("completed" if completed else "ended"),
        body=reason,
        url=_mentorship_url(mentorship),
    )
    emit_mentorship_ended(mentorship, by=by)
    return mentorship


@transaction.atomic
def mentorship_end_by_programme(*, mentorship: Mentorship, admin, reason: str) -> Mentorship:
    """Staff end an active mentorship early; both people are told the programme ended it."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.status != Mentorship.Status.ACTIVE:
        raise MatchingError(f"{mentorship} has already ended.")
    mentorship.status = Mentorship.Status.ENDED
    mentorship.ended_at = timezone.now()
    mentorship.end_reason = reason
    mentorship.save(update_fields=["status", "ended_at", "end_reason"])
    for person in (mentorship.mentee, mentorship.mentor):
        notify(
            user=person,
            kind="mentorship_ended",
            title="The programme team ended your mentorship",
            body=reason,
            url=_mentorship_url(mentorship),
        )
    emit_mentorship_ended(mentorship)
    return mentorship


@transaction.atomic
def mentorship_renew(
    *, mentorship: Mentorship, by, ends_on: datetime.date | None = None
) -> Mentorship:
    """The mentor continues a mentorship for another period; returns the new one."""
    if by.pk != mentorship.mentor_id:
        raise MatchingError("Only the mentor can renew a mentorship.")
    if ends_on is not None and ends_on <= timezone.localdate():
        raise MatchingError("Choose an end date in the future.")
    Profile.objects.select_for_update().filter(user=by).first()
    previous = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    slot = previous.slot
    if previous.status == Mentorship.Status.ACTIVE:
        previous.status = Mentorship.Status.COMPLETED
        previous.ended_at = timezone.now()
        previous.end_reason = "Renewed"
        previous.save(update_fields=["status", "ended_at", "end_reason"])
        # Same place, new period: the slot passes straight to the renewal.
        try:
            with transaction.atomic():
                renewed = Mentorship.objects.create(
                    mentee_id=previous.mentee_id,
                    mentor_id=previous.mentor_id,
                    request=None,
                    format=previous.format,
                    slot=slot,
                    ends_on=ends_on,
                    renewed_from=previous,
                )
        except IntegrityError as exc:
            raise MatchingError("This mentorship could not be renewed; try again.") from exc
    else:
        renewed = _create_mentorship(
            mentee=previous.mentee,
            mentor=previous.mentor,
            format=previous.format,
            request=None,
            renewed_from=previous,
        )
        if ends_on:
            renewed.ends_on = ends_on
            renewed.save(update_fields=["ends_on"])
    notify(
        user=previous.mentee,
        kind="mentorship_renewed",
        title=f"{_name(by)} renewed your mentorship",
        body=f"It now runs until {ends_on:%d %B %Y}." if ends_on else "",
        url=_mentorship_url(renewed),
    )
    return renewed


@transaction.atomic
def manual_match(*, admin, mentee, mentor, format: str) -> Mentorship:
    """An admin pairs two people directly (capacity and exclusions still apply)."""
    if not admin.is_staff:
        raise MatchingError("Only staff can match people by hand.")
    if mentee.pk == mentor.pk:
        raise MatchingError("Choose two different people.")
    if safety_selectors.users_blocked(mentee, mentor):
        raise MatchingError("One of these two has blocked the other; they cannot be matched.")
    exclusion = _excluded(mentee, mentor)
    if exclusion is not None:
        raise MatchingError(
            f"This pair is excluded ({exclusion.get_reason_display().lower()}); "
            "remove the exclusion first."
        )
    if format == Format.LONG_TERM:
        Profile.objects.select_for_update().filter(user=mentor).first()
    pending = (
        MatchRequest.objects.select_for_update()
        .filter(mentee=mentee, mentor=mentor, status=MatchRequest.Status.PENDING)
        .first()
    )
    try:
        mentorship = _create_mentorship(
            mentee=mentee, mentor=mentor, format=format, request=pending
        )
    except MatchingError as exc:
        # Say it from the admin's point of view.
        raise MatchingError(exc.message.replace("You have", f"{_name(mentor)} has")) from exc
    if pending is not None:
        pending.status = MatchRequest.Status.ACCEPTED
        pending.responded_at = timezone.now()
        pending.save(update_fields=["status", "responded_at"])
    label = Format(format).label.lower()
    for user, other in ((mentee, mentor), (mentor, mentee)):
        notify(
            user=user,
            kind="manual_match",
            title=f"You have been matched with {_name(other)}",
            body=f"The programme team set up a {label} for you.",
            url=_mentorship_url(mentorship),
        )
    return mentorship


@transaction.atomic
def pair_exclude(*, admin, mentee, mentor, note: str) -> PairExclusion:
    """Admin "do not match": the pair is never suggested, and pending requests close."""
    if not admin.is_staff:
        raise MatchingError("Only staff can exclude a pair.")
    if mentee.pk == mentor.pk:
        raise MatchingError("Choose two different people.")
    if safety_selectors.users_blocked(mentee, mentor):
        raise MatchingError("One of these two has blocked the other; they cannot be matched.")
    exclusion, created = PairExclusion.objects.get_or_create(
        mentee=mentee,
        mentor=mentor,
        reason=PairExclusion.Reason.ADMIN,
        defaults={"note": note, "created_by": admin},
    )
    if not created and note and exclusion.note != note:
        exclusion.note = note
        exclusion.save(update_fields=["note"])
    MatchRequest.objects.filter(
        mentee=mentee, mentor=mentor, status=MatchRequest.Status.PENDING
    ).update(
        status=MatchRequest.Status.DECLINED,
        decline_reason="Closed by the programme team.",
        responded_at=timezone.now(),
    )
    return exclusion
