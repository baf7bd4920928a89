"""Incremental re-score after profile changes: work proportional to the people who changed.

On the warm model (:mod:`.warm`, the latest run's model kept in memory and
patched with the changed people):

* a changed mentee's own list is recomputed (one row against every mentor);
* a changed mentor: the mentees who currently list them are recomputed (the
  mentor may leave or move in those lists), and the mentor is scored against
  every mentee (one column) and put into the lists where they now belong:
  where their score minus their exposure price beats the lowest in the list
  (or the list is short), at most up to their exposure quota, best first;
* someone no longer matchable loses their current list.

Every list uses the latest full run's exposure prices. One ``MatchRun`` of
kind ``incremental`` per call (``subject`` = the person when there is one;
``parameters["changed_ids"]`` the people, ``["mentee_ids"]`` the lists rewritten).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from matching.engine.explain import explain_sides, sides
from matching.engine.update import score_columns
from matching.models import (
    MatchingConfig,
    MatchRun,
    Suggestion,
)
from matching.selectors import exclusions_load

from . import skill_model
from .runs import match_run_fail
from .suggestion_rows import (
    Row,
    current_flip,
    mentees_lock,
    rows_carry,
    rows_insert,
    score_rows,
)
from .warm import Warm, warm_get

#: A re-score of a mentor recomputes at most this many of the lists that show them.
MAX_RESCORE_LISTING = 5000

#: Changed mentors scored against every mentee together (a block of columns).
COLUMN_GROUP = 32


def _listing(mentor_ids: Sequence[int]) -> list[int]:
    if not mentor_ids:
        return []
    return list(
        Suggestion.objects.filter(
            mentor_id__in=list(mentor_ids), is_current=True, status=Suggestion.Status.OPEN
        )
        .order_by("mentee_id")
        .values_list("mentee_id", flat=True)
        .distinct()[:MAX_RESCORE_LISTING]
    )


def _write_lists(warm: Warm, run: MatchRun, scored_rows: list[Row], mentee_ids: list[int]) -> int:
    carried = current_flip(mentee_ids=mentee_ids, keep_run=run)
    statuses = [
        carried.get((r.mentee_id, r.mentor_id), Suggestion.Status.OPEN) for r in scored_rows
    ]
    return rows_insert(run=run, rows=scored_rows, statuses=statuses)


def _mentor_quota(warm: Warm, col: int, k: int, strength: float) -> float:
    """How many lists a mentor may appear in: their exposure quota (as balancing sets it)."""
    if strength <= 0:
        return math.inf
    mentors = warm.model.mentors_
    cap = np.maximum(mentors.capacity_left, 0) * mentors.accepting
    total = float(cap.sum())
    if total <= 0 or cap[col] <= 0:
        return 0.0
    places = k * float(warm.mentee_live.sum())
    return max(places * float(cap[col]) / total / strength, 1.0)


def _lock_present(warm: Warm, mentee_ids: list[int]) -> set[int]:
    """Lock the mentees' lists; returns who still exists. Anyone deleted since the warm
    model read them (a deletion that sent no re-score) is never listed by it again."""
    present = mentees_lock(mentee_ids)
    for uid in mentee_ids:
        row = None if uid in present else warm.mentee_row(uid)
        if row is not None:
            warm.mentee_live[row] = False
    return present


class Offer(NamedTuple):
    """A mentor offered to a mentee's list: their column, id, score and price-adjusted score."""

    col: int
    mentor_id: int
    score: float
    adjusted: float
    components: list[float]


