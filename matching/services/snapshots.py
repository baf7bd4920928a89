"""A run's fitted model in the database (``MatchRunModel``), shared by every worker.

The task that fits a run's model stores it once; every chunk task of the run,
on any machine, reads the same bytes, so all chunks are scored by one model
(``fingerprint`` is recorded on each chunk). The bytes are
:mod:`matching.engine.persist` (arrays + JSON, no pickle). A process keeps the
model it read last, so a worker that scores several chunks of a run reads it
once.

The skill-relatedness model (issue 15) is not copied into the bytes: its
version is (``MatchRunModel.skill_model_version``, and in the stored meta, so
the fingerprint covers it), and reading the model back attaches exactly that
version from ``SkillVectorSet`` (immutable rows; a version a stored run model
uses is never deleted, see ``skill_model._versions_in_use``). A chunk whose
version cannot be read fails instead of scoring with another one.
"""

from __future__ import annotations

import gc
import logging
import time
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from matching.engine import EngineConfig, Exclusions, MatchModel
from matching.engine.persist import fingerprint, state_dump, state_load
from matching.errors import MatchingRunError
from matching.models import MatchRun, MatchRunModel

from . import skill_model
from .population import Population, model_fit, population_load

#: The skill-relatedness model: stored by version (``SkillVectorSet``), not in the bytes.
SKILL_MODEL_ATTRS = frozenset({"skill_model", "skill_model_"})

#: Attributes of the model not stored: the mentees' transformed side (big;
#: recomputed from the stored mentee arrays when first needed) and the mentor
#: tables (rebuilt from the mentor side on load, :func:`model_from_bytes`).
DERIVED = frozenset(
    {
        "_mentee_side",
        "_local",
        "_skills_block_T",
        "_skills_rest_T",
        "_goals_block_T",
        "_goals_rest_T",
        "_hours_T",
        "_language_incidence",
        "_language_index",
        "_language_unknown",
        "_bias",
        "_eligible",
        "_responsiveness",
        "_mentor_ids_sorted",
        "_mentor_order",
        "_category_projection_",
        # the chunk loop's columns of suggestible mentors (``MatchModel._chunk_tables``)
        "_related_T",
        "_cols",
        "_col_of",
        *(
            f"_c_{name}"
            for name in (
                "skills_block_T",
                "skills_rest_T",
                "goals_block_T",
                "goals_rest_T",
                "related_T",
                "hours_T",
                "hours_known",
                "years",
                "industry",
                "group",
                "format_bits",
                "bias",
                "responsiveness",
            )
        ),
    }
)


def model_to_bytes(model: MatchModel, meta: dict) -> bytes:
    """``model`` as stored bytes; ``meta`` gets the skill model version it scores with."""
    meta = {**meta, "skill_model_version": skill_model.skill_model_version_of(model)}
    return state_dump(model, skip=DERIVED | SKILL_MODEL_ATTRS, meta=meta)


def model_from_bytes(data) -> tuple[MatchModel, dict]:
    """A stored model (``persist``), its skill model attached, its mentor tables rebuilt.

    Returns (model, meta). Raises :class:`MatchingRunError` when the model
    scored with a skill model version that can no longer be read.
    """
    model, meta = state_load(data)
    version = meta.get("skill_model_version")
    relatedness = None
    if version is not None:
        relatedness = skill_model.skill_model_load(version=version)
        if relatedness is None:
            raise MatchingRunError(
                f"The stored model scores with skill model v{version}, which is gone."
            )
    model.skill_model = model.skill_model_ = relatedness
    model._prepare_mentor_tables(keep_columns=True)
    return model, meta


@dataclass
class Snapshot:
    """A stored model read back: the model, the population arrays it was fitted on."""

    run_id: int
    fingerprint: str
    model: MatchModel | None
    population: Population
    engine: dict
    seconds: float = 0.0  # storing or reading it
    fit_seconds: float = 0.0
    skill_model_version: int | None = None


logger = logging.getLogger(__name__)

_CACHE: dict[int, Snapshot] = {}


def _population_of(model: MatchModel | None, loaded_at: datetime, categories) -> Population:
    from matching.engine import Mentees, Mentors

    if model is None:
        empty = Mentees.from_records([])
        return Population(
            mentees=empty,
            mentors=Mentors.from_records([]),
            exclusions=Exclusions(set()),
            skill_categories=dict(categories or {}),
            loaded_at=loaded_at,
        )
    return Population(
        mentees=model.mentees_,
        mentors=model.mentors_,
        exclusions=Exclusions(set()),
        skill_categories=dict(model.skill_categories or {}),
        loaded_at=loaded_at,
    )


