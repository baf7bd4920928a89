"""The warm model of incremental re-scores: the latest run's model, kept in memory and patched.

A worker process keeps the fitted model and the population arrays of the
latest stored model (``MatchRunModel`` of the latest successful run, usually
the nightly full run) in memory. Before each re-score it brings them up to
date by re-reading only the people who changed since (the subjects of the
incremental runs created after what it has seen: one small query), so every
worker converges on the same data whatever it re-scored itself.

It is re-fitted (everyone loaded, the model fitted and stored as the new
base) when the engine configuration changed, when a new skill-relatedness
model version was fitted, when a changed person uses a
skill the model's vocabulary does not know, or after more changed people
than ``max_changes`` allows (the IDF weights drift).
Words of goal texts the vocabulary does not know are ignored until then.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from django.conf import settings
from django.db import connection

from matching.engine import EngineConfig, MatchModel, Mentors
from matching.engine.update import model_update
from matching.errors import MatchingRunError
from matching.models import MatchRun, MatchRunModel, Suggestion
from safety import selectors as safety_selectors

from . import skill_model
from .population import Population, mentor_facts_load, model_fit, population_load
from .snapshots import DERIVED, heap_settle, model_from_bytes, snapshot_drop, snapshot_save

logger = logging.getLogger(__name__)


def max_changes(people: int = 0) -> int:
    """Changed people a warm model of ``people`` takes before a re-fit is wanted:
    ``MATCHING_WARM_MAX_CHANGES`` (1,000), or ``MATCHING_WARM_MAX_CHANGES_SHARE`` (5 %)
    of the population when that is more. The drift of a thousand changed people
    in a 120,000-person model is a tenth of what it is in a 12,000-person one; a
    fixed count made every 1,000-person import at that size re-score twice (the
    import on the warm model, then a re-fit costing a full run's prepare step)."""
    floor = int(getattr(settings, "MATCHING_WARM_MAX_CHANGES", 1000))
    share = float(getattr(settings, "MATCHING_WARM_MAX_CHANGES_SHARE", 0.05))
    return max(floor, int(share * people))


@dataclass
class Warm:
    """A fitted model with its population, the latest full run's prices and list thresholds."""

    base_run_id: int
    fingerprint: str
    engine: dict
    model: MatchModel | None
    seen_run_id: int
    prices_run_id: int | None = None
    prices: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    changes: int = 0
    mentee_live: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    #: per mentee row: suspended now (safety), so never given suggestions
    mentee_hidden: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))
    #: per mentee row: lowest ``score - price`` in their current list, and its length
    threshold: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    length: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    seconds: float = 0.0
    refitted: bool = False
    #: seconds per step of the latest ``warm_get`` (for a run's figures)
    phases: dict = field(default_factory=dict)

    @property
    def population(self) -> Population:
        from matching.engine import Exclusions

        m = self.model
        return Population(
            mentees=m.mentees_,
            mentors=m.mentors_,
            exclusions=Exclusions(set()),
            skill_categories=dict(m.skill_categories or {}),
            loaded_at=None,  # type: ignore[arg-type]
        )

    def mentee_row(self, user_id: int) -> int | None:
        return self._index(self.model.mentees_.ids, user_id)

    def mentor_row(self, user_id: int) -> int | None:
        return self._index(self.model.mentors_.ids, user_id)

    @staticmethod
    def _index(ids: np.ndarray, user_id: int) -> int | None:
        hit = np.flatnonzero(ids == user_id)
        return int(hit[-1]) if len(hit) else None


_WARM: Warm | None = None


def warm_forget() -> None:
    """Drop this process's warm model (tests; a fresh worker has none)."""
    global _WARM
    _WARM = None


def _latest_base() -> dict | None:
    return (
        MatchRunModel.objects.filter(run__status=MatchRun.Status.SUCCEEDED)
        .exclude(size=0)
        .order_by("-run_id")
        .values("run_id", "fingerprint", "engine", "skill_model_version")
        .first()
    )


