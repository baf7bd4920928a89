"""Scoring: database rows -> engine arrays, runs, suggestions, cohorts, learning.

The maths lives in ``matching/engine``; this module only turns rows into the
engine's inputs (:class:`Mentees`, :class:`Mentors`, :class:`Exclusions`),
calls it, and turns its results back into rows. Decisions are written down in
``docs/matching-runs.md``; the important ones, in short:

* **Who is matched.** Mentors: active users with role mentor/both (the engine
  filters those not accepting, away or full). Mentees: active users with role
  mentee/both who are "good enough to match": at least one wanted skill or
  one open / in-progress goal. Anyone else gets no list.
* **Hours.** Availability slots are in the owner's time zone; they become UTC
  hours of the week at the zone's *current* offset (daylight saving: the
  offset of today). Start and end are rounded to the nearest hour (half-hour
  zones: 09:00-11:00 in Asia/Kolkata = 03:30-05:30 UTC -> hours 4 and 5, so a
  slot keeps its length). A mentee without slots is taken to be free on
  weekdays 09:00-18:00 local; a mentor without slots is "unknown" (the engine
  gives the neutral value).
* **Chunks and balancing.** A full run fits the model once (prepare task),
  pickles it under ``VAR_DIR/runs/<id>/``; chunk tasks load it (or re-fit if
  the file is not on their machine) and balance exposure within their chunk
  of mentees. Measured on 10,000 x 2,000: per-chunk balancing (chunks of 1000)
  gives an exposure Gini of 0.343 at a mean score cost of 0.0060, against
  0.349 / 0.0052 for balancing all mentees at once, so no global step is
  needed and the chunks stay independent.
* **Idempotence.** The chunk plan is stored (``MatchRunChunk``); a chunk marks
  itself done in the transaction that writes its suggestions, and rows are
  unique per (run, mentee, mentor), so a chunk delivered twice writes nothing
  twice.
"""

from __future__ import annotations

import logging
import os
import pickle
import shutil
import socket
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from matching.engine import (
    COMPONENTS,
    EngineConfig,
    Exclusions,
    MatchModel,
    Mentees,
    Mentors,
    count_blocking_pairs,
    learn_weights,
    optimal_assignment,
    select_topk,
    stable_assignment,
)
from matching.engine.components import gini
from matching.engine.explain import explain_pair
from matching.models import (
    Format,
    MatchingConfig,
    MatchRequest,
    MatchRun,
    MatchRunChunk,
    Mentorship,
    PairExclusion,
    Suggestion,
)
from mentorship.errors import Refusal
from profiles.models import AvailabilitySlot, Goal, Profile, ProfileSkill

logger = logging.getLogger(__name__)

HOURS_PER_WEEK = 168
#: Mentees who gave no availability are assumed free Mon-Fri 09:00-18:00 local.
DEFAULT_MENTEE_SLOTS = tuple((day, dtime(9, 0), dtime(18, 0)) for day in range(5))
#: Mentees per chunk task of a full run.
DEFAULT_CHUNK_SIZE = 1000
#: A queued/running full run with no progress for this long is considered lost
#: (its worker died) and is failed when the next run starts.
STALE_RUN_AFTER = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))
#: An incremental re-score of a mentor re-scores at most this many mentees who
#: list them; the rest catch up at the next full run.
MAX_RESCORE_LISTING = 1000
RANDOM_STATE = 0
MENTOR_ROLES = (Profile.Role.MENTOR, Profile.Role.BOTH)
MENTEE_ROLES = (Profile.Role.MENTEE, Profile.Role.BOTH)
ACTIVE_GOALS = (Goal.Status.OPEN, Goal.Status.IN_PROGRESS)
ACTIVE_RUN_STATUSES = (MatchRun.Status.QUEUED, MatchRun.Status.RUNNING)


class MatchingRunError(Refusal):
    """A scoring operation refused, with a message meant for the admin."""

    default_code = "run_refused"


class RunAlreadyActive(MatchingRunError):
    default_code = "run_active"


class LearningRefused(MatchingRunError):
    default_code = "learning_refused"


class CohortError(MatchingRunError):
    default_code = "cohort_refused"


