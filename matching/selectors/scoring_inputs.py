"""Reads the scoring services build on: request counts, places used, pairs never to suggest."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q

from matching.engine import (
    Exclusions,
)
from matching.models import (
    MatchRequest,
    Mentorship,
    PairExclusion,
    Suggestion,
)
from profiles.models import Profile
from safety import selectors as safety_selectors


def active_long_term_counts(mentor_ids: Iterable[int] | None = None) -> dict[int, int]:
    qs = Mentorship.objects.holding_places()
    if mentor_ids is not None:
        qs = qs.filter(mentor_id__in=list(mentor_ids))
    return dict(
        qs.order_by().values("mentor_id").annotate(n=Count("id")).values_list("mentor_id", "n")
    )


#: From this many ids on, :func:`exclusions_load` reads their id range, then keeps the ids.
RANGE_FROM = 500


def exclusions_load(
    *, mentee_ids: Iterable[int] | None = None, mentor_ids: Iterable[int] | None = None
) -> Exclusions:
    """(mentee, mentor) pairs never to suggest, optionally only of some mentees / mentors.

    Admin do-not-match and declines (either side) as stored; blocks in both
    directions; active mentorships; pending requests (the mentee already
    asked); and, as a backstop, declined requests and suggestions.
    """
    ids = None if mentee_ids is None else list(mentee_ids)
    rids = None if mentor_ids is None else list(mentor_ids)
    pairs: set[tuple[int, int]] = set()

    def among(field: str, chosen: list[int]) -> Q:
        # a run's chunk of thousands of ids: their range, cut to the ids below (an id list
        # that long costs more to build and send than the few extra rows)
        if len(chosen) > RANGE_FROM:
            return Q(**{f"{field}__gte": min(chosen), f"{field}__lte": max(chosen)})
        return Q(**{f"{field}__in": chosen})

    def add(qs, a="mentee_id", b="mentor_id", *, both_ways=False):
        for side, other, chosen in ((a, b, ids), (b, a, rids)):
            if chosen is not None:
                cond = among(side, chosen)
                if both_ways:
                    cond |= among(other, chosen)
                qs = qs.filter(cond)
        for x, y in qs.order_by().values_list(a, b):
            pairs.add((x, y))
            if both_ways:
                pairs.add((y, x))

    add(PairExclusion.objects.exclude(reason=PairExclusion.Reason.BLOCKED))
    touching = None if ids is None and rids is None else [*(ids or ()), *(rids or ())]
    # blocks: safety is the one source (pairs touching the people asked about)
    pairs |= safety_selectors.blocked_pairs(user_ids=touching)
    add(Mentorship.objects.filter(status=Mentorship.Status.ACTIVE))
    add(
        MatchRequest.objects.filter(
            status__in=[MatchRequest.Status.PENDING, MatchRequest.Status.DECLINED]
        )
    )
    add(Suggestion.objects.filter(status=Suggestion.Status.DECLINED))
    if ids is not None:
        wanted = set(ids)
        pairs = {p for p in pairs if p[0] in wanted}
    if rids is not None:
        wanted = set(rids)
        pairs = {p for p in pairs if p[1] in wanted}
    return Exclusions(pairs)


def mentor_capacity_left() -> dict[int, int]:
    taken = active_long_term_counts()
    return {
        user_id: max(capacity - taken.get(user_id, 0), 0)
        for user_id, capacity in Profile.objects.filter(role__in=Profile.MENTOR_ROLES).values_list(
            "user_id", "capacity"
        )
    }