def _latest_prices() -> tuple[int | None, dict]:
    latest = (
        MatchRun.objects.filter(kind=MatchRun.Kind.FULL, status=MatchRun.Status.SUCCEEDED)
        .order_by("-finished_at")
        .values_list("pk", "figures")
        .first()
    )
    if not latest:
        return None, {}
    return latest[0], (latest[1] or {}).get("exposure_prices") or {}


def _set_prices(warm: Warm) -> None:
    run_id, stored = _latest_prices()
    warm.prices_run_id = run_id
    ids = warm.model.mentors_.ids.tolist()
    warm.prices = np.array([float(stored.get(str(m), 0.0)) for m in ids], dtype=np.float32)


def _thresholds(warm: Warm, mentee_ids: list[int] | None = None) -> None:
    """Each mentee's lowest ``score - price`` in their current list and its length (from rows)."""
    model = warm.model
    n = len(model.mentees_)
    if mentee_ids is None:
        warm.threshold = np.full(n, np.inf, np.float32)
        warm.length = np.zeros(n, np.int64)
    else:
        grow = n - len(warm.threshold)
        if grow > 0:
            warm.threshold = np.concatenate([warm.threshold, np.full(grow, np.inf, np.float32)])
            warm.length = np.concatenate([warm.length, np.zeros(grow, np.int64)])
    row_of = {int(u): i for i, u in enumerate(model.mentees_.ids.tolist())}
    price_of = dict(zip(model.mentors_.ids.tolist(), warm.prices.tolist(), strict=False))
    table = connection.ops.quote_name(Suggestion._meta.db_table)
    sql = f"SELECT mentee_id, mentor_id, score FROM {table} WHERE is_current"  # noqa: S608  # nosec B608 - quoted table name
    params: list = []
    if mentee_ids is not None:
        if not mentee_ids:
            return
        rows = [row_of[m] for m in mentee_ids if m in row_of]
        warm.threshold[rows] = np.inf
        warm.length[rows] = 0
        sql += f" AND mentee_id IN ({', '.join(['%s'] * len(mentee_ids))})"
        params = list(mentee_ids)
    with connection.cursor() as cur:
        cur.execute(sql, params)
        thr, length = warm.threshold, warm.length
        for mentee_id, mentor_id, score in cur.fetchall():
            i = row_of.get(mentee_id)
            if i is None:
                continue
            adjusted = score - price_of.get(mentor_id, 0.0)
            if adjusted < thr[i]:
                thr[i] = adjusted
            length[i] += 1


def _from_base(base: dict) -> Warm:
    snapshot_drop(base["run_id"])  # the finished run's chunk copy is not needed any more
    data = MatchRunModel.objects.filter(run_id=base["run_id"]).values_list("data", flat=True).get()
    model, _ = model_from_bytes(data)
    model._side_for(None)  # the mentees' transformed side, once per process
    model._blocks(model._mentee_side)
    warm = Warm(
        base_run_id=base["run_id"],
        fingerprint=base["fingerprint"],
        engine=base["engine"],
        model=model,
        seen_run_id=base["run_id"],
        mentee_live=np.ones(len(model.mentees_), bool),
    )
    _set_prices(warm)
    _thresholds(warm)
    heap_settle(warm.model)
    return warm


def _refit(run: MatchRun, engine: dict) -> Warm:
    """Everyone loaded, the model fitted and stored as this run's (the new base).

    With the newest skill model, as a full run starting now would use.
    """
    population = population_load()
    version = skill_model.skill_model_current_version()
    model = model_fit(population, EngineConfig.from_dict(engine), version)
    run.parameters = {**run.parameters, "engine": engine, "skill_model_version": version}
    snap = snapshot_save(run=run, model=model, population=population)
    if model is None:
        return Warm(base_run_id=run.pk, fingerprint="", engine=engine, model=None, seen_run_id=0)
    model._side_for(None)
    model._blocks(model._mentee_side)
    warm = Warm(
        base_run_id=run.pk,
        fingerprint=snap.fingerprint,
        engine=engine,
        model=model,
        seen_run_id=run.pk,
        mentee_live=np.ones(len(model.mentees_), bool),
        refitted=True,
    )
    _set_prices(warm)
    _thresholds(warm)
    heap_settle(warm.model)
    return warm