# --- rows -> engine arrays ---------------------------------------------------


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def utc_offset_minutes(tz_name: str, at: datetime) -> int:
    """The zone's offset from UTC at ``at`` (minutes; +330 for Asia/Kolkata)."""
    offset = at.astimezone(_zone(tz_name)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def weekly_hours_utc(
    slots: Iterable[tuple[int, dtime, dtime]], tz_name: str, at: datetime
) -> np.ndarray:
    """UTC hours of the week (Monday 00:00 UTC = 0) covered by local weekly slots.

    ``slots`` are (weekday 0=Monday, start, end) in the zone ``tz_name``; the
    zone's offset at ``at`` is used. Start and end are rounded to the nearest
    hour (half up); a slot shorter than that still marks its middle hour.
    """
    hours = np.zeros(HOURS_PER_WEEK, dtype=bool)
    offset = utc_offset_minutes(tz_name, at)
    for weekday, start, end in slots:
        a = weekday * 1440 + start.hour * 60 + start.minute - offset
        b = weekday * 1440 + end.hour * 60 + end.minute - offset
        if b <= a:
            continue
        first, last = (a + 30) // 60, (b + 30) // 60
        if last <= first:
            first, last = (a + b) // 120, (a + b) // 120 + 1
        hours[np.arange(first, last) % HOURS_PER_WEEK] = True
    return hours


@dataclass
class Population:
    """The engine's inputs built from the database, plus what runs need around them."""

    mentees: Mentees
    mentors: Mentors
    exclusions: Exclusions
    skill_categories: dict[str, str]
    loaded_at: datetime
    seconds: float = 0.0

    def mentee_rows(self, user_ids: Iterable[int]) -> np.ndarray:
        """Rows of the given mentee ids (ids that are not mentees are dropped)."""
        index = {int(uid): i for i, uid in enumerate(self.mentees.ids)}
        return np.array(sorted(index[u] for u in map(int, user_ids) if u in index), dtype=np.int64)


def _profile_rows(*, roles: Sequence[str], user_ids: Iterable[int] | None = None) -> list[dict]:
    qs = Profile.objects.filter(user__is_active=True, role__in=roles)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return list(
        qs.order_by("user_id").values(
            "id",
            "user_id",
            "role",
            "headline",
            "bio",
            "strengths",
            "growth_areas",
            "years_experience",
            "industry",
            "occupation__soc_code",
            "timezone",
            "format_flash",
            "format_long_term",
            "capacity",
            "accepting",
            "away_until",
        )
    )


def _formats(row: dict) -> frozenset[str]:
    chosen = []
    if row["format_flash"]:
        chosen.append(Format.FLASH.value)
    if row["format_long_term"]:
        chosen.append(Format.LONG_TERM.value)
    return frozenset(chosen)


def _by_profile(qs, profile_ids: list[int] | None, *fields: str) -> dict[int, list[tuple]]:
    if profile_ids is not None:
        qs = qs.filter(profile_id__in=profile_ids)
    out: dict[int, list[tuple]] = defaultdict(list)
    for row in qs.order_by().values_list("profile_id", *fields):
        out[row[0]].append(row[1:])
    return out


def _people_fields(rows: list[dict], now: datetime) -> dict[str, Any]:
    return {
        "ids": np.array([r["user_id"] for r in rows], dtype=np.int64),
        "years_experience": np.array([float(r["years_experience"]) for r in rows]),
        "industry": [r["industry"] or "" for r in rows],
        "occupation_group": [(r["occupation__soc_code"] or "")[:2] for r in rows],
    }


def request_counts(
    *, mentor_ids: Iterable[int] | None = None, expiry_days: int, now: datetime | None = None
) -> dict[int, tuple[int, int]]:
    """Per mentor: (requests received, answered in time), for responsiveness.

    Received: every request except withdrawn ones and pending ones still
    inside their answer window (they may yet be answered). Answered in time:
    accepted or declined within ``expiry_days`` of arriving.
    """
    now = now or timezone.now()
    window = timedelta(days=expiry_days)
    qs = MatchRequest.objects.exclude(status=MatchRequest.Status.WITHDRAWN).exclude(
        status=MatchRequest.Status.PENDING, created_at__gt=now - window
    )
    if mentor_ids is not None:
        qs = qs.filter(mentor_id__in=list(mentor_ids))
    answered = Q(
        status__in=[MatchRequest.Status.ACCEPTED, MatchRequest.Status.DECLINED],
        responded_at__isnull=False,
        responded_at__lte=F("created_at") + window,
    )
    rows = (
        qs.order_by()
        .values("mentor_id")
        .annotate(received=Count("id"), answered=Count("id", filter=answered))
    )
    return {r["mentor_id"]: (r["received"], r["answered"]) for r in rows}


def _reliability_arrays(mentor_ids: list[int]) -> dict[str, np.ndarray]:
    """Session evidence from the app that fills ``matching.hooks`` (sessions), as arrays."""
    from matching.hooks import reliability_counts

    found = reliability_counts(mentor_ids)
    return {
        "sessions_counted": np.array([found.get(i, (0.0, 0.0))[0] for i in mentor_ids], float),
        "sessions_kept": np.array([found.get(i, (0.0, 0.0))[1] for i in mentor_ids], float),
    }


def active_long_term_counts(mentor_ids: Iterable[int] | None = None) -> dict[int, int]:
    qs = Mentorship.objects.holding_places()
    if mentor_ids is not None:
        qs = qs.filter(mentor_id__in=list(mentor_ids))
    return dict(
        qs.order_by().values("mentor_id").annotate(n=Count("id")).values_list("mentor_id", "n")
    )


def exclusions_load(*, mentee_ids: Iterable[int] | None = None) -> Exclusions:
    """(mentee, mentor) pairs never to suggest.

    Admin do-not-match and declines (either side) as stored; blocks in both
    directions; active mentorships; pending requests (the mentee already
    asked); and, as a backstop, declined requests and suggestions.
    """
    ids = None if mentee_ids is None else list(mentee_ids)
    pairs: set[tuple[int, int]] = set()

    def add(qs, a="mentee_id", b="mentor_id", *, both_ways=False):
        if ids is not None:
            cond = Q(**{f"{a}__in": ids})
            if both_ways:
                cond |= Q(**{f"{b}__in": ids})
            qs = qs.filter(cond)
        for x, y in qs.order_by().values_list(a, b):
            pairs.add((x, y))
            if both_ways:
                pairs.add((y, x))

    add(PairExclusion.objects.exclude(reason=PairExclusion.Reason.BLOCKED))
    add(PairExclusion.objects.filter(reason=PairExclusion.Reason.BLOCKED), both_ways=True)
    add(Mentorship.objects.filter(status=Mentorship.Status.ACTIVE))
    add(
        MatchRequest.objects.filter(
            status__in=[MatchRequest.Status.PENDING, MatchRequest.Status.DECLINED]
        )
    )
    add(Suggestion.objects.filter(status=Suggestion.Status.DECLINED))
    if ids is not None:
        wanted = set(ids)
        pairs = {p for p in pairs if p[0] in wanted}
    return Exclusions(pairs)


def population_load(
    *, config: MatchingConfig | None = None, mentee_ids: Iterable[int] | None = None
) -> Population:
    """Mentees and mentors as engine arrays, in a fixed number of queries.

    ``mentee_ids`` restricts the mentees (mentors are always everyone).
    """
    started = time.perf_counter()
    config = config or MatchingConfig.load()
    now = timezone.now()
    today = timezone.localdate()
    mentor_rows = _profile_rows(roles=MENTOR_ROLES)
    mentee_rows = _profile_rows(roles=MENTEE_ROLES, user_ids=mentee_ids)
    restricted = mentee_ids is not None
    profile_ids = (
        sorted({r["id"] for r in mentor_rows} | {r["id"] for r in mentee_rows})
        if restricted
        else None
    )

    skills = _by_profile(
        ProfileSkill.objects.all(),
        profile_ids,
        "direction",
        "level",
        "skill__name",
        "skill__category",
    )
    languages = _by_profile(Profile.languages.through.objects.all(), profile_ids, "language__name")
    slots = _by_profile(
        AvailabilitySlot.objects.all(), profile_ids, "weekday", "start_time", "end_time"
    )
    goals_qs = Goal.objects.filter(status__in=ACTIVE_GOALS)
    if restricted:
        goals_qs = goals_qs.filter(owner_id__in=[r["user_id"] for r in mentee_rows])
    goals: dict[int, list[str]] = defaultdict(list)
    for owner_id, title, description in goals_qs.order_by("owner_id", "id").values_list(
        "owner_id", "title", "description"
    ):
        goals[owner_id].append(f"{title}. {description}".strip())

    categories: dict[str, str] = {}
    wanted: dict[int, dict[str, float]] = defaultdict(dict)
    offered: dict[int, dict[str, float]] = defaultdict(dict)
    for pid, rows in skills.items():
        for direction, level, name, category in rows:
            if category:
                categories[name] = category
            target = offered if direction == ProfileSkill.Direction.OFFERS else wanted
            target[pid][name] = float(level)

    # Mentees "good enough to match": a wanted skill or an active goal.
    mentee_rows = [r for r in mentee_rows if wanted.get(r["id"]) or goals.get(r["user_id"])]

    def hours(rows: list[dict], default: Sequence | None) -> np.ndarray:
        out = np.zeros((len(rows), HOURS_PER_WEEK), dtype=bool)
        for i, r in enumerate(rows):
            own = slots.get(r["id"]) or default
            if own:
                out[i] = weekly_hours_utc(own, r["timezone"], now)
        return out

    def langs(rows: list[dict]) -> list[frozenset[str]]:
        return [frozenset(name for (name,) in languages.get(r["id"], ())) for r in rows]

    mentees = Mentees(
        **_people_fields(mentee_rows, now),
        skills=[dict(wanted.get(r["id"], {})) for r in mentee_rows],
        text=[
            " ".join([*goals.get(r["user_id"], []), r["growth_areas"] or ""]).strip()
            for r in mentee_rows
        ],
        available_hours=hours(mentee_rows, DEFAULT_MENTEE_SLOTS),
        languages=langs(mentee_rows),
        formats=[_formats(r) for r in mentee_rows],
    )

    taken = active_long_term_counts()
    counts = request_counts(expiry_days=config.request_expiry_days, now=now)
    mentors = Mentors(
        **_people_fields(mentor_rows, now),
        skills=[dict(offered.get(r["id"], {})) for r in mentor_rows],
        text=[
            " ".join(
                [r["headline"] or "", r["bio"] or "", r["strengths"] or ""]
                + sorted(offered.get(r["id"], {}))
            ).strip()
            for r in mentor_rows
        ],
        available_hours=hours(mentor_rows, None),
        languages=langs(mentor_rows),
        formats=[_formats(r) for r in mentor_rows],
        capacity_left=np.array(
            [max(r["capacity"] - taken.get(r["user_id"], 0), 0) for r in mentor_rows],
            dtype=np.int64,
        ),
        accepting=np.array(
            [
                bool(r["accepting"]) and not (r["away_until"] and r["away_until"] >= today)
                for r in mentor_rows
            ],
            dtype=bool,
        ),
        requests_received=np.array(
            [counts.get(r["user_id"], (0, 0))[0] for r in mentor_rows], dtype=np.int64
        ),
        requests_answered_in_time=np.array(
            [counts.get(r["user_id"], (0, 0))[1] for r in mentor_rows], dtype=np.int64
        ),
        **_reliability_arrays([r["user_id"] for r in mentor_rows]),
    )
    exclusions = exclusions_load(mentee_ids=None if not restricted else mentees.ids.tolist())
    return Population(
        mentees=mentees,
        mentors=mentors,
        exclusions=exclusions,
        skill_categories=categories,
        loaded_at=now,
        seconds=time.perf_counter() - started,
    )


def model_fit(population: Population, engine_config: EngineConfig) -> MatchModel | None:
    """The engine's model fitted on everyone; None when there is nobody to match."""
    if not len(population.mentees) or not len(population.mentors):
        return None
    return MatchModel(
        config=engine_config,
        skill_categories=population.skill_categories,
        random_state=RANDOM_STATE,
    ).fit(population.mentees, population.mentors)


# --- results -> rows -----------------------------------------------------------


@dataclass
class _ScoredRows:
    """Suggestions for some mentees, ready to be written, plus chunk figures."""

    mentee_ids: list[int]
    suggestions: list[Suggestion] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)


