"""Pruning old runs: superseded suggestion rows, finished runs with nothing left, old models.

Every full run writes a row per (mentee, suggestion); at 100,000 mentees that
is a million rows a night, so superseded rows are deleted after
``MATCHING_RUN_RETENTION_DAYS`` (daily beat entry ``matching: prune old runs``).
Kept whatever their age: current rows; rows a person acted on (requested or
declined: they feed learning and the declined-pair backstop); rows a request
points to (its reasons are shown with it); the runs those rows belong to;
the latest successful full run and its model (the warm base of re-scores).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from matching.models import MatchRequest, MatchRun, MatchRunChunk, MatchRunModel, Suggestion


def retention_days() -> int:
    return int(getattr(settings, "MATCHING_RUN_RETENTION_DAYS", 14))


def match_runs_prune(*, now: datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Delete what runs finished more than ``days`` ago left behind; returns counts."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=retention_days() if days is None else days)
    latest_full = (
        MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("pk", flat=True)
        .first()
    )
    old_runs = list(
        MatchRun.objects.exclude(status__in=MatchRun.UNFINISHED)
        .filter(created_at__lt=cutoff)
        .exclude(pk=latest_full)
        .exclude(kind=MatchRun.Kind.COHORT, status=MatchRun.Status.SUCCEEDED)  # open previews
        .values_list("pk", flat=True)
    )
    s, r = Suggestion._meta.db_table, MatchRequest._meta.db_table
    counts = {"suggestions": 0, "chunks": 0, "models": 0, "runs": 0}
    # Plain SQL, one run at a time: the ORM's delete() would load every row.
    with connection.cursor() as cur:
        for run_id in old_runs:
            with transaction.atomic():
                cur.execute(
                    f"DELETE FROM {s} WHERE run_id = %s AND NOT is_current "  # noqa: S608  # nosec B608 - quoted table names, values as parameters
                    f"AND status = %s AND NOT EXISTS "
                    f"(SELECT 1 FROM {r} WHERE {r}.suggestion_id = {s}.id)",
                    [run_id, Suggestion.Status.OPEN],
                )
                counts["suggestions"] += cur.rowcount
    counts["chunks"] = MatchRunChunk.objects.filter(run_id__in=old_runs).delete()[0]
    counts["models"] = MatchRunModel.objects.filter(run_id__in=old_runs).delete()[0]
    empty = (
        MatchRun.objects.filter(pk__in=old_runs)
        .exclude(pk__in=Suggestion.objects.values("run_id"))
        .values_list("pk", flat=True)
    )
    counts["runs"] = MatchRun.objects.filter(pk__in=list(empty)).delete()[0]
    return counts
