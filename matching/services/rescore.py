"""Incremental re-score of one person after a profile change."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.utils import timezone

from matching.models import (
    MatchingConfig,
    MatchRun,
    Suggestion,
)
from matching.selectors import exclusions_load

from . import skill_model
from .population import model_fit, population_load
from .runs import match_run_fail
from .suggestion_rows import score_rows, suggestions_write

#: An incremental re-score of a mentor re-scores at most this many mentees who
#: list them; the rest catch up at the next full run.
MAX_RESCORE_LISTING = 1000


def _latest_prices(mentor_ids: np.ndarray) -> np.ndarray | None:
    latest = (
        MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("figures", flat=True)
        .first()
    )
    if not latest:
        return None
    stored = latest.get("exposure_prices") or {}
    return np.array([float(stored.get(str(m), 0.0)) for m in mentor_ids.tolist()])


def match_rescore_user(*, user_id: int) -> MatchRun | None:
    """Re-score one person now (after a profile change).

    * As a mentee (matchable): their own list is recomputed.
    * As a mentor: the mentees who currently list them are recomputed too (at
      most ``MAX_RESCORE_LISTING``), so a mentor who stops accepting, fills up
      or changes skills leaves or moves in those lists at once. A new mentor
      only enters other people's lists at the next full run.
    * Someone no longer matchable loses their current list.

    The model is fitted on the whole population (the same vocabularies and
    IDF as a full run) and uses the exposure prices of the latest full run.
    Returns the incremental ``MatchRun``, or None when there was nothing to do.
    """
    listing = list(
        Suggestion.objects.filter(mentor_id=user_id, is_current=True, status=Suggestion.Status.OPEN)
        .order_by("mentee_id")
        .values_list("mentee_id", flat=True)
        .distinct()[:MAX_RESCORE_LISTING]
    )
    targets = sorted({user_id, *listing})
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.INCREMENTAL,
        status=MatchRun.Status.RUNNING,
        subject_id=user_id,
        started_at=timezone.now(),
    )
    try:
        config = MatchingConfig.load()
        engine_config = config.engine_config()
        population = population_load(config=config)
        model = model_fit(population, engine_config)
        rows = population.mentee_rows(targets)
        exclusions = exclusions_load(mentee_ids=population.mentees.ids[rows].tolist())
        scored = score_rows(
            model=model,
            population=population,
            rows=rows,
            exclusions=exclusions,
            run=run,
            prices=_latest_prices(population.mentors.ids),
        )
        gone = [t for t in targets if t not in set(scored.mentee_ids)]
        with transaction.atomic():
            written = suggestions_write(run=run, scored=scored)
            if gone:
                Suggestion.objects.filter(
                    mentee_id__in=gone, is_current=True, status=Suggestion.Status.OPEN
                ).update(is_current=False)
        now = timezone.now()
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.SUCCEEDED,
            finished_at=now,
            mentees_count=len(rows),
            mentors_count=len(population.mentors),
            suggestions_count=written,
            parameters={
                "engine": engine_config.to_dict(),
                "mentee_ids": targets,
                "skill_model_version": skill_model.skill_model_version_of(model),
            },
            figures={
                "load_seconds": round(population.seconds, 3),
                "seconds": round((now - run.started_at).total_seconds(), 3),
                "removed_lists": len(gone),
            },
        )
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    run.refresh_from_db()
    return run
