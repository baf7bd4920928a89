"""How a mentor answers requests: the one definition, used by the score and the pages.

*Received*: every request except withdrawn ones and pending ones still inside
their answer window (they may yet be answered). *Answered in time*: accepted
or declined within the request expiry window of arriving. The engine's
responsiveness component smooths the same two counts; the mentor's profile
shows their share and the median time to an answer.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F, Q
from django.utils import timezone

from matching.models import MatchingConfig, MatchRequest

_ANSWERED = (MatchRequest.Status.ACCEPTED, MatchRequest.Status.DECLINED)


def _counted_requests(*, expiry_days: int, now: datetime):
    window = timedelta(days=expiry_days)
    return MatchRequest.objects.exclude(status=MatchRequest.Status.WITHDRAWN).exclude(
        status=MatchRequest.Status.PENDING, created_at__gt=now - window
    )


def _answered_in_time(expiry_days: int) -> Q:
    return Q(
        status__in=_ANSWERED,
        responded_at__isnull=False,
        responded_at__lte=F("created_at") + timedelta(days=expiry_days),
    )


def request_counts(
    *, mentor_ids: Iterable[int] | None = None, expiry_days: int, now: datetime | None = None
) -> dict[int, tuple[int, int]]:
    """Per mentor: (requests received, answered in time), in one query."""
    qs = _counted_requests(expiry_days=expiry_days, now=now or timezone.now())
    if mentor_ids is not None:
        qs = qs.filter(mentor_id__in=list(mentor_ids))
    rows = (
        qs.order_by()
        .values("mentor_id")
        .annotate(received=Count("id"), answered=Count("id", filter=_answered_in_time(expiry_days)))
    )
    return {r["mentor_id"]: (r["received"], r["answered"]) for r in rows}


@dataclass(frozen=True)
class ResponseRate:
    """A mentor's answering record (the counts the responsiveness score uses)."""

    received: int
    answered_in_time: int
    window_days: int
    median_hours: float | None = None

    @property
    def rate(self) -> float | None:
        """Share answered in time, None without any counted request."""
        return self.answered_in_time / self.received if self.received else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)

    @property
    def median_days(self) -> int | None:
        """The median time to an answer in whole days, rounded up (a day at least)."""
        return None if self.median_hours is None else max(1, math.ceil(self.median_hours / 24))


def mentor_response_rate(*, user, now: datetime | None = None) -> ResponseRate:
    """The mentor's record: received, answered in time, and the median answer time."""
    now = now or timezone.now()
    days = MatchingConfig.load().request_expiry_days
    received, answered = request_counts(mentor_ids=[user.pk], expiry_days=days, now=now).get(
        user.pk, (0, 0)
    )
    hours = sorted(
        (responded - created).total_seconds() / 3600
        for created, responded in _counted_requests(expiry_days=days, now=now)
        .filter(mentor_id=user.pk, status__in=_ANSWERED, responded_at__isnull=False)
        .values_list("created_at", "responded_at")
    )
    return ResponseRate(
        received=received,
        answered_in_time=answered,
        window_days=days,
        median_hours=hours[len(hours) // 2] if hours else None,
    )
