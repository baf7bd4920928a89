"""The match lifecycle: suggestion → request → mentorship, and its ends.

Every function is a transaction, takes keyword arguments only and either
returns the row it changed or raises :class:`MatchingError` with a sentence
the person can act on (views show it as a message). Each state change tells
the other side through :func:`mentorship.notifications.notify`, by email
and on the dashboard (a withdrawn request and a question on a request are
in-app only: nothing for the other side to do by a deadline).

Concurrency: accepting a long-term request locks the mentor's ``Profile``
row (``SELECT ... FOR UPDATE``) so accepts for one mentor run one at a time,
counts the active long-term mentorships and takes the lowest free capacity
slot. The unique (mentor, slot) constraint among active mentorships is the
backstop for any path that forgets the lock (an ``IntegrityError`` becomes
the same clear refusal). Creating a request locks the mentee's user row so
the cap on pending requests holds under double submits.

Decisions the design leaves open, written down here:

* A request declined by the mentor, or a suggestion declined by the mentee,
  creates a :class:`PairExclusion`: the pair is never suggested again and
  no new request can be sent between them.
* A withdrawn or expired request reopens its suggestion, so the mentee may
  try again later; a declined one does not.
* A mentee may only request a format both sides offer; a long-term request
  to a mentor with no free place is refused up front ("ask for a flash
  session instead") rather than left to fail at accept time.
* Renewing belongs to the mentor (it is their capacity): an active
  long-term mentorship is completed and a new one continues in the same
  slot; a finished one is restarted only if a place is free.
* An admin's manual match respects capacity and every exclusion (remove the
  exclusion first), and closes a pending request between the pair.
* "Do not match" closes pending requests between the pair but leaves an
  active mentorship alone: ending one is a separate, deliberate step.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.models import (
    Format,
    MatchingConfig,
    MatchRequest,
    Mentorship,
    PairExclusion,
    RequestMessage,
    Suggestion,
)
from mentorship.errors import Refusal
from mentorship.notifications import notify
from profiles.models import Goal, Profile
from safety import selectors as safety_selectors

from .safety_rules import unsafe_reason


class MatchingError(Refusal):
    """A rule of the match lifecycle refused the action (the shared :class:`Refusal`)."""

    default_code = "match_refused"


# --- helpers -------------------------------------------------------------------


def _name(user) -> str:
    profile = Profile.objects.filter(user=user).first()
    return profile.name if profile else str(user)


def _request_url(request: MatchRequest) -> str:
    return reverse("matching:request_detail", args=[request.pk])


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
    """Blocks, suspensions and mentor review (``safety``) as a lifecycle refusal."""
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


# --- suggestions ---------------------------------------------------------------


@transaction.atomic
def suggestion_decline(*, suggestion: Suggestion, mentee, reason: str) -> Suggestion:
    """The mentee says "not for me": the suggestion is declined and never returns."""
    if suggestion.mentee_id != mentee.pk:
        raise MatchingError("This suggestion is not yours.")
    suggestion.status = Suggestion.Status.DECLINED
    suggestion.save(update_fields=["status"])
    PairExclusion.objects.get_or_create(
        mentee=mentee,
        mentor_id=suggestion.mentor_id,
        reason=PairExclusion.Reason.DECLINED_BY_MENTEE,
        defaults={"note": reason, "created_by": mentee},
    )
    return suggestion


# --- requests ------------------------------------------------------------------


@transaction.atomic
def match_request_create(
    *,
    mentee,
    mentor,
    format: str,
    message: str,
    goal: Goal | None = None,
    suggestion: Suggestion | None = None,
) -> MatchRequest:
    """Send a request from ``mentee`` to ``mentor`` after checking every rule."""
    if mentee.pk == mentor.pk:
        raise MatchingError("You cannot send a request to yourself.")
    # Serialise one mentee's requests so the pending cap holds under double submits.
    get_user_model().objects.select_for_update().filter(pk=mentee.pk).first()
    mentor_name = _name(mentor)
    mentor_profile = Profile.objects.filter(user=mentor).first()
    _refuse_if_unsafe(actor=mentee, other=mentor, other_name=mentor_name, mentor=mentor)
    _check_mentor_available(mentor_profile, mentor_name)
    if format not in Format.values:
        raise MatchingError("Choose a flash session or a long-term mentorship.")
    format_label = Format(format).label.lower()
    if format not in mentor_profile.formats:
        raise MatchingError(f"{mentor_name} does not offer {format_label}s.")
    mentee_profile = Profile.objects.filter(user=mentee).first()
    if mentee_profile is not None and format not in mentee_profile.formats:
        raise MatchingError(f"Your profile says you do not want {format_label}s; change it first.")
    if format == Format.LONG_TERM:
        taken = _places_taken(mentor)
        if taken >= mentor_profile.capacity:
            raise MatchingError(
                f"{mentor_name} has no free place for a long-term mentorship right now; "
                "ask for a flash session instead."
            )
    if _excluded(mentee, mentor):
        raise MatchingError(f"You cannot send a request to {mentor_name}.")
    if Mentorship.objects.filter(
        mentee=mentee, mentor=mentor, status=Mentorship.Status.ACTIVE
    ).exists():
        raise MatchingError(f"{mentor_name} is already your mentor.")
    if MatchRequest.objects.filter(
        mentee=mentee, mentor=mentor, status=MatchRequest.Status.PENDING
    ).exists():
        raise MatchingError(f"You already have a pending request to {mentor_name}.")
    config = MatchingConfig.load()
    pending = MatchRequest.objects.filter(mentee=mentee, status=MatchRequest.Status.PENDING).count()
    if pending >= config.max_pending_requests:
        raise MatchingError(
            f"You already have {pending} pending requests, the most you can have at once "
            f"({config.max_pending_requests}). Withdraw one or wait for an answer: mentors "
            f"have {config.request_expiry_days} days to reply."
        )
    if goal is not None and goal.owner_id != mentee.pk:
        raise MatchingError("Choose one of your own goals.")
    if suggestion is not None and (
        suggestion.mentee_id != mentee.pk or suggestion.mentor_id != mentor.pk
    ):
        raise MatchingError("This suggestion is not yours.")
    now = timezone.now()
    try:
        with transaction.atomic():
            request = MatchRequest.objects.create(
                mentee=mentee,
                mentor=mentor,
                format=format,
                message=message,
                goal=goal,
                suggestion=suggestion,
                expires_at=now + datetime.timedelta(days=config.request_expiry_days),
            )
    except IntegrityError as exc:
        raise MatchingError(f"You already have a pending request to {mentor_name}.") from exc
    if suggestion is not None:
        suggestion.status = Suggestion.Status.REQUESTED
        suggestion.save(update_fields=["status"])
    notify(
        user=mentor,
        kind="request_received",
        title=f"{_name(mentee)} asks you for a {format_label}",
        body=(message[:500] + ("…" if len(message) > 500 else ""))
        + f"\n\nPlease answer within {config.request_expiry_days} days.",
        url=_request_url(request),
    )
    return request


def _pending(request: MatchRequest) -> MatchRequest:
    """Re-read and lock the request; refuse unless it is still pending."""
    locked = MatchRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != MatchRequest.Status.PENDING:
        raise MatchingError(
            f"This request is no longer pending: it was {locked.get_status_display().lower()}."
        )
    return locked


def _reopen_suggestion(request: MatchRequest) -> None:
    if request.suggestion_id:
        Suggestion.objects.filter(
            pk=request.suggestion_id, status=Suggestion.Status.REQUESTED
        ).update(status=Suggestion.Status.OPEN)


@transaction.atomic
def match_request_withdraw(*, request: MatchRequest, mentee) -> MatchRequest:
    if request.mentee_id != mentee.pk:
        raise MatchingError("This request is not yours.")
    request = _pending(request)
    request.status = MatchRequest.Status.WITHDRAWN
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    _reopen_suggestion(request)
    notify(
        user=request.mentor,
        kind="request_withdrawn",
        title=f"{_name(mentee)} withdrew their request",
        url=reverse("matching:request_inbox"),
        email=False,
    )
    return request


@transaction.atomic
def match_request_decline(*, request: MatchRequest, mentor, reason: str) -> MatchRequest:
    """The mentor declines; the pair is excluded from future suggestions."""
    if request.mentor_id != mentor.pk:
        raise MatchingError("This request was not sent to you.")
    request = _pending(request)
    request.status = MatchRequest.Status.DECLINED
    request.decline_reason = reason
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "responded_at"])
    PairExclusion.objects.get_or_create(
        mentee_id=request.mentee_id,
        mentor=mentor,
        reason=PairExclusion.Reason.DECLINED_BY_MENTOR,
        defaults={"note": reason, "created_by": mentor},
    )
    notify(
        user=request.mentee,
        kind="request_declined",
        title=f"{_name(mentor)} declined your request",
        body=(f"Their note: {reason}\n\n" if reason else "")
        + "Other mentors are suggested to you: have a look at your suggestions.",
        url=_request_url(request),
    )
    return request


@transaction.atomic
def match_request_ask(*, request: MatchRequest, mentor, question: str) -> RequestMessage:
    """The mentor asks a question before deciding; the request stays pending."""
    if request.mentor_id != mentor.pk:
        raise MatchingError("This request was not sent to you.")
    if not question.strip():
        raise MatchingError("Write your question first.")
    _refuse_if_unsafe(actor=mentor, other=request.mentee, other_name=_name(request.mentee))
    request = _pending(request)
    message = RequestMessage.objects.create(request=request, author=mentor, body=question)
    notify(
        user=request.mentee,
        kind="request_question",
        title=f"{_name(mentor)} has a question about your request",
        body=question[:500],
        url=_request_url(request),
    )
    return message


@transaction.atomic
def match_request_reply(*, request: MatchRequest, mentee, answer: str) -> RequestMessage:
    """The mentee answers the mentor's question on a pending request."""
    if request.mentee_id != mentee.pk:
        raise MatchingError("This request is not yours.")
    if not answer.strip():
        raise MatchingError("Write your answer first.")
    _refuse_if_unsafe(actor=mentee, other=request.mentor, other_name=_name(request.mentor))
    request = _pending(request)
    message = RequestMessage.objects.create(request=request, author=mentee, body=answer)
    notify(
        user=request.mentor,
        kind="request_answer",
        title=f"{_name(mentee)} answered your question",
        body=answer[:500],
        url=_request_url(request),
    )
    return message


