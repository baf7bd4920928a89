"""Scoring runs for the staff pages, and when a run counts as active or stale."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from matching.models import (
    MatchRun,
    Suggestion,
)

#: An unfinished run with no progress for this long is lost (its worker died).
STALE_RUN_AFTER = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))


def match_runs_for_admin(*, kind: str | None = None) -> QuerySet[MatchRun]:
    """Runs newest first, with who started them and whose profile was re-scored."""
    qs = MatchRun.objects.select_related("triggered_by", "subject").defer("figures")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at")


def match_run_active() -> MatchRun | None:
    """The queued or running full run, if any."""
    return MatchRun.objects.active_full().first()


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


def run_last_progress(run: MatchRun) -> datetime:
    """When the run last moved: created, started, or its latest chunk written."""
    last_chunk = (
        run.chunks.exclude(done_at=None).order_by("-done_at").values_list("done_at", flat=True)
    ).first()
    return max(t for t in (run.created_at, run.started_at, last_chunk) if t is not None)


def run_is_stale(run: MatchRun, *, now: datetime | None = None) -> bool:
    """Whether an unfinished run has made no progress for longer than a task may take
    (its worker is gone)."""
    if run.status not in MatchRun.UNFINISHED:
        return False
    return (now or timezone.now()) - run_last_progress(run) > STALE_RUN_AFTER
