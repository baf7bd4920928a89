"""Whole-cohort assignment (stable or optimal) as a preview, then publish or discard."""

from __future__ import annotations

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from matching.engine import (
    Mentors,
    count_blocking_pairs,
    optimal_assignment,
    stable_assignment,
)
from matching.engine.explain import explain_pair
from matching.errors import CohortError
from matching.models import (
    MatchingConfig,
    MatchRun,
    Mentorship,
    Suggestion,
)
from matching.selectors import exclusions_load
from mentorship.notifications import notify
from profiles.models import Profile

from . import skill_model
from .population import model_fit, population_load
from .runs import match_run_fail

COHORT_MODES = ("stable", "optimal")


def match_cohort_create(*, mode: str, triggered_by=None) -> MatchRun:
    """A queued cohort run; the caller queues ``cohort_preview`` (or computes it inline)."""
    if mode not in COHORT_MODES:
        raise CohortError(f"Unknown mode {mode!r}: choose stable or optimal.")
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.COHORT,
        mode=mode,
        status=MatchRun.Status.QUEUED,
        triggered_by=triggered_by,
    )
    return run


def match_cohort_compute(*, run_id: int) -> MatchRun:
    """Compute a queued cohort run (idempotent: a finished one is returned as is)."""
    started = MatchRun.objects.filter(
        pk=run_id, kind=MatchRun.Kind.COHORT, status=MatchRun.Status.QUEUED
    ).update(status=MatchRun.Status.RUNNING, started_at=timezone.now())
    run = MatchRun.objects.get(pk=run_id)
    if not started and run.status != MatchRun.Status.RUNNING:
        return run
    if not started:
        run.suggestions.all().delete()  # a redelivered, interrupted computation
    try:
        return _cohort_compute(run)
    except Exception as exc:
        match_run_fail(run_id=run.pk, error=f"{type(exc).__name__}: {exc}")
        raise


def match_cohort_preview(*, mode: str, triggered_by=None) -> MatchRun:
    """Assign each mentee at most one mentor under capacities, as a preview (in process).

    The pairs are stored as ``Suggestion`` rows of the cohort run with
    ``is_current=False`` (invisible to people) and rank 1; ``run.figures``
    holds the totals, the unmatched mentee ids, each mentor's load against
    their free places and, for ``stable``, the blocking-pair count.
    """
    run = match_cohort_create(mode=mode, triggered_by=triggered_by)
    return match_cohort_compute(run_id=run.pk)