def _changed_since(seen_run_id: int) -> tuple[int, list[int]]:
    """(highest run id, user ids) of the people changed by incremental runs after ``seen_run_id``."""
    top, ids = seen_run_id, set()
    for pk, subject_id, parameters in MatchRun.objects.filter(
        kind=MatchRun.Kind.INCREMENTAL, pk__gt=seen_run_id
    ).values_list("pk", "subject_id", "parameters"):
        top = max(top, pk)
        if subject_id:
            ids.add(subject_id)
        ids.update((parameters or {}).get("changed_ids") or [])
    return top, sorted(ids)


def _patch(warm: Warm, user_ids: list[int], people: Population) -> list[int]:
    """Put the re-read ``people`` into the warm model; returns mentees no longer matchable."""
    model = warm.model
    model_update(model, mentees=people.mentees, mentors=people.mentors)
    n = len(model.mentees_)
    if len(warm.mentee_live) < n:
        warm.mentee_live = np.concatenate(
            [warm.mentee_live, np.ones(n - len(warm.mentee_live), bool)]
        )
    if len(warm.threshold) < n:
        grow = n - len(warm.threshold)
        warm.threshold = np.concatenate([warm.threshold, np.full(grow, np.inf, np.float32)])
        warm.length = np.concatenate([warm.length, np.zeros(grow, np.int64)])
    m = len(model.mentors_)
    if len(warm.prices) < m:
        warm.prices = np.concatenate([warm.prices, np.zeros(m - len(warm.prices), np.float32)])
    as_mentee = set(people.mentees.ids.tolist())
    as_mentor = set(people.mentors.ids.tolist())
    gone = []
    for uid in user_ids:
        row = warm.mentee_row(uid)
        if row is not None:
            warm.mentee_live[row] = uid in as_mentee
        if uid not in as_mentee:
            gone.append(uid)
        col = warm.mentor_row(uid)
        if col is not None and uid not in as_mentor:
            # no longer a mentor (role, deactivated): never suggested again
            dead: Mentors = model.mentors_.subset([col])
            dead.accepting[:] = False
            dead.capacity_left[:] = 0
            model_update(model, mentors=dead)
    warm.changes += len(user_ids)
    return gone


@dataclass
class WarmResult:
    warm: Warm
    gone: list[int]
    #: why the warm model should be re-fitted soon ("" = it need not): the
    #: re-score went ahead on the warm model; the caller queues the re-fit
    refit_wanted: str = ""


def _unknown_skill_people(model: MatchModel, people: Population) -> list[int]:
    vocab = model.skill_vocabulary_
    out = []
    for group in (people.mentees, people.mentors):
        for uid, d in zip(group.ids.tolist(), group.skills, strict=True):
            if any(name not in vocab for name in d):
                out.append(uid)
    return sorted(set(out))


