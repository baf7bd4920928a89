"""Reads for the pages people see of matching: suggestions, requests, mentorships.

(Scoring-side reads live in ``matching/selectors.py``.) Every function that
returns one object takes the viewer and only finds objects the viewer is a
party to, so a view's ``get_object_or_404`` gives strangers a 404.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
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
from profiles.models import Goal, Profile
from safety import selectors as safety

from .selectors import places_taken_subquery, suggestions_for_mentee


def suggestions_visible_to(*, user) -> QuerySet[Suggestion]:
    """The mentee's current, open suggestions (``matching.selectors``), best first,
    without excluded pairs.

    A pair excluded after the run (a decline, an admin "do not match"), a
    block, a suspension, or a pair that became a mentorship disappears at
    once, not at the next run. A mentor whose profile is for "people I am
    matched with" only appears when a published cohort paired them.
    """
    excluded = PairExclusion.objects.filter(mentee=OuterRef("mentee"), mentor=OuterRef("mentor"))
    active = Mentorship.objects.filter(
        mentee=OuterRef("mentee"), mentor=OuterRef("mentor"), status=Mentorship.Status.ACTIVE
    )
    return (
        suggestions_for_mentee(user=user)
        .exclude(Exists(excluded))
        .exclude(Exists(active))
        .exclude(mentor_id__in=safety.hidden_people_ids(user))  # blocked / suspended: at once
        # "Only people I am matched with": shown only when the programme paired them (cohort).
        .exclude(Q(mentor__profile__visibility="matches") & ~Q(run__kind="cohort"))
        .annotate(places_taken=Coalesce(Subquery(places_taken_subquery("mentor")), 0))
        .select_related("mentor")
        .prefetch_related("mentor__profile__languages")
    )


def suggestions_filtered(
    *, user, format: str = "", language: str = "", has_capacity: bool = False
) -> QuerySet[Suggestion]:
    suggestions = suggestions_visible_to(user=user)
    if format == Format.FLASH:
        suggestions = suggestions.filter(mentor__profile__format_flash=True)
    elif format == Format.LONG_TERM:
        suggestions = suggestions.filter(mentor__profile__format_long_term=True)
    if language:
        suggestions = suggestions.filter(mentor__profile__languages__code=language).distinct()
    if has_capacity:
        suggestions = suggestions.filter(
            mentor__profile__format_long_term=True,
            mentor__profile__capacity__gt=F("places_taken"),
        )
    return suggestions


def suggestion_for_mentee(*, user, pk: int) -> Suggestion | None:
    return (
        Suggestion.objects.filter(mentee=user, pk=pk)
        .select_related("mentor", "mentor__profile")
        .first()
    )


def pending_requests_count(*, mentee) -> int:
    return MatchRequest.objects.filter(mentee=mentee, status=MatchRequest.Status.PENDING).count()


@dataclass(frozen=True)
class PendingCap:
    pending: int
    limit: int
    expiry_days: int

    @property
    def reached(self) -> bool:
        return self.pending >= self.limit


def pending_cap(*, mentee) -> PendingCap:
    config = MatchingConfig.load()
    return PendingCap(
        pending=pending_requests_count(mentee=mentee),
        limit=config.max_pending_requests,
        expiry_days=config.request_expiry_days,
    )


def _request_base() -> QuerySet[MatchRequest]:
    return MatchRequest.objects.select_related(
        "mentee", "mentee__profile", "mentor", "mentor__profile", "goal", "suggestion"
    ).prefetch_related(
        Prefetch("messages", queryset=RequestMessage.objects.select_related("author"))
    )


def match_requests_sent(*, user) -> QuerySet[MatchRequest]:
    return _request_base().filter(mentee=user).order_by("-created_at")


def match_requests_received(*, user, status: str = "") -> QuerySet[MatchRequest]:
    requests = _request_base().filter(mentor=user)
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("-created_at")


def match_request_for_party(*, user, pk: int) -> MatchRequest | None:
    return _request_base().filter(Q(mentee=user) | Q(mentor=user), pk=pk).first()


def match_request_reasons(*, request: MatchRequest) -> list[str]:
    """Why the pair was matched: the request's suggestion, else the pair's latest one."""
    suggestion = request.suggestion or (
        Suggestion.objects.filter(mentee_id=request.mentee_id, mentor_id=request.mentor_id)
        .order_by("-is_current", "-created_at")
        .first()
    )
    return list(suggestion.reasons) if suggestion else []


def mentee_active_goals(*, mentee) -> QuerySet[Goal]:
    return Goal.objects.filter(
        owner=mentee, status__in=[Goal.Status.OPEN, Goal.Status.IN_PROGRESS]
    ).order_by("target_date", "-created_at")


def mentorships_for_user(*, user) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentee__profile", "mentor", "mentor__profile")
        .order_by("status", "-started_at")
    )


def mentorship_for_party(*, user, pk: int) -> Mentorship | None:
    return mentorships_for_user(user=user).filter(pk=pk).first()


@dataclass(frozen=True)
class Places:
    taken: int
    capacity: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity


def mentor_places(*, mentor) -> Places:
    profile = Profile.objects.filter(user=mentor).first()
    taken = Mentorship.objects.holding_places().filter(mentor=mentor).count()
    return Places(taken=taken, capacity=profile.capacity if profile else 0)


@dataclass(frozen=True)
class ResponseStats:
    received: int
    answered: int
    median_hours: float | None

    @property
    def rate(self) -> float | None:
        return self.answered / self.received if self.received else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def median_days(self) -> int | None:
        """The median answer time in whole days, rounded up (a day at least)."""
        return None if self.median_hours is None else max(1, math.ceil(self.median_hours / 24))


def mentor_response_stats(*, mentor) -> ResponseStats:
    """How the mentor answers requests: share answered (accepted, declined) and how fast.

    Pending requests younger than their deadline are not counted yet;
    withdrawn ones never count (the mentee took them back).
    """
    now = timezone.now()
    decided = MatchRequest.objects.filter(mentor=mentor).exclude(
        status=MatchRequest.Status.WITHDRAWN
    )
    decided = decided.exclude(
        Q(status=MatchRequest.Status.PENDING) & (Q(expires_at__gt=now) | Q(expires_at__isnull=True))
    )
    answered = decided.filter(
        status__in=[MatchRequest.Status.ACCEPTED, MatchRequest.Status.DECLINED],
        responded_at__isnull=False,
    )
    hours = sorted(
        (responded - created).total_seconds() / 3600
        for created, responded in answered.values_list("created_at", "responded_at")
    )
    median = hours[len(hours) // 2] if hours else None
    return ResponseStats(received=decided.count(), answered=len(hours), median_hours=median)