def _mentor_offers(
    warm: Warm,
    cols: Sequence[int],
    scores: np.ndarray,
    comp: np.ndarray,
    skip_rows: set[int],
    offers: dict[int, list[Offer]],
) -> None:
    """Offer mentors ``cols`` to the lists where they belong (added to ``offers``, by mentee row).

    ``scores``/``comp``: the mentors' columns against every mentee (NaN = not
    allowed), column ``k`` for ``cols[k]``. A mentor is offered to the lists
    where their score minus their price beats the lowest in the list (or the
    list is short), best first, up to their exposure quota.
    """
    model = warm.model
    cfg = model.config_
    n = scores.shape[0]
    open_rows = warm.mentee_live[:n] & ~warm.mentee_hidden[:n]
    if skip_rows:  # open_rows is a new array (the & above): ours to change
        open_rows[list(skip_rows)] = False
    short = warm.length[:n] < cfg.k
    mentor_ids = [int(model.mentors_.ids[c]) for c in cols]
    appearances = dict(
        Suggestion.objects.filter(mentor_id__in=mentor_ids, is_current=True)
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    for k, col in enumerate(cols):
        price = float(warm.prices[col]) if col < len(warm.prices) else 0.0
        column = scores[:, k]
        allowed = np.isfinite(column) & open_rows
        adjusted = np.where(allowed, column - np.float32(price), -np.inf).astype(np.float32)
        cand = np.flatnonzero(allowed & (short | (adjusted > warm.threshold[:n])))
        quota = _mentor_quota(warm, col, cfg.k, cfg.exposure_strength)
        room = quota - appearances.get(mentor_ids[k], 0)
        if not len(cand) or room <= 0:
            continue
        cand = cand[np.argsort(-adjusted[cand], kind="stable")]
        if math.isfinite(room):
            cand = cand[: int(math.ceil(room))]
        clipped = np.clip(column[cand], 0.0, 1.0).tolist()
        for i, score, components in zip(
            cand.tolist(), clipped, comp[cand, k].tolist(), strict=True
        ):
            offers.setdefault(i, []).append(
                Offer(col, mentor_ids[k], score, score - price, components)
            )


def _enter_lists(
    warm: Warm, run: MatchRun, offers: dict[int, list[Offer]]
) -> tuple[list[int], int]:
    """Each list keeps the best ``k`` of what it held and the mentors offered to it; a list
    that took any of them is rewritten once (into ``run``). Returns (mentees, rows)."""
    model = warm.model
    k = model.config_.k
    mentors, mentees = model.mentors_, model.mentees_
    rows = sorted(offers)
    ids = mentees.ids[rows].tolist()
    present = _lock_present(warm, ids)
    current: dict[int, list[tuple]] = {}
    for pk, mentee_id, mentor_id, score, status in Suggestion.objects.filter(
        mentee_id__in=[m for m in ids if m in present], is_current=True
    ).values_list("pk", "mentee_id", "mentor_id", "score", "status"):
        current.setdefault(mentee_id, []).append((pk, mentor_id, score, status))
    price_of = dict(zip(mentors.ids.tolist(), warm.prices.tolist(), strict=False))
    explain_options = model.explain_options()
    categories = explain_options.get("categories")
    mentor_side: dict = {}
    new_rows: list[Row] = []
    statuses: list[str] = []
    carried: list[tuple[int, int]] = []
    written: list[int] = []
    for i, mentee_id in zip(rows, ids, strict=True):
        if mentee_id not in present:
            continue
        offered = {o.mentor_id: o for o in offers[i]}
        held = current.get(mentee_id, [])
        # a mentor offered again replaces their old row (and keeps its status)
        status_of = {m: st for _, m, _, st in held if m in offered}
        entries = [
            (score - price_of.get(m, 0.0), score, m, pk)
            for pk, m, score, _ in held
            if m not in offered
        ]
        entries += [(o.adjusted, o.score, o.mentor_id, None) for o in offered.values()]
        entries.sort(key=lambda e: (-e[0], e[2]))
        kept = entries[:k]
        if all(e[3] is not None for e in kept):
            continue  # nothing offered made the list
        kept.sort(key=lambda e: (-e[1], e[2]))
        mentee = sides(mentees, [i])[0]
        for rank, (_, _score, m, pk) in enumerate(kept, start=1):
            if pk is not None:
                carried.append((pk, rank))
                continue
            o = offered[m]
            if o.col not in mentor_side:
                mentor_side[o.col] = sides(mentors, [o.col], categories)[0]
            explanation = explain_sides(
                mentee=mentee,
                mentor=mentor_side[o.col],
                components=o.components,
                score=o.score,
                **explain_options,
            )
            new_rows.append(
                Row(
                    mentee_id,
                    m,
                    rank,
                    round(o.score, 6),
                    explanation["components"],
                    explanation["reasons"],
                    explanation["reasons_for_mentor"],
                    explanation["assumed"],
                )
            )
            statuses.append(status_of.get(m, Suggestion.Status.OPEN))
        written.append(mentee_id)
        warm.threshold[i] = min(e[0] for e in kept)
        warm.length[i] = len(kept)
    if not written:
        return [], 0
    current_flip(mentee_ids=written, keep_run=run)
    count = rows_carry(run=run, carried=carried)
    count += rows_insert(run=run, rows=new_rows, statuses=statuses)
    return written, count


def match_rescore_users(
    *, user_ids: Sequence[int], subject_id: int | None = None, refit: bool = False
) -> MatchRun:
    """Re-score the given people now (after their profiles changed); see the module doc.

    ``refit``: re-fit the model on everyone first (stored as the new warm
    base). A run whose ``figures["refit_wanted"]`` is set went ahead on the
    warm model although it should be re-fitted (a skill it does not know,
    too many changes): the caller queues a re-fit re-score of the same people.
    """
    changed = sorted({int(u) for u in user_ids})
    if subject_id is None and len(changed) == 1:
        subject_id = changed[0]
    config = MatchingConfig.load()
    engine = config.engine_config().to_dict()
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.INCREMENTAL,
        status=MatchRun.Status.RUNNING,
        subject_id=subject_id,
        started_at=timezone.now(),
        parameters={"engine": engine, "changed_ids": changed},
    )
    try:
        result = warm_get(run=run, engine=engine, changed_ids=changed, refit=refit)
        warm = result.warm
        model = warm.model
        rewritten: set[int] = set()
        written = 0
        inserted: list[int] = []  # the lists new or changed mentors entered
        phases = {"lists_seconds": 0.0, "insert_seconds": 0.0}
        with transaction.atomic():
            if model is not None:
                t_lists = time.perf_counter()
                mentor_cols = [c for c in map(warm.mentor_row, changed) if c is not None]
                mentor_ids = [int(model.mentors_.ids[c]) for c in mentor_cols]
                targets = sorted(
                    {u for u in changed if u not in result.gone} | set(_listing(mentor_ids))
                )
                rows = np.array(
                    [
                        r
                        for r in map(warm.mentee_row, targets)
                        if r is not None and warm.mentee_live[r] and not warm.mentee_hidden[r]
                    ],
                    dtype=np.int64,
                )
                population = warm.population
                exclusions = exclusions_load(mentee_ids=model.mentees_.ids[rows].tolist())
                scored = score_rows(
                    model=model,
                    population=population,
                    rows=rows,
                    exclusions=exclusions,
                    run=run,
                    prices=warm.prices,
                    figures=False,
                )
                present = _lock_present(warm, scored.mentee_ids)
                scored.rows = [r for r in scored.rows if r.mentee_id in present]
                scored.mentee_ids = [m for m in scored.mentee_ids if m in present]
                written = _write_lists(warm, run, scored.rows, scored.mentee_ids)
                rewritten.update(scored.mentee_ids)
                t_insert = time.perf_counter()
                phases["lists_seconds"] = round(t_insert - t_lists, 3)
                eligible = [
                    c
                    for c in mentor_cols
                    if model.mentors_.accepting[c] and model.mentors_.capacity_left[c] > 0
                ]
                skip = set(rows.tolist())
                offers: dict[int, list[Offer]] = {}
                for g in range(0, len(eligible), COLUMN_GROUP):
                    group = np.array(eligible[g : g + COLUMN_GROUP], dtype=np.int64)
                    group_ids = model.mentors_.ids[group].tolist()
                    col_scores, col_comp = score_columns(
                        model, group, exclusions=exclusions_load(mentor_ids=group_ids)
                    )
                    _mentor_offers(warm, group.tolist(), col_scores, col_comp, skip, offers)
                if offers:
                    inserted, count = _enter_lists(warm, run, offers)
                    written += count
                rewritten.update(inserted)
                phases["insert_seconds"] = round(time.perf_counter() - t_insert, 3)
                _refresh_thresholds(warm, scored.rows, scored.mentee_ids)
            gone = [u for u in result.gone if u not in rewritten]
            if gone:
                Suggestion.objects.filter(
                    mentee_id__in=gone, is_current=True, status=Suggestion.Status.OPEN
                ).update(is_current=False)
        now = timezone.now()
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.SUCCEEDED,
            finished_at=now,
            mentees_count=len(rewritten),
            mentors_count=len(model.mentors_) if model is not None else 0,
            suggestions_count=written,
            parameters={
                **run.parameters,
                "engine": engine,
                "changed_ids": changed,
                "mentee_ids": sorted(rewritten),
                "skill_model_version": skill_model.skill_model_version_of(model),
            },
            figures={
                "warm_seconds": round(warm.seconds, 3),
                **phases,
                "warm_phases": warm.phases,
                "refitted": warm.refitted,
                "refit_wanted": result.refit_wanted,
                "base_run": warm.base_run_id,
                "model_fingerprint": warm.fingerprint,
                "seconds": round((now - run.started_at).total_seconds(), 3),
                "removed_lists": len(gone),
                "mentor_inserted_into": len(inserted),
            },
        )
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise
    run.refresh_from_db()
    return run


