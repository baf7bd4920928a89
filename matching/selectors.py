"""Scoring-side reads: suggestions, runs, responsiveness, "are these two matched".

(The request / mentorship pages read through ``matching/selectors_lifecycle.py``.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from matching.models import MatchingConfig, MatchRun, Mentorship, Suggestion
from matching.services.scoring import request_counts
from profiles.models import ProfileSkill


def suggestions_for_mentee(*, user) -> QuerySet[Suggestion]:
    """The mentee's current, open suggestions, best first.

    Each mentor comes with their profile (and occupation) joined and their
    offered skills prefetched as ``mentor.profile.offered_skills`` (with the
    skill), so a page of suggestions costs a constant number of queries.
    """
    offered = ProfileSkill.objects.filter(direction=ProfileSkill.Direction.OFFERS).select_related(
        "skill"
    )
    return (
        Suggestion.objects.filter(
            mentee=user,
            is_current=True,
            status=Suggestion.Status.OPEN,
            mentor__is_active=True,
        )
        .select_related("mentor__profile", "mentor__profile__occupation", "run")
        .prefetch_related(
            Prefetch("mentor__profile__skills", queryset=offered, to_attr="offered_skills")
        )
        .order_by("rank", "id")
    )


@dataclass(frozen=True)
class ResponseRate:
    """How a mentor answers requests (the same counts the responsiveness score uses)."""

    received: int
    answered_in_time: int
    window_days: int

    @property
    def rate(self) -> float | None:
        """Share answered in time, None without any counted request."""
        return self.answered_in_time / self.received if self.received else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(100 * self.rate)


def mentor_response_rate(*, user) -> ResponseRate:
    """Requests the mentor received (excluding withdrawn ones and pending ones
    still within their window) and those answered within the expiry window."""
    days = MatchingConfig.load().request_expiry_days
    received, answered = request_counts(mentor_ids=[user.pk], expiry_days=days).get(user.pk, (0, 0))
    return ResponseRate(received=received, answered_in_time=answered, window_days=days)


def places_taken_subquery(mentor_ref: str) -> QuerySet:
    """A correlated count of the long-term places a mentor uses.

    ``mentor_ref`` names the outer query's column holding the mentor's user
    id (``"user_id"`` on Profile, ``"mentor"`` on Suggestion).
    """
    return (
        Mentorship.objects.holding_places()
        .filter(mentor_id=OuterRef(mentor_ref))
        .order_by()
        .values("mentor_id")
        .annotate(count=Count("pk"))
        .values("count")
    )


def users_are_matched(a, b) -> bool:
    """True when an active mentorship links the two people, in either direction.

    ``a`` and ``b`` are users or user ids; None (anonymous) is never matched.
    """
    a_id = a if isinstance(a, int) or a is None else a.pk
    b_id = b if isinstance(b, int) or b is None else b.pk
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return Mentorship.objects.filter(
        Q(mentee_id=a_id, mentor_id=b_id) | Q(mentee_id=b_id, mentor_id=a_id),
        status=Mentorship.Status.ACTIVE,
    ).exists()


def match_runs_for_admin(*, kind: str | None = None) -> QuerySet[MatchRun]:
    """Runs newest first, with who started them and whose profile was re-scored."""
    qs = MatchRun.objects.select_related("triggered_by", "subject").defer("figures")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at")


def match_run_active() -> MatchRun | None:
    """The queued or running full run, if any."""
    return (
        MatchRun.objects.filter(
            kind=MatchRun.Kind.FULL,
            status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING],
        )
        .order_by("created_at")
        .first()
    )


def match_run_latest(*, kind: str = MatchRun.Kind.FULL) -> MatchRun | None:
    """The latest successful run of a kind (its figures describe the current lists)."""
    return (
        MatchRun.objects.filter(kind=kind, status=MatchRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .first()
    )


def cohort_pairs(*, run: MatchRun) -> QuerySet[Suggestion]:
    """The pairs of a cohort preview with both people's profiles, best score first."""
    return (
        Suggestion.objects.filter(run=run)
        .select_related("mentee__profile", "mentor__profile")
        .order_by("-score", "mentee__email")
    )


def suggestions_current_count() -> int:
    return Suggestion.objects.filter(is_current=True, status=Suggestion.Status.OPEN).count()


def run_is_stale(run: MatchRun) -> bool:
    """Whether an unfinished run has made no progress for longer than a task may take."""
    from matching.services.scoring import STALE_RUN_AFTER

    if run.status not in (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING):
        return False
    last = run.chunks.exclude(done_at=None).order_by("-done_at").values_list("done_at", flat=True)
    moments = [t for t in (run.created_at, run.started_at, last.first()) if t]
    return timezone.now() - max(moments) > STALE_RUN_AFTER