def snapshot_save(*, run: MatchRun, model: MatchModel | None, population: Population) -> Snapshot:
    """Store ``model`` as the run's model (once: a second call keeps the first)."""
    engine = run.parameters.get("engine") or {}
    meta = {"loaded_at": population.loaded_at.isoformat(), "run_id": run.pk}
    data = model_to_bytes(model, meta) if model is not None else b""
    version = skill_model.skill_model_version_of(model)
    stored, _ = MatchRunModel.objects.get_or_create(
        run=run,
        defaults={
            "fingerprint": fingerprint(data),
            "engine": engine,
            "skill_model_version": version,
            "data": data,
            "size": len(data),
        },
    )
    if stored.fingerprint != fingerprint(data):
        # another delivery stored first: use theirs, so every chunk shares it
        _CACHE.pop(run.pk, None)
        return snapshot_load(run)
    snap = Snapshot(
        run_id=run.pk,
        fingerprint=stored.fingerprint,
        model=model,
        population=population,
        engine=engine,
        skill_model_version=version,
    )
    _CACHE.clear()
    _CACHE[run.pk] = snap
    return snap


def snapshot_load(run: MatchRun) -> Snapshot:
    """The run's stored model: this process's copy, else read from the database.

    Raises :class:`MatchingRunError` when the run has no stored model (it was
    never prepared, or pruned).
    """
    cached = _CACHE.get(run.pk)
    if cached is not None:
        return cached
    started = time.perf_counter()
    row = (
        MatchRunModel.objects.filter(run_id=run.pk)
        .values("fingerprint", "engine", "skill_model_version", "data")
        .first()
    )
    if row is None:
        raise MatchingRunError(f"Run #{run.pk} has no stored model; prepare it again.")
    data = row["data"]
    if len(data):
        model, meta = model_from_bytes(data)
        loaded_at = datetime.fromisoformat(meta["loaded_at"])
    else:
        model, loaded_at = None, timezone.now()
    snap = Snapshot(
        run_id=run.pk,
        fingerprint=row["fingerprint"],
        model=model,
        population=_population_of(model, loaded_at, None),
        engine=row["engine"],
        seconds=time.perf_counter() - started,
        skill_model_version=row["skill_model_version"],
    )
    _CACHE.clear()
    _CACHE[run.pk] = snap
    heap_settle(model)
    return snap


#: Below this many people a model's objects are too few for :func:`heap_settle` to pay.
HEAP_SETTLE_PEOPLE = 20_000


def heap_settle(model: MatchModel | None) -> bool:
    """Leave the objects of a model this process just loaded out of the cyclic GC's scans.

    A model at 100,000 x 20,000 holds millions of small Python objects (skill
    dicts, sets, strings); each full collection that a chunk's 50,000 new rows
    trigger would walk them all again (about a fifth of building a chunk's
    explanations, measured). Freezing moves what is alive now to the permanent
    generation. The previous freeze is released first, so a model the process
    dropped is collected here (its objects hold no reference cycles anyway:
    reference counting frees them). Returns whether it froze.
    """
    if model is None or len(model.mentees_) + len(model.mentors_) < HEAP_SETTLE_PEOPLE:
        return False
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True


def snapshot_fit(*, run: MatchRun) -> Snapshot:
    """Load the population, fit the run's model once (with the skill model version the
    run recorded when it started) and store it."""
    started = time.perf_counter()
    population = population_load()
    model = model_fit(
        population,
        EngineConfig.from_dict(run.parameters.get("engine")),
        run.parameters.get("skill_model_version"),  # the run's skill model version
    )
    fitted = time.perf_counter()
    snap = snapshot_save(run=run, model=model, population=population)
    snap.seconds = time.perf_counter() - fitted
    logger.info("run #%s: model fitted and stored in %.1f s", run.pk, snap.seconds)
    snap.population.seconds = population.seconds
    snap.fit_seconds = fitted - started - population.seconds
    heap_settle(model)
    return snap


def snapshot_drop(run_id: int) -> None:
    """Forget this process's copy (the row stays: the latest run's model is the warm base)."""
    _CACHE.pop(run_id, None)


def snapshot_cache_clear() -> None:
    """Forget every cached model (as a fresh worker process would)."""
    _CACHE.clear()
