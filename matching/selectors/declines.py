"""The mentors a mentee said "not for me" to, so they can see and take it back."""

from __future__ import annotations

from django.db.models import QuerySet

from matching.models import PairExclusion


def declined_by_mentee(*, user) -> QuerySet[PairExclusion]:
    return (
        PairExclusion.objects.filter(mentee=user, reason=PairExclusion.Reason.DECLINED_BY_MENTEE)
        .select_related("mentor__profile")
        .order_by("-created_at")
    )
