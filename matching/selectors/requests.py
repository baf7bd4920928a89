"""Match requests for the two people in them, and the mentee's pending-request cap.

A function returning one object takes the viewer and only finds objects the
viewer is a party to, so a view's 404 covers strangers."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from matching.models import (
    MatchingConfig,
    MatchRequest,
    RequestMessage,
    Suggestion,
)
from profiles.models import Goal


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


def match_request_reasons(*, request: MatchRequest, for_mentor: bool = False) -> list[str]:
    """Why the pair was matched: the request's suggestion, else the pair's latest one.

    ``for_mentor``: the reasons worded for the mentor ("Wants to learn what you
    offer"); a suggestion written before those existed shows none rather than
    the mentee's words.
    """
    suggestion = request.suggestion or (
        Suggestion.objects.filter(mentee_id=request.mentee_id, mentor_id=request.mentor_id)
        .order_by("-is_current", "-created_at")
        .first()
    )
    if suggestion is None:
        return []
    return list(suggestion.reasons_for_mentor if for_mentor else suggestion.reasons)


def _active_goals() -> QuerySet[Goal]:
    return Goal.objects.filter(status__in=[Goal.Status.OPEN, Goal.Status.IN_PROGRESS]).order_by(
        "target_date", "-created_at"
    )


def mentee_active_goals(*, mentee) -> QuerySet[Goal]:
    return _active_goals().filter(owner=mentee)


def match_request_inbox_items(*, requests, for_mentor: bool = True) -> list[dict]:
    """A page of requests with each one's reasons and the mentee's first three goals.

    Three queries for the whole page (the pairs' latest suggestions, the mentees'
    goals), not two per request.
    """
    requests = list(requests)
    missing = [r for r in requests if r.suggestion is None]
    latest: dict[tuple[int, int], Suggestion] = {}
    if missing:
        pairs = Q()
        for r in missing:
            pairs |= Q(mentee_id=r.mentee_id, mentor_id=r.mentor_id)
        for suggestion in Suggestion.objects.filter(pairs).order_by("-is_current", "-created_at"):
            latest.setdefault((suggestion.mentee_id, suggestion.mentor_id), suggestion)
    goals: dict[int, list[Goal]] = {}
    if requests:
        active = _active_goals().filter(owner_id__in={r.mentee_id for r in requests})
        for goal in active:
            goals.setdefault(goal.owner_id, []).append(goal)
    items = []
    for r in requests:
        suggestion = r.suggestion or latest.get((r.mentee_id, r.mentor_id))
        reasons = (
            list(suggestion.reasons_for_mentor if for_mentor else suggestion.reasons)
            if suggestion is not None
            else []
        )
        items.append({"request": r, "reasons": reasons, "goals": goals.get(r.mentee_id, [])[:3]})
    return items
