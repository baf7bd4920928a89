"""Full scoring runs: start, prepare (fit + chunk plan), score a chunk, finish, fail.

A run is a Celery chord of chunk tasks (``matching/tasks.py``); these
functions are its bodies, each idempotent (``docs/matching-runs.md``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

import numpy as np
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from matching.engine.components import gini
from matching.errors import RunAlreadyActive
from matching.models import (
    MatchingConfig,
    MatchRun,
    MatchRunChunk,
    MatchRunModel,
    Suggestion,
)
from matching.selectors import (
    exclusions_load,
    match_run_active,
    mentor_capacity_left,
    run_is_stale,
    run_last_progress,
)

from . import skill_model
from .snapshots import snapshot_drop, snapshot_fit, snapshot_load
from .suggestion_rows import score_rows, suggestions_write

logger = logging.getLogger(__name__)


#: Mentees per chunk task of a full run.
DEFAULT_CHUNK_SIZE = 1000


def _fail_stale_runs(now: datetime) -> None:
    """Fail full runs that stopped making progress (their worker is gone)."""
    for run in MatchRun.objects.active_full():
        if run_is_stale(run, now=now):
            last = run_last_progress(run)
            match_run_fail(
                run_id=run.pk,
                error=(
                    f"Abandoned: no progress since {last:%Y-%m-%d %H:%M} UTC "
                    "(its worker probably stopped). A new run was started."
                ),
            )


def _already_active_message(run: MatchRun | None) -> str:
    if run is None:
        return "A full scoring run is already queued or running; wait for it to finish."
    since = (run.started_at or run.created_at).astimezone(UTC)
    return (
        f"Full scoring run #{run.pk} is already {run.status} (since {since:%Y-%m-%d %H:%M} UTC, "
        f"{run.chunks_done}/{run.chunks_total} chunks); only one full run at a time."
    )


def match_run_start(*, triggered_by=None, chunk_size: int | None = None) -> MatchRun:
    """Create a queued full run; the caller queues ``run_full_scoring`` (or runs it inline).

    Refuses with :class:`RunAlreadyActive` while another full run is queued or
    running (the ``one_active_full_run`` constraint is the backstop against
    two callers racing).
    """
    now = timezone.now()
    _fail_stale_runs(now)
    active = match_run_active()
    if active is not None:
        raise RunAlreadyActive(_already_active_message(active))
    config = MatchingConfig.load()
    parameters = {
        "chunk_size": int(chunk_size or DEFAULT_CHUNK_SIZE),
        "engine": config.engine_config().to_dict(),
        "use_learned_weights": config.use_learned_weights and bool(config.learned_weights),
        "skill_model_version": skill_model.skill_model_current_version(),
    }
    try:
        with transaction.atomic():
            run = MatchRun.objects.create(
                kind=MatchRun.Kind.FULL,
                status=MatchRun.Status.QUEUED,
                triggered_by=triggered_by,
                parameters=parameters,
            )
    except IntegrityError:
        raise RunAlreadyActive(_already_active_message(match_run_active()))
    return run


def match_run_fail(*, run_id: int, error: str) -> bool:
    """Mark an unfinished run failed with the reason; False if it had already ended."""
    updated = MatchRun.objects.filter(pk=run_id, status__in=MatchRun.UNFINISHED).update(
        status=MatchRun.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )
    if updated:
        snapshot_drop(run_id)
        MatchRunModel.objects.filter(run_id=run_id).delete()
        logger.warning("match run %s failed: %s", run_id, error)
    return bool(updated)


def match_run_prepare(*, run_id: int) -> list[int]:
    """Load the data, fit the model, store it and the chunk plan; returns the chunks to do.

    Idempotent: a second call (redelivery, resume) keeps the stored plan and
    returns only the chunks not yet written.
    """
    now = timezone.now()
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.QUEUED).update(
        status=MatchRun.Status.RUNNING, started_at=now
    )
    run = MatchRun.objects.get(pk=run_id)
    if run.status != MatchRun.Status.RUNNING:
        return []
    has_plan = run.chunks.exists()
    if has_plan and MatchRunModel.objects.filter(run=run).exists():
        return list(run.chunks.filter(done_at__isnull=True).values_list("index", flat=True))
    if has_plan:
        # the stored model is gone (pruned): nothing already written can be matched
        match_run_fail(run_id=run.pk, error="The run's stored model is gone; start a new run.")
        return []
    snap = snapshot_fit(run=run)
    population = snap.population
    size = int(run.parameters.get("chunk_size") or DEFAULT_CHUNK_SIZE)
    ids = sorted(population.mentees.ids.tolist())
    plan = [ids[i : i + size] for i in range(0, len(ids), size)]
    with transaction.atomic():
        MatchRunChunk.objects.bulk_create(
            [MatchRunChunk(run=run, index=i, mentee_ids=chunk) for i, chunk in enumerate(plan)],
            ignore_conflicts=True,
        )
        MatchRun.objects.filter(pk=run.pk, chunks_total=0).update(
            chunks_total=len(plan),
            mentees_count=len(population.mentees),
            mentors_count=len(population.mentors),
            figures={
                "load_seconds": round(population.seconds, 3),
                "fit_seconds": round(snap.fit_seconds, 3),
                "store_seconds": round(snap.seconds, 3),
                "model_fingerprint": snap.fingerprint,
                "model_bytes": MatchRunModel.objects.filter(run=run)
                .values_list("size", flat=True)
                .first(),
            },
        )
    return list(run.chunks.filter(done_at__isnull=True).values_list("index", flat=True))


def match_run_score_chunk(*, run_id: int, index: int) -> int:
    """Score one chunk of mentees and write their suggestions; returns rows written.

    Does nothing when the run is no longer running or the chunk was already
    written (a redelivered task).
    """
    started = time.perf_counter()
    run = MatchRun.objects.get(pk=run_id)
    chunk = MatchRunChunk.objects.get(run=run, index=index)
    if run.status != MatchRun.Status.RUNNING or chunk.done_at is not None:
        return 0
    snap = snapshot_load(run)
    population = snap.population
    rows = population.mentee_rows(chunk.mentee_ids)
    exclusions = exclusions_load(mentee_ids=population.mentees.ids[rows].tolist())
    scored = score_rows(
        model=snap.model, population=population, rows=rows, exclusions=exclusions, run=run
    )
    with transaction.atomic():
        claimed = MatchRunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            done_at=timezone.now(),
            figures={**scored.figures, "model_fingerprint": snap.fingerprint},
            worker=f"{socket.gethostname()}:{os.getpid()}",
        )
        if not claimed:
            return 0  # another delivery of this chunk got there first
        if not MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).exists():
            transaction.set_rollback(True)
            return 0
        written = suggestions_write(  # fresh: the chunk was claimed just above, once
            run=run, scored=scored, skip_newer_than=run.started_at, fresh=True
        )
        MatchRunChunk.objects.filter(pk=chunk.pk).update(
            suggestions_count=written, seconds=round(time.perf_counter() - started, 3)
        )
        MatchRun.objects.filter(pk=run.pk, chunks_done__lt=F("chunks_total")).update(
            chunks_done=F("chunks_done") + 1,
            suggestions_count=F("suggestions_count") + written,
        )
    return written


def _exposure_figures(chunks: list[dict], capacity: dict[int, int]) -> dict[str, Any]:
    """Global exposure Gini and mean score before/after balancing, from chunk figures."""
    before: dict[int, int] = defaultdict(int)
    after: dict[int, int] = defaultdict(int)
    reachable: set[int] = set()
    sums = {"sb": 0.0, "sa": 0.0, "pb": 0, "pa": 0}
    for f in chunks:
        for k, v in f.get("appearances_before", {}).items():
            before[int(k)] += v
        for k, v in f.get("appearances_after", {}).items():
            after[int(k)] += v
        reachable.update(f.get("reachable", []))
        sums["sb"] += f.get("score_sum_before", 0.0)
        sums["sa"] += f.get("score_sum_after", 0.0)
        sums["pb"] += f.get("places_before", 0)
        sums["pa"] += f.get("places_after", 0)
    ids = [m for m in sorted(reachable) if capacity.get(m, 0) > 0]
    cap = np.array([capacity[m] for m in ids], dtype=np.float64)

    def spread(counts: dict[int, int]) -> float | None:
        if not ids:
            return None
        return round(float(gini(np.array([counts.get(m, 0) for m in ids]) / cap)), 4)

    mean_before = sums["sb"] / sums["pb"] if sums["pb"] else None
    mean_after = sums["sa"] / sums["pa"] if sums["pa"] else None
    return {
        "gini_before": spread(before),
        "gini_after": spread(after),
        "mean_score_before": None if mean_before is None else round(mean_before, 4),
        "mean_score_after": None if mean_after is None else round(mean_after, 4),
        "mean_score_cost": None
        if mean_before is None or mean_after is None
        else round(mean_before - mean_after, 4),
        "max_appearances_before": max(before.values(), default=0),
        "max_appearances_after": max(after.values(), default=0),
    }


def match_run_finish(*, run_id: int) -> MatchRun:
    """Aggregate the chunks' figures and mark the run succeeded (once)."""
    run = MatchRun.objects.get(pk=run_id)
    if run.status != MatchRun.Status.RUNNING:
        return run
    chunks = list(run.chunks.all())
    missing = [c.index for c in chunks if c.done_at is None]
    if missing:
        match_run_fail(run_id=run.pk, error=f"Chunks {missing[:20]} were never written.")
        run.refresh_from_db()
        return run
    capacity = mentor_capacity_left()
    figures = [c.figures for c in chunks]
    prices: dict[str, float] = defaultdict(float)
    total = sum(f.get("mentees", 0) for f in figures) or 1
    for f in figures:
        share = f.get("mentees", 0) / total
        for k, v in f.get("prices", {}).items():
            prices[k] += v * share
    now = timezone.now()
    with_lists = (
        Suggestion.objects.filter(run=run).order_by().values("mentee_id").distinct().count()
    )
    summary = {
        **run.figures,
        **_exposure_figures(figures, capacity),
        "mentees_with_suggestions": with_lists,
        "mentees_without_suggestions": run.mentees_count - with_lists,
        "workers": sorted({c.worker.rsplit(":", 1)[0] for c in chunks if c.worker}),
        "worker_processes": len({c.worker for c in chunks if c.worker}),
        "seconds": round((now - (run.started_at or run.created_at)).total_seconds(), 3),
        "exposure_prices": {k: round(v, 6) for k, v in prices.items() if v > 0},
    }
    updated = MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.SUCCEEDED, finished_at=now, figures=summary
    )
    if updated:
        if connection.vendor == "postgresql":
            # a million fresh rows: fresh statistics, so the next per-mentee
            # updates use the indexes instead of scanning the table
            with connection.cursor() as cur:
                cur.execute(f"ANALYZE {Suggestion._meta.db_table}")
        # this run's model is now the warm base of incremental re-scores; older
        # full runs' models are no longer needed
        MatchRunModel.objects.filter(
            run__kind=MatchRun.Kind.FULL, run__created_at__lt=run.created_at
        ).delete()
    run.refresh_from_db()
    return run


def match_run_execute_inline(*, run: MatchRun) -> MatchRun:
    """Prepare, score every chunk and finish in this process (no worker needed)."""
    try:
        for index in match_run_prepare(run_id=run.pk):
            match_run_score_chunk(run_id=run.pk, index=index)
        return match_run_finish(run_id=run.pk)
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