def _cohort_compute(run: MatchRun) -> MatchRun:
    config = MatchingConfig.load()
    engine_config = config.engine_config()
    population = population_load(config=config)
    model = model_fit(population, engine_config)
    mentees, mentors = population.mentees, population.mentors
    if model is None:
        raise CohortError(
            f"Nobody to match: {len(mentees)} matchable mentees and {len(mentors)} mentors."
        )
    # A mentee who already has a long-term mentor is not paired again: the
    # cohort gives a mentor to those who have none.
    mentored = set(
        Mentorship.objects.holding_places()
        .filter(mentee_id__in=mentees.ids.tolist())
        .values_list("mentee_id", flat=True)
    )
    open_rows = np.array(
        [i for i, uid in enumerate(mentees.ids.tolist()) if uid not in mentored], dtype=np.int64
    )
    if not len(open_rows):
        raise CohortError("Every matchable mentee already has a long-term mentor.")
    cands = model.candidates(exclusions=population.exclusions, rows=open_rows)
    capacity = mentors.capacity_left
    if run.mode == "stable":
        assignment = stable_assignment(cands, capacity)
        blocking = count_blocking_pairs(cands, capacity, assignment.mentor_index)
    else:
        assignment = optimal_assignment(cands, capacity)
        blocking = None
    rows: list[Suggestion] = []
    unmatched: list[int] = []
    mentor_subsets: dict[int, Mentors] = {}
    for pos, row in enumerate(cands.rows):
        j = int(assignment.mentor_index[pos])
        if j < 0:
            unmatched.append(int(mentees.ids[row]))
            continue
        slot = int(np.flatnonzero(cands.mentor_index[pos] == j)[0])
        mentor = mentor_subsets.get(j) or mentor_subsets.setdefault(j, mentors.subset([j]))
        score = float(np.clip(cands.scores[pos, slot], 0.0, 1.0))
        explanation = explain_pair(
            mentee=mentees.subset([row]),
            mentor=mentor,
            components=cands.components[pos, slot],
            score=score,
            **model.explain_options(),  # names close skills too (skill model)
        )
        rows.append(
            Suggestion(
                run=run,
                mentee_id=int(mentees.ids[row]),
                mentor_id=int(mentors.ids[j]),
                rank=1,
                score=round(score, 6),
                components=explanation["components"],
                reasons=explanation["reasons"],
                reasons_for_mentor=explanation["reasons_for_mentor"],
                assumed=explanation["assumed"],
                is_current=False,
            )
        )
    load = np.bincount(
        assignment.mentor_index[assignment.mentor_index >= 0], minlength=len(mentors)
    )
    with transaction.atomic():
        Suggestion.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
        now = timezone.now()
        MatchRun.objects.filter(pk=run.pk).update(
            status=MatchRun.Status.SUCCEEDED,
            finished_at=now,
            mentees_count=len(mentees),
            mentors_count=len(mentors),
            suggestions_count=len(rows),
            parameters={
                "engine": engine_config.to_dict(),
                "mode": run.mode,
                "skill_model_version": skill_model.skill_model_version_of(model),
            },
            figures={
                "already_mentored": len(mentored),
                "matched": assignment.matched,
                "unmatched": len(unmatched),
                "total_score": round(assignment.total_score, 4),
                "mean_score": round(assignment.total_score / assignment.matched, 4)
                if assignment.matched
                else None,
                "blocking_pairs": blocking,
                "unmatched_mentee_ids": unmatched,
                "mentor_load": {
                    str(mentors.ids[j]): [int(load[j]), int(capacity[j])]
                    for j in range(len(mentors))
                    if capacity[j] > 0 or load[j] > 0
                },
                "mentors_used": int((load > 0).sum()),
                "free_places": int(capacity.sum()),
                "seconds": round((now - run.started_at).total_seconds(), 3),
            },
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def match_cohort_publish(*, run: MatchRun) -> MatchRun:
    """Make a cohort preview's pairs current: the assigned mentor becomes rank 1.

    The mentee's other current suggestions stay, one rank lower (a current
    suggestion for the same mentor is replaced by the cohort's, keeping its
    status). Pairs excluded since the preview (a decline, a block, a
    mentorship, a pending request) are skipped and counted.
    """
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.kind != MatchRun.Kind.COHORT or run.status != MatchRun.Status.SUCCEEDED:
        raise CohortError(
            f"Only a finished cohort preview can be published; run #{run.pk} is {run.status}."
        )
    pairs = list(run.suggestions.select_related("mentee"))
    mentee_ids = [s.mentee_id for s in pairs]
    excluded = exclusions_load(mentee_ids=mentee_ids).pairs
    publish = [s for s in pairs if (s.mentee_id, s.mentor_id) not in excluded]
    ids = [s.mentee_id for s in publish]
    list(
        Profile.objects.select_for_update()
        .filter(user_id__in=ids)
        .order_by("user_id")
        .values_list("id", flat=True)
    )
    same_pair = Suggestion.objects.filter(is_current=True, mentee_id__in=ids).exclude(run=run)
    status_of = {}
    for mentee_id, mentor_id, status in same_pair.values_list("mentee_id", "mentor_id", "status"):
        status_of[(mentee_id, mentor_id)] = status
    chosen = {(s.mentee_id, s.mentor_id) for s in publish}
    # The assigned mentor's old row gives way to the cohort's row.
    replaced = [pair for pair in status_of if pair in chosen]
    if replaced:
        cond = Q()
        for mentee_id, mentor_id in replaced:
            cond |= Q(mentee_id=mentee_id, mentor_id=mentor_id)
        same_pair.filter(cond).update(is_current=False)
    # The others follow the cohort match as 2, 3, ... with no gap where a
    # replaced row was.
    renumbered = []
    previous, rank = None, 1
    for row in same_pair.filter(is_current=True).order_by("mentee_id", "rank", "pk"):
        rank = 2 if row.mentee_id != previous else rank + 1
        previous = row.mentee_id
        if row.rank != rank:
            row.rank = rank
            renumbered.append(row)
    Suggestion.objects.bulk_update(renumbered, ["rank"], batch_size=1000)
    for s in publish:
        s.status = status_of.get((s.mentee_id, s.mentor_id), Suggestion.Status.OPEN)
        s.is_current = True
    Suggestion.objects.bulk_update(publish, ["status", "is_current"], batch_size=1000)
    run.status = MatchRun.Status.PUBLISHED
    run.figures = {**run.figures, "published": len(publish), "skipped": len(pairs) - len(publish)}
    run.save(update_fields=["status", "figures"])
    names = {
        profile.user_id: profile.name
        for profile in Profile.objects.filter(
            user_id__in=[s.mentor_id for s in publish]
        ).select_related("user")
    }
    for s in publish:
        # On commit, each mentee learns the programme chose a mentor for them.
        notify(
            user=s.mentee,
            kind="cohort_match",
            title="The programme matched you with a mentor",
            body=(
                f"{names.get(s.mentor_id) or 'A mentor'} is at the top of your suggestions, "
                "chosen for you by the programme team. Send them a request when you are ready."
            ),
            url=reverse("matching:suggestions"),
        )
    return run


@transaction.atomic
def match_cohort_discard(*, run: MatchRun) -> MatchRun:
    """Throw a cohort preview away (its preview rows are deleted)."""
    run = MatchRun.objects.select_for_update().get(pk=run.pk)
    if run.kind != MatchRun.Kind.COHORT or run.status not in (
        MatchRun.Status.SUCCEEDED,
        MatchRun.Status.FAILED,
    ):
        raise CohortError(
            f"Only an unpublished cohort preview can be discarded; run #{run.pk} is {run.status}."
        )
    run.suggestions.filter(is_current=False).delete()
    run.status = MatchRun.Status.DISCARDED
    run.save(update_fields=["status"])
    return run