def _score_rows(
    *,
    model: MatchModel | None,
    population: Population,
    rows: np.ndarray,
    exclusions: Exclusions,
    run: MatchRun,
    prices: np.ndarray | None = None,
) -> _ScoredRows:
    """Top-k (exposure-balanced over ``rows``) with explanations, as unsaved rows."""
    mentees, mentors = population.mentees, population.mentors
    result = _ScoredRows(mentee_ids=mentees.ids[rows].tolist())
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
                categories=population.skill_categories,
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


def _write_suggestions(
    *, run: MatchRun, scored: _ScoredRows, skip_newer_than: datetime | None = None
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


# --- run snapshots (the fitted model of a run, shared by its chunk tasks) ------

_SNAPSHOT_CACHE: dict[int, tuple[MatchModel, Population]] = {}


def run_dir(run_id: int) -> Path:
    return Path(settings.VAR_DIR) / "runs" / str(run_id)


def _snapshot_save(run_id: int, model: MatchModel, population: Population) -> None:
    folder = run_dir(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"model.pkl.{os.getpid()}.tmp"
    with tmp.open("wb") as fh:
        pickle.dump((model, population), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, folder / "model.pkl")  # atomic: a reader never sees half a file
    _SNAPSHOT_CACHE.clear()
    _SNAPSHOT_CACHE[run_id] = (model, population)


def _snapshot_load(run: MatchRun) -> tuple[MatchModel, Population]:
    """The run's fitted model: this process's copy, the run folder, or a re-fit.

    The re-fit covers a worker on another machine (no shared ``VAR_DIR``) or a
    resumed run whose folder was cleaned: it uses the run's engine
    configuration and today's data, and caches the result locally.
    """
    cached = _SNAPSHOT_CACHE.get(run.pk)
    if cached is not None:
        return cached
    path = run_dir(run.pk) / "model.pkl"
    if path.exists():
        with path.open("rb") as fh:
            model, population = pickle.load(fh)  # noqa: S301 - written by _snapshot_save
    else:
        population = population_load()
        model = model_fit(population, EngineConfig.from_dict(run.parameters.get("engine")))
        _snapshot_save(run.pk, model, population)
        return model, population
    _SNAPSHOT_CACHE.clear()
    _SNAPSHOT_CACHE[run.pk] = (model, population)
    return model, population


def _snapshot_drop(run_id: int) -> None:
    _SNAPSHOT_CACHE.pop(run_id, None)
    shutil.rmtree(run_dir(run_id), ignore_errors=True)


# --- full runs -------------------------------------------------------------------


def _fail_stale_runs(now: datetime) -> None:
    """Fail full runs that stopped making progress (their worker is gone)."""
    for run in MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=ACTIVE_RUN_STATUSES):
        last_chunk = (
            run.chunks.filter(done_at__isnull=False)
            .order_by("-done_at")
            .values_list("done_at", flat=True)
        ).first()
        last = max(t for t in (run.created_at, run.started_at, last_chunk) if t is not None)
        if now - last > STALE_RUN_AFTER:
            match_run_fail(
                run_id=run.pk,
                error=(
                    f"Abandoned: no progress since {last:%Y-%m-%d %H:%M} UTC "
                    "(its worker probably stopped). A new run was started."
                ),
            )


def _active_full_run() -> MatchRun | None:
    return (
        MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status__in=ACTIVE_RUN_STATUSES)
        .order_by("created_at")
        .first()
    )


