"""A full run's fitted model and population, shared by its chunk tasks."""

from __future__ import annotations

import os
import pickle  # only our own run snapshots are unpickled (see snapshot_load)  # nosec B403
import shutil
from pathlib import Path

from django.conf import settings

from matching.engine import (
    EngineConfig,
    MatchModel,
)
from matching.models import (
    MatchRun,
)

from .population import Population, model_fit, population_load

_SNAPSHOT_CACHE: dict[int, tuple[MatchModel, Population]] = {}


def run_dir(run_id: int) -> Path:
    return Path(settings.VAR_DIR) / "runs" / str(run_id)


def snapshot_save(run_id: int, model: MatchModel, population: Population) -> None:
    folder = run_dir(run_id)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f"model.pkl.{os.getpid()}.tmp"
    with tmp.open("wb") as fh:
        pickle.dump((model, population), fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, folder / "model.pkl")  # atomic: a reader never sees half a file
    _SNAPSHOT_CACHE.clear()
    _SNAPSHOT_CACHE[run_id] = (model, population)


def snapshot_load(run: MatchRun) -> tuple[MatchModel, Population]:
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
            model, population = pickle.load(fh)  # noqa: S301 # our own file, written by snapshot_save  # nosec B301
    else:
        population = population_load()
        model = model_fit(
            population,
            EngineConfig.from_dict(run.parameters.get("engine")),
            run.parameters.get("skill_model_version"),  # the run's skill model version
        )
        snapshot_save(run.pk, model, population)
        return model, population
    _SNAPSHOT_CACHE.clear()
    _SNAPSHOT_CACHE[run.pk] = (model, population)
    return model, population


def snapshot_drop(run_id: int) -> None:
    _SNAPSHOT_CACHE.pop(run_id, None)
    shutil.rmtree(run_dir(run_id), ignore_errors=True)
