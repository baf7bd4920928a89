"""Engine results -> ``Suggestion`` rows: top-k with explanations, and writing a mentee's current list."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

from matching.engine import (
    Exclusions,
    MatchModel,
    Mentors,
    select_topk,
)
from matching.engine.explain import explain_pair
from matching.models import (
    MatchRun,
    Suggestion,
)
from profiles.models import Profile

from .population import Population


@dataclass
class ScoredRows:
    """Suggestions for some mentees, ready to be written, plus chunk figures."""

    mentee_ids: list[int]
    suggestions: list[Suggestion] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def score_rows(
    *,
    model: MatchModel | None,
    population: Population,
    rows: np.ndarray,
    exclusions: Exclusions,
    run: MatchRun,
    prices: np.ndarray | None = None,
) -> ScoredRows:
    """Top-k (exposure-balanced over ``rows``) with explanations, as unsaved rows."""
    mentees, mentors = population.mentees, population.mentors
    result = ScoredRows(mentee_ids=mentees.ids[rows].tolist())
    if not len(rows) or model is None:
        return result
    cfg = model.config_
    cands = model.candidates(exclusions=exclusions, rows=rows)
    top = select_topk(
        cands,
        capacity=mentors.capacity_left,
        k=cfg.k,
        strength=cfg.exposure_strength,
        iterations=cfg.exposure_iterations,
        step=cfg.exposure_step,
        prices=prices,
    )
    before = select_topk(cands, capacity=mentors.capacity_left, k=cfg.k, strength=0.0)
    mentor_subsets: dict[int, Mentors] = {}
    for pos, row in enumerate(top.rows):
        mentee = mentees.subset([row])
        rank = 0
        for slot, j in enumerate(top.mentor_index[pos]):
            if j < 0:
                continue
            mentor = mentor_subsets.get(j)
            if mentor is None:
                mentor = mentor_subsets[j] = mentors.subset([j])
            score = float(np.clip(top.scores[pos, slot], 0.0, 1.0))
            explanation = explain_pair(
                mentee=mentee,
                mentor=mentor,
                components=top.components[pos, slot],
                score=score,
                **model.explain_options(),  # names close skills too (skill model)
            )
            rank += 1
            result.suggestions.append(
                Suggestion(
                    run=run,
                    mentee_id=int(mentees.ids[row]),
                    mentor_id=int(mentors.ids[j]),
                    rank=rank,
                    score=round(score, 6),
                    components=explanation["components"],
                    reasons=explanation["reasons"],
                    reasons_for_mentor=explanation["reasons_for_mentor"],
                    assumed=explanation["assumed"],
                )
            )

    def appearances(mentor_index: np.ndarray) -> dict[str, int]:
        chosen = mentor_index[mentor_index >= 0]
        ids, n = np.unique(mentors.ids[chosen], return_counts=True)
        return {str(i): int(c) for i, c in zip(ids.tolist(), n.tolist(), strict=True)}

    valid_after = np.isfinite(top.scores)
    valid_before = np.isfinite(before.scores)
    reachable = np.unique(cands.mentor_index[cands.mentor_index >= 0])
    price = top.exposure_prices if top.exposure_prices is not None else np.zeros(len(mentors))
    result.figures = {
        "mentees": len(rows),
        "appearances_before": appearances(before.mentor_index),
        "appearances_after": appearances(top.mentor_index),
        "reachable": mentors.ids[reachable].tolist(),
        "score_sum_before": float(np.nansum(before.scores)),
        "score_sum_after": float(np.nansum(top.scores)),
        "places_before": int(valid_before.sum()),
        "places_after": int(valid_after.sum()),
        "prices": {
            str(mentors.ids[j]): round(float(price[j]), 6) for j in np.flatnonzero(price > 0)
        },
    }
    return result


def suggestions_write(
    *, run: MatchRun, scored: ScoredRows, skip_newer_than: datetime | None = None
) -> int:
    """Make ``scored`` the current suggestions of its mentees (inside a transaction).

    Locks the mentees' profile rows (in user-id order) so an incremental and a
    full-run write for the same mentee never interleave. Previous current
    rows are flipped to ``is_current=False``; the status of a pair that was
    already requested or declined carries over. With ``skip_newer_than``, a
    mentee whose current list comes from an incremental run created after
    that time keeps it (it was computed from fresher data).
    """
    ids = scored.mentee_ids
    if not ids:
        return 0
    list(
        Profile.objects.select_for_update()
        .filter(user_id__in=ids)
        .order_by("user_id")
        .values_list("id", flat=True)
    )
    skip: set[int] = set()
    if skip_newer_than is not None:
        skip = set(
            Suggestion.objects.filter(
                mentee_id__in=ids,
                is_current=True,
                run__kind=MatchRun.Kind.INCREMENTAL,
                run__created_at__gt=skip_newer_than,
            )
            .order_by()
            .values_list("mentee_id", flat=True)
            .distinct()
        )
    targets = [i for i in ids if i not in skip]
    previous = Suggestion.objects.filter(mentee_id__in=targets, is_current=True).exclude(run=run)
    carried = {
        (m, r): s
        for m, r, s in previous.exclude(status=Suggestion.Status.OPEN).values_list(
            "mentee_id", "mentor_id", "status"
        )
    }
    previous.update(is_current=False)
    rows = [s for s in scored.suggestions if s.mentee_id not in skip]
    for s in rows:
        s.status = carried.get((s.mentee_id, s.mentor_id), Suggestion.Status.OPEN)
        s.is_current = True
    Suggestion.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)
