"""The skill-relatedness model on the Django side: fit from rows, store, load.

The maths is :class:`matching.engine.relatedness.SkillRelatedness`. This module

* gathers its training data at fit time: the O*NET occupations' tool lists
  from the files the project ships (``profiles/data/``, read now, never a
  copy frozen into code), the members' own skill lists (what one person
  offers, what one person wants: skills the same people list together) and
  the taxonomy's categories (``Skill.category``);
* stores each fit as a new :class:`~matching.models.SkillVectorSet` version
  (plain arrays in an ``.npz``, no pickle), keeping the last
  ``KEEP_VERSIONS`` and any version an unfinished run still needs;
* loads a version in any process (web, every worker), cached per process by
  version number, so a worker picks up a refit at its next run without a
  restart.

Runs record the version they use (``MatchRun.parameters["skill_model_version"]``,
set when the run starts), so a refit changes suggestions only from the next
run on; a chunk task of a run started before the refit keeps the old version.
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections import defaultdict
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Max

from matching.engine import EngineConfig
from matching.engine.model import RELATED
from matching.engine.relatedness import ARRAY_NAMES, SkillRelatedness
from matching.models import MatchRun, MatchRunModel, SkillVectorSet
from profiles.models import ProfileSkill, Skill
from profiles.reference_data import onet_occupations, onet_tools

logger = logging.getLogger(__name__)

DEFAULT_COMPONENTS = 128
RANDOM_STATE = 0
#: Versions kept in the table (older ones are deleted unless a run still needs them).
KEEP_VERSIONS = 3
#: Sentinel for "the newest stored version" (``None`` means "no skill model").
CURRENT = "current"

_CACHE: dict[int, SkillRelatedness] = {}
_CACHE_LOCK = threading.Lock()


# --- training data -------------------------------------------------------------


def skill_documents_load(
    *, include_profiles: bool = True
) -> tuple[list[list[str]], list[str | None], dict, dict, dict]:
    """(documents, texts, categories, aliases, counts) the model is fitted on, read now.

    Documents: one tool list per O*NET occupation (from the shipped files),
    with its title and description as its text (so goal texts can be placed),
    then, with ``include_profiles``, one list per active member and direction
    (offered, wanted) holding at least two skills (no text). Categories: the
    O*NET commodity titles, overridden by the taxonomy's current ``Skill.category``.
    Aliases: the taxonomy's ``Skill.aliases`` (a tag typed as one takes its skill's vector).
    """
    occupations: dict[str, list[str]] = defaultdict(list)
    categories: dict[str, str] = {}
    for row in onet_tools():
        occupations[row.soc_code].append(row.tool)
        if row.category:
            categories.setdefault(row.tool, row.category)
    aliases: dict[str, str] = {}
    for name, category, alias_text in Skill.objects.values_list("name", "category", "aliases"):
        if category:
            categories[name] = category
        for alias in alias_text.split(";"):
            if alias.strip():
                aliases.setdefault(alias.strip(), name)
    described = {o.soc_code: f"{o.title}. {o.description}" for o in onet_occupations()}
    codes = sorted(occupations)
    documents = [occupations[code] for code in codes]
    texts: list[str | None] = [described.get(code) for code in codes]
    counts = {"occupations": len(documents), "profile_lists": 0}
    if include_profiles:
        lists: dict[tuple[int, str], list[str]] = defaultdict(list)
        rows = (
            ProfileSkill.objects.filter(profile__user__is_active=True)
            .order_by("profile_id", "direction", "skill__name")
            .values_list("profile_id", "direction", "skill__name")
        )
        for profile_id, direction, name in rows.iterator(chunk_size=5000):
            lists[(profile_id, direction)].append(name)
        people = [names for _, names in sorted(lists.items()) if len(names) >= 2]
        documents.extend(people)
        texts.extend([None] * len(people))
        counts["profile_lists"] = len(people)
    return documents, texts, categories, aliases, counts


# --- storing -----------------------------------------------------------------------


def _to_bytes(model: SkillRelatedness) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **model.to_arrays())
    return buffer.getvalue()


def _from_bytes(data: bytes | memoryview) -> SkillRelatedness:
    with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as archive:
        arrays = {name: archive[name] for name in archive.files if name in ARRAY_NAMES}
    return SkillRelatedness.from_arrays(arrays)


def _versions_in_use() -> set[int]:
    """Versions recorded by runs that are not finished yet, and by stored run models.

    A stored run model (``MatchRunModel``: a run's chunks, the warm base of
    re-scores) attaches its version when read back, so it must stay readable.
    """
    used = set(
        MatchRunModel.objects.exclude(skill_model_version=None)
        .values_list("skill_model_version", flat=True)
        .distinct()
    )
    for params in MatchRun.objects.filter(
        status__in=[MatchRun.Status.QUEUED, MatchRun.Status.RUNNING]
    ).values_list("parameters", flat=True):
        version = (params or {}).get("skill_model_version")
        if isinstance(version, int):
            used.add(version)
    return used


def skill_model_fit(
    *,
    n_components: int = DEFAULT_COMPONENTS,
    random_state: int = RANDOM_STATE,
    include_profiles: bool = True,
) -> SkillVectorSet:
    """Fit the model on today's data and store it as the next version.

    Returns the new :class:`SkillVectorSet`. Old versions beyond
    ``KEEP_VERSIONS`` are deleted, except those an unfinished run recorded.
    Suggestions do not change until the next scoring run.
    """
    started = time.perf_counter()
    documents, texts, categories, aliases, counts = skill_documents_load(
        include_profiles=include_profiles
    )
    model = SkillRelatedness(n_components=n_components, random_state=random_state).fit(
        documents, categories=categories, texts=texts, aliases=aliases
    )
    fit_seconds = time.perf_counter() - started
    data = _to_bytes(model)
    figures = {
        **counts,
        "fit_seconds": round(fit_seconds, 3),
        "explained_variance_ratio": round(model.explained_variance_ratio_, 4),
        "categories": len(model.category_vectors_),
        "words": len(model.words_),
        "aliases": len(model.aliases_),
        "bytes": len(data),
        "n_components": n_components,
        "random_state": random_state,
        "source": "O*NET technology skills (profiles/data) + members' skill lists",
    }
    for _ in range(3):
        try:
            return _store(model, data, figures, n_documents=len(documents))
        except IntegrityError:  # another fit took the same version number: take the next
            continue
    raise RuntimeError("could not allocate a skill model version")


@transaction.atomic
def _store(model: SkillRelatedness, data: bytes, figures: dict, *, n_documents: int):
    version = (SkillVectorSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    row = SkillVectorSet(
        version=version,
        dims=model.n_dims_,
        skills_count=len(model.vocabulary_),
        documents_count=n_documents,
        data=data,
        figures=figures,
    )
    row.full_clean(validate_unique=False)  # the unique version is the database's to check
    row.save()
    keep = set(
        SkillVectorSet.objects.order_by("-version").values_list("version", flat=True)[
            :KEEP_VERSIONS
        ]
    )
    keep |= _versions_in_use()
    SkillVectorSet.objects.exclude(version__in=keep).delete()
    logger.info("skill model v%s stored: %s", version, figures)
    return row


# --- loading ---------------------------------------------------------------------


def skill_model_current_version() -> int | None:
    """The newest stored version, or None when the model was never fitted."""
    return SkillVectorSet.objects.aggregate(v=Max("version"))["v"]


def skill_model_load(*, version: int | str | None = CURRENT) -> SkillRelatedness | None:
    """The fitted model of ``version`` (default: the newest), or None.

    None when ``version`` is None (a run that started without a model), when
    nothing was fitted yet, or when the version was deleted. Each process
    caches the versions it loaded; the returned model has ``version_`` set.
    """
    if version == CURRENT:
        version = skill_model_current_version()
    if version is None:
        return None
    version = int(version)
    with _CACHE_LOCK:
        cached = _CACHE.get(version)
    if cached is not None:
        return cached
    data = SkillVectorSet.objects.filter(version=version).values_list("data", flat=True).first()
    if data is None:
        logger.warning("skill model v%s is not stored (deleted?); scoring without it", version)
        return None
    model = _from_bytes(data)
    model.version_ = version
    with _CACHE_LOCK:
        if len(_CACHE) >= 2:  # the current version and the one before are enough
            _CACHE.pop(min(_CACHE))
        _CACHE[version] = model
    return model


def skill_model_version_wanted(engine: dict | None) -> int | None:
    """The version a model fitted now with this engine configuration would score with."""
    if EngineConfig.from_dict(engine or {}).weight_vector()[RELATED] <= 0:
        return None
    return skill_model_current_version()


def skill_model_version_of(match_model: Any) -> int | None:
    """The skill model version a fitted ``MatchModel`` scores with (None: none)."""
    relatedness = getattr(match_model, "skill_model_", None)
    return getattr(relatedness, "version_", None)


def skill_model_for_run(run: MatchRun) -> SkillRelatedness | None:
    """The version the run recorded when it started (runs before this feature: none)."""
    return skill_model_load(version=(run.parameters or {}).get("skill_model_version"))