def _already_active_message(run: MatchRun | None) -> str:
    if run is None:
        return "A full scoring run is already queued or running; wait for it to finish."
    since = (run.started_at or run.created_at).astimezone(UTC)
    return (
        f"Full scoring run #{run.pk} is already {run.status} (since {since:%Y-%m-%d %H:%M} UTC, "
        f"{run.chunks_done}/{run.chunks_total} chunks); only one full run at a time."
    )


def match_run_start(
    *, triggered_by=None, chunk_size: int | None = None, enqueue: bool = True
) -> MatchRun:
    """Create a queued full run and queue its task on commit.

    Refuses with :class:`RunAlreadyActive` while another full run is queued or
    running (the ``one_active_full_run`` constraint is the backstop against
    two callers racing). ``enqueue=False`` leaves it to the caller (inline runs).
    """
    now = timezone.now()
    _fail_stale_runs(now)
    active = _active_full_run()
    if active is not None:
        raise RunAlreadyActive(_already_active_message(active))
    config = MatchingConfig.load()
    parameters = {
        "chunk_size": int(chunk_size or DEFAULT_CHUNK_SIZE),
        "engine": config.engine_config().to_dict(),
        "use_learned_weights": config.use_learned_weights and bool(config.learned_weights),
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
        raise RunAlreadyActive(_already_active_message(_active_full_run()))
    if enqueue:
        from matching.tasks import run_full_scoring

        transaction.on_commit(lambda: run_full_scoring.delay(run.pk))
    return run


def match_run_resume(*, run: MatchRun) -> MatchRun:
    """Queue a stopped full run again: chunks already written are skipped."""
    run.refresh_from_db()
    if run.kind != MatchRun.Kind.FULL or run.status not in ACTIVE_RUN_STATUSES:
        raise MatchingRunError(
            f"Run #{run.pk} is {run.status}; only an unfinished full run resumes."
        )
    from matching.tasks import run_full_scoring

    transaction.on_commit(lambda: run_full_scoring.delay(run.pk))
    return run


def match_run_fail(*, run_id: int, error: str) -> bool:
    """Mark an unfinished run failed with the reason; False if it had already ended."""
    updated = MatchRun.objects.filter(pk=run_id, status__in=ACTIVE_RUN_STATUSES).update(
        status=MatchRun.Status.FAILED, error=error[:5000], finished_at=timezone.now()
    )
    if updated:
        _snapshot_drop(run_id)
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
    if has_plan and (run_dir(run.pk) / "model.pkl").exists():
        model, population = _snapshot_load(run)
    else:
        started = time.perf_counter()
        population = population_load()
        model = model_fit(population, EngineConfig.from_dict(run.parameters.get("engine")))
        _snapshot_save(run.pk, model, population)
        fit_seconds = time.perf_counter() - started - population.seconds
        if not has_plan:
            size = int(run.parameters.get("chunk_size") or DEFAULT_CHUNK_SIZE)
            ids = sorted(population.mentees.ids.tolist())
            plan = [ids[i : i + size] for i in range(0, len(ids), size)]
            with transaction.atomic():
                MatchRunChunk.objects.bulk_create(
                    [
                        MatchRunChunk(run=run, index=i, mentee_ids=chunk)
                        for i, chunk in enumerate(plan)
                    ],
                    ignore_conflicts=True,
                )
                MatchRun.objects.filter(pk=run.pk, chunks_total=0).update(
                    chunks_total=len(plan),
                    mentees_count=len(population.mentees),
                    mentors_count=len(population.mentors),
                    figures={
                        "load_seconds": round(population.seconds, 3),
                        "fit_seconds": round(fit_seconds, 3),
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
    model, population = _snapshot_load(run)
    rows = population.mentee_rows(chunk.mentee_ids)
    exclusions = exclusions_load(mentee_ids=population.mentees.ids[rows].tolist())
    scored = _score_rows(
        model=model, population=population, rows=rows, exclusions=exclusions, run=run
    )
    with transaction.atomic():
        claimed = MatchRunChunk.objects.filter(pk=chunk.pk, done_at__isnull=True).update(
            done_at=timezone.now(),
            figures=scored.figures,
            worker=f"{socket.gethostname()}:{os.getpid()}",
        )
        if not claimed:
            return 0  # another delivery of this chunk got there first
        if not MatchRun.objects.filter(pk=run.pk, status=MatchRun.Status.RUNNING).exists():
            transaction.set_rollback(True)
            return 0
        written = _write_suggestions(run=run, scored=scored, skip_newer_than=run.started_at)
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


def _mentor_capacity_left() -> dict[int, int]:
    taken = active_long_term_counts()
    return {
        user_id: max(capacity - taken.get(user_id, 0), 0)
        for user_id, capacity in Profile.objects.filter(role__in=MENTOR_ROLES).values_list(
            "user_id", "capacity"
        )
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
    capacity = _mentor_capacity_left()
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
        _snapshot_drop(run.pk)
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


# --- incremental re-score ----------------------------------------------------------


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
        scored = _score_rows(
            model=model,
            population=population,
            rows=rows,
            exclusions=exclusions,
            run=run,
            prices=_latest_prices(population.mentors.ids),
        )
        gone = [t for t in targets if t not in set(scored.mentee_ids)]
        with transaction.atomic():
            written = _write_suggestions(run=run, scored=scored)
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
            parameters={"engine": engine_config.to_dict(), "mentee_ids": targets},
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


# --- whole-cohort assignment -----------------------------------------------------

COHORT_MODES = ("stable", "optimal")


def match_cohort_create(*, mode: str, triggered_by=None, enqueue: bool = False) -> MatchRun:
    """A queued cohort run; ``enqueue`` computes it in a worker (``cohort_preview`` task)."""
    if mode not in COHORT_MODES:
        raise CohortError(f"Unknown mode {mode!r}: choose stable or optimal.")
    run = MatchRun.objects.create(
        kind=MatchRun.Kind.COHORT,
        mode=mode,
        status=MatchRun.Status.QUEUED,
        triggered_by=triggered_by,
    )
    if enqueue:
        from matching.tasks import cohort_preview

        transaction.on_commit(lambda: cohort_preview.delay(run.pk))
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
    cands = model.candidates(exclusions=population.exclusions)
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
            categories=population.skill_categories,
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
            parameters={"engine": engine_config.to_dict(), "mode": run.mode},
            figures={
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
    pairs = list(run.suggestions.all())
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
    same_pair.filter(is_current=True).update(rank=F("rank") + 1)
    for s in publish:
        s.status = status_of.get((s.mentee_id, s.mentor_id), Suggestion.Status.OPEN)
        s.is_current = True
    Suggestion.objects.bulk_update(publish, ["status", "is_current"], batch_size=1000)
    run.status = MatchRun.Status.PUBLISHED
    run.figures = {**run.figures, "published": len(publish), "skipped": len(pairs) - len(publish)}
    run.save(update_fields=["status", "figures"])
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


# --- learning weights ----------------------------------------------------------------


def learning_outcomes() -> tuple[np.ndarray, np.ndarray]:
    """(components (n, 6), accepted (n,)) from what people did with suggestions.

    Accepted request -> 1; request declined by the mentor -> 0; suggestion
    declined by the mentee ("not for me") -> 0. Each suggestion counts once
    (a request's answer wins); pending, withdrawn and expired requests say
    nothing about the match and are left out.
    """
    outcome: dict[int, int] = {}
    components: dict[int, dict] = {}
    for sid, comp in Suggestion.objects.filter(status=Suggestion.Status.DECLINED).values_list(
        "id", "components"
    ):
        outcome[sid], components[sid] = 0, comp
    answered = MatchRequest.objects.filter(
        suggestion__isnull=False,
        status__in=[MatchRequest.Status.ACCEPTED, MatchRequest.Status.DECLINED],
    ).order_by("responded_at")
    for sid, status, comp in answered.values_list(
        "suggestion_id", "status", "suggestion__components"
    ):
        outcome[sid] = 1 if status == MatchRequest.Status.ACCEPTED else 0
        components[sid] = comp
    X, y = [], []
    for sid, label in outcome.items():
        comp = components[sid] or {}
        if all(name in comp for name in COMPONENTS):
            X.append([float(comp[name]) for name in COMPONENTS])
            y.append(label)
    return np.array(X, dtype=np.float64).reshape(-1, len(COMPONENTS)), np.array(y, dtype=int)


def matching_learn_weights():
    """Fit weights from outcomes and store them with held-out AUCs on the config.

    The admin then chooses (``MatchingConfig.use_learned_weights``). Raises
    :class:`LearningRefused` (nothing stored) when there are too few outcomes.
    Returns the engine's ``WeightLearningResult``.
    """
    config = MatchingConfig.load()
    X, y = learning_outcomes()
    minimum = max(int(config.min_outcomes_to_learn), 2)
    result = learn_weights(
        X,
        y,
        config.configured_weights,
        random_state=RANDOM_STATE,
        min_outcomes=minimum,
        min_per_class=max(2, min(15, minimum // 4)),
    )
    if not result.ok:
        raise LearningRefused(f"Weights not learned: {result.reason}.")
    MatchingConfig.objects.filter(pk=config.pk).update(
        learned_weights=result.weights,
        learned_auc=result.auc_learned,
        configured_auc=result.auc_configured,
        learned_outcomes=result.n_outcomes,
        learned_at=timezone.now(),
    )
    return result
