"""The request flow: suggestion declined, request sent, withdrawn, declined, asked about,
answered, accepted or expired. Rules and messages: ``docs/match-flow.md``.
"""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.errors import MatchingError
from matching.models import (
    Format,
    MatchingConfig,
    MatchRequest,
    Mentorship,
    PairExclusion,
    RequestMessage,
    Suggestion,
)
from mentorship.notifications import notifications_mark_seen, notify
from profiles.models import Goal, Profile

from .events import emit_match_accepted
from .mentorships import (
    _check_mentor_available,
    _create_mentorship,
    _excluded,
    _mentorship_url,
    _name,
    _places_taken,
    _refuse_if_unsafe,
)


def _request_url(request: MatchRequest) -> str:
    return reverse("matching:request_detail", args=[request.pk])


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
    mentor_name = _name(mentor)
    mentor_profile = Profile.objects.filter(user=mentor).first()
    # Locks mentee and mentor first: one mentee's requests are serialised (the
    # pending cap holds under double submits), and so are blocks and suspensions.
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
    notifications_mark_seen(user=mentor, path=_request_url(request))  # answered: not news
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
def match_request_message_add(*, request: MatchRequest, author, body: str) -> RequestMessage:
    """A message on a pending request: the mentor asks before deciding, the mentee answers.

    The request stays pending; the other side is told in the app.
    """
    if author.pk == request.mentor_id:
        kind, empty = "request_question", "Write your question first."
        title = f"{_name(author)} has a question about your request"
    elif author.pk == request.mentee_id:
        kind, empty = "request_answer", "Write your answer first."
        title = f"{_name(author)} answered your question"
    else:
        raise MatchingError("This request is not yours.")
    if not body.strip():
        raise MatchingError(empty)
    other = request.mentee if author.pk == request.mentor_id else request.mentor
    _refuse_if_unsafe(actor=author, other=other, other_name=_name(other))
    request = _pending(request)
    message = RequestMessage.objects.create(request=request, author=author, body=body)
    notify(user=other, kind=kind, title=title, body=body[:500], url=_request_url(request))
    return message


def match_request_ask(*, request: MatchRequest, mentor, question: str) -> RequestMessage:
    """The mentor asks a question before deciding (see :func:`match_request_message_add`)."""
    if request.mentor_id != mentor.pk:
        raise MatchingError("This request was not sent to you.")
    return match_request_message_add(request=request, author=mentor, body=question)


def match_request_reply(*, request: MatchRequest, mentee, answer: str) -> RequestMessage:
    """The mentee answers the mentor's question (see :func:`match_request_message_add`)."""
    if request.mentee_id != mentee.pk:
        raise MatchingError("This request is not yours.")
    return match_request_message_add(request=request, author=mentee, body=answer)


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
    notifications_mark_seen(user=mentor, path=_request_url(request))  # answered: not news
    notify(
        user=request.mentee,
        kind="request_accepted",
        title=f"{_name(mentor)} accepted your request",
        body=f"Your {request.get_format_display().lower()} starts now. Say hello and plan "
        "your first session.",
        url=_mentorship_url(mentorship),
    )
    emit_match_accepted(mentorship)
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