@transaction.atomic
def match_request_accept(*, request: MatchRequest, mentor) -> Mentorship:
    """Accept a pending request: the mentorship starts (long-term ones take a place)."""
    if request.mentor_id != mentor.pk:
        raise MatchingError("This request was not sent to you.")
    _refuse_if_unsafe(actor=mentor, other=request.mentee, other_name=_name(request.mentee))
    if request.format == Format.LONG_TERM:
        # Lock order: mentor's profile first, then the request, as every accept does.
        Profile.objects.select_for_update().filter(user=mentor).first()
    request = _pending(request)
    mentorship = _create_mentorship(
        mentee=request.mentee, mentor=mentor, format=request.format, request=request
    )
    request.status = MatchRequest.Status.ACCEPTED
    request.responded_at = timezone.now()
    request.save(update_fields=["status", "responded_at"])
    notify(
        user=request.mentee,
        kind="request_accepted",
        title=f"{_name(mentor)} accepted your request",
        body=f"Your {request.get_format_display().lower()} starts now. Say hello and plan "
        "your first session.",
        url=_mentorship_url(mentorship),
    )
    return mentorship


def match_requests_expire(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Nudge mentors about old requests once, and expire requests past their deadline.

    Idempotent and safe to run concurrently: each row changes through a
    conditional update, and only the caller whose update matched notifies.
    """
    now = now or timezone.now()
    config = MatchingConfig.load()
    nudge_before = now - datetime.timedelta(days=config.request_nudge_days)
    nudged = expired = 0
    to_nudge = MatchRequest.objects.filter(
        status=MatchRequest.Status.PENDING,
        nudged_at__isnull=True,
        created_at__lte=nudge_before,
    ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
    for request in to_nudge.select_related("mentee", "mentor"):
        with transaction.atomic():
            updated = MatchRequest.objects.filter(
                pk=request.pk, status=MatchRequest.Status.PENDING, nudged_at__isnull=True
            ).update(nudged_at=now)
            if not updated:
                continue
            nudged += 1
            when = timezone.localtime(request.expires_at) if request.expires_at else None
            notify(
                user=request.mentor,
                kind="request_expiring",
                title=f"{_name(request.mentee)} is waiting for your answer",
                body=(f"The request expires on {when:%d %B %Y}. " if when else "")
                + "Accept, decline or ask a question so they can move on.",
                url=_request_url(request),
            )
    to_expire = MatchRequest.objects.filter(
        status=MatchRequest.Status.PENDING, expires_at__lte=now
    ).select_related("mentee", "mentor")
    for request in to_expire:
        with transaction.atomic():
            updated = MatchRequest.objects.filter(
                pk=request.pk, status=MatchRequest.Status.PENDING
            ).update(status=MatchRequest.Status.EXPIRED, responded_at=now)
            if not updated:
                continue
            expired += 1
            _reopen_suggestion(request)
            notify(
                user=request.mentee,
                kind="request_expired",
                title=f"Your request to {_name(request.mentor)} expired",
                body="They did not answer in time. You can request another suggested mentor.",
                url=reverse("matching:suggestions"),
            )
    return {"nudged": nudged, "expired": expired}


# --- mentorships ---------------------------------------------------------------


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


# --- admin -----------------------------------------------------------------------


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