def _refresh_thresholds(warm: Warm, rows: list[Row], mentee_ids: list[int]) -> None:
    price_of = dict(zip(warm.model.mentors_.ids.tolist(), warm.prices.tolist(), strict=False))
    low: dict[int, float] = {}
    count: dict[int, int] = {}
    for r in rows:
        a = r.score - price_of.get(r.mentor_id, 0.0)
        low[r.mentee_id] = min(low.get(r.mentee_id, math.inf), a)
        count[r.mentee_id] = count.get(r.mentee_id, 0) + 1
    if len(warm.threshold) < len(warm.model.mentees_):
        grow = len(warm.model.mentees_) - len(warm.threshold)
        warm.threshold = np.concatenate([warm.threshold, np.full(grow, np.inf, np.float32)])
        warm.length = np.concatenate([warm.length, np.zeros(grow, np.int64)])
    for uid in mentee_ids:
        row = warm.mentee_row(uid)
        if row is not None:
            warm.threshold[row] = low.get(uid, math.inf)
            warm.length[row] = count.get(uid, 0)


def match_rescore_user(*, user_id: int) -> MatchRun:
    """Re-score one person now (after a profile change); see :func:`match_rescore_users`."""
    return match_rescore_users(user_ids=[user_id], subject_id=user_id)


__all__ = ["MAX_RESCORE_LISTING", "match_rescore_user", "match_rescore_users"]