def warm_get(
    *, run: MatchRun, engine: dict, changed_ids: list[int], refit: bool = False
) -> WarmResult:
    """The warm model brought up to date (including ``changed_ids``).

    Re-fitted here when there is no stored model, when the engine
    configuration changed, or with ``refit``. A skill the vocabulary does not
    know, or more changes than ``max_changes`` allows, do not hold the
    re-score up: it goes ahead on the warm model and ``refit_wanted`` says
    why a re-fit should follow (``rescore_users(..., refit=True)``).
    ``gone``: the changed people who are not (or no longer) matchable mentees.
    """
    global _WARM
    started = time.perf_counter()
    phases: dict[str, float] = {}
    lap = [started]

    def mark(step: str) -> None:
        now = time.perf_counter()
        phases[step] = round(phases.get(step, 0.0) + now - lap[0], 3)
        lap[0] = now

    base = _latest_base()
    refit = (
        refit
        or base is None
        or base["engine"] != engine
        # a new skill model version: a full run now would score with it
        or base["skill_model_version"] != skill_model.skill_model_version_wanted(engine)
    )
    warm = _WARM
    if not refit and (
        warm is None
        or warm.base_run_id != base["run_id"]
        or warm.fingerprint != base["fingerprint"]
    ):
        try:
            warm = _from_base(base)
        except MatchingRunError:  # its skill model version is gone: fit a new base
            refit = True
        mark("from_base")
    gone: list[int] = []
    wanted = ""
    if not refit:
        top, ids = _changed_since(warm.seen_run_id)
        ids = sorted(set(ids) | set(changed_ids))
        people = population_load(mentee_ids=ids, mentor_ids=ids)
        mark("changed_load")
        if _unknown_skill_people(warm.model, people):
            wanted = "a skill the model's vocabulary does not know"
        elif warm.changes + len(ids) > (
            limit := max_changes(len(warm.model.mentees_) + len(warm.model.mentors_))
        ):
            wanted = f"more than {limit} people changed since the model was fitted"
        touched = _touched_since(warm.seen_run_id)
        gone = [u for u in _patch(warm, ids, people) if u in set(changed_ids)]
        mark("patch")
        warm.seen_run_id = top
        prices_run, _ = _latest_prices()
        if prices_run != warm.prices_run_id:
            _set_prices(warm)
            _thresholds(warm)
        elif touched:
            _thresholds(warm, touched)
        mark("thresholds")
        _refresh_facts(warm)
        mark("facts")
    if refit:
        logger.info("re-fitting the warm model for run #%s", run.pk)
        warm = _refit(run, engine)
        as_mentee = set(warm.model.mentees_.ids.tolist()) if warm.model is not None else set()
        gone = [u for u in changed_ids if u not in as_mentee]
        if warm.model is not None:
            _refresh_facts(warm)
        mark("refit")
    warm.seconds = time.perf_counter() - started
    warm.phases = phases
    _WARM = warm
    return WarmResult(warm=warm, gone=gone, refit_wanted=wanted)


def _refresh_facts(warm: Warm) -> None:
    """Today's mentor-only facts and safety's filters on the warm model, as a full run reads them.

    What changes without a profile change of the person (places taken by a
    new mentorship, request and session counts: responsiveness and
    reliability; a suspension or a mentor held for review) is re-read for
    every mentor on each re-score: a few grouped queries, no re-fit. The
    mentor tables are rebuilt only when something differs.
    """
    model = warm.model
    mentors = model.mentors_
    facts = mentor_facts_load(mentor_ids=mentors.ids.tolist())
    changed = False
    for name, values in facts.items():
        if not np.array_equal(getattr(mentors, name), values):
            setattr(mentors, name, values)
            changed = True
    if changed:
        model._prepare_mentor_tables(keep_columns=True)
    hidden = safety_selectors.users_not_suggestable_ids(as_mentor=False)
    warm.mentee_hidden = np.isin(model.mentees_.ids, np.fromiter(hidden, np.int64, len(hidden)))


def _touched_since(seen_run_id: int) -> list[int]:
    """Mentees whose lists other re-scores rewrote after ``seen_run_id``."""
    ids: set[int] = set()
    for parameters in MatchRun.objects.filter(
        kind=MatchRun.Kind.INCREMENTAL, pk__gt=seen_run_id, status=MatchRun.Status.SUCCEEDED
    ).values_list("parameters", flat=True):
        ids.update((parameters or {}).get("mentee_ids") or [])
    return sorted(ids)


__all__ = ["DERIVED", "Warm", "WarmResult", "warm_forget", "warm_get"]
