"""Celery tasks of matching: thin wrappers around ``matching.services``.

Every task takes ids, re-reads rows and is safe to run twice (see
``docs/matching-runs.md``). Transient database errors (a lost connection, a
locked SQLite file, a deadlock) are retried with exponential backoff; a run
task that finally fails marks its ``MatchRun`` failed with the error.
"""

from __future__ import annotations

import logging

from celery import chord, shared_task
from celery.contrib.django.task import DjangoTask
from django.core.cache import cache
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from matching import services

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
RETRY = {
    "autoretry_for": TRANSIENT,
    "retry_backoff": True,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
}


def rescore_token_key(user_id: int) -> str:
    return f"matching:rescore:{user_id}"


class RunTask(DjangoTask):
    """A task whose first argument is a ``MatchRun`` id: its final failure fails the run."""

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        run_id = args[0] if args else kwargs.get("run_id")
        if run_id is not None:
            services.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(base=RunTask, **RETRY)
def run_full_scoring(run_id: int) -> int:
    """Prepare a full run, then fan its chunks out as a chord ending in ``finish_run``.

    Returns the number of chunk tasks queued. Running it again (redelivery,
    resume) queues only the chunks not yet written.
    """
    todo = services.match_run_prepare(run_id=run_id)
    if todo:
        chord(score_chunk.si(run_id, index) for index in todo)(finish_run.si(run_id))
    else:
        finish_run.delay(run_id)
    return len(todo)


@shared_task(base=RunTask, **RETRY)
def score_chunk(run_id: int, index: int) -> int:
    return services.match_run_score_chunk(run_id=run_id, index=index)


@shared_task(base=RunTask, **RETRY)
def finish_run(run_id: int) -> str:
    return services.match_run_finish(run_id=run_id).status


@shared_task(**RETRY)
def start_full_run() -> int | None:
    """Beat's nightly entry point: start a full run unless one is active."""
    try:
        run = services.match_run_start()
    except services.RunAlreadyActive as exc:
        logger.info("nightly run skipped: %s", exc)
        return None
    run_full_scoring.delay_on_commit(run.pk)
    return run.pk


@shared_task(**RETRY)
def rescore_user(user_id: int, token: str | None = None) -> int | None:
    """Incremental re-score of one person; a superseded (debounced) call does nothing.

    ``token`` is the value the receiver stored in the cache when it queued
    this call; a later profile change stores a new one, so only the last
    change of a burst does the work. A missing key (cache cleared) runs.
    """
    if token is not None:
        current = cache.get(rescore_token_key(user_id))
        if current is not None and current != token:
            return None
    run = services.match_rescore_user(user_id=user_id)
    _refit_if_wanted(run, [user_id])
    return run.pk if run else None


REFIT_LOCK = "matching:warm-refit"


def _refit_if_wanted(run, user_ids: list[int]) -> None:
    """Queue one re-fit re-score when a run went ahead on a warm model that should be re-fitted."""
    wanted = run is not None and run.figures.get("refit_wanted")
    if wanted and cache.add(REFIT_LOCK, run.pk, timeout=3600):  # one re-fit at a time
        rescore_users.delay_on_commit(list(user_ids), True)


@shared_task(**RETRY)
def rescore_users(user_ids: list[int], refit: bool = False) -> int | None:
    """One batched incremental re-score of many people (an import), or a re-fit (``refit``)."""
    try:
        run = services.match_rescore_users(user_ids=user_ids, refit=refit)
    finally:
        if refit:
            cache.delete(REFIT_LOCK)
    if not refit:
        _refit_if_wanted(run, user_ids)
    return run.pk if run else None


@shared_task(**RETRY)
def expire_requests() -> dict:
    """Hourly: nudge mentors about waiting requests, expire overdue ones."""
    from matching.services import match_requests_expire

    return match_requests_expire(now=timezone.now())


# Registered under its first name, which the stored beat schedule uses; the
# function's own name keeps it apart from the engine's ``learn_weights``.
@shared_task(name="matching.tasks.learn_weights", **RETRY)
def learn_score_weights() -> dict:
    """Weekly: learn weights from outcomes (stored for the admin to choose)."""
    try:
        result = services.matching_learn_weights()
    except services.LearningRefused as exc:
        logger.info("%s", exc)
        return {"ok": False, "reason": str(exc)}
    return {"ok": True, "auc_learned": result.auc_learned, "auc_configured": result.auc_configured}


@shared_task(**RETRY)
def prune_runs() -> dict:
    """Daily: delete superseded suggestion rows of old runs (``MATCHING_RUN_RETENTION_DAYS``)."""
    return services.match_runs_prune()


@shared_task(base=RunTask, **RETRY)
def cohort_preview(run_id: int) -> str:
    """Compute a queued cohort preview (for admin pages that should not block)."""
    return services.match_cohort_compute(run_id=run_id).status


@shared_task(**RETRY)
def fit_skill_model() -> dict:
    """Weekly: refit the skill-relatedness model; runs started afterwards use the new version."""
    row = services.skill_model_fit()
    return {"version": row.version, **row.figures}
