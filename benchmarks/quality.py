"""Recall of the right mentor on O*NET instances (used by quality_onet and its test)."""

from __future__ import annotations

import numpy as np

from matching.engine import EngineConfig, MatchModel
from matching.engine.relatedness import SkillRelatedness

from .onet_data import heldout_instance, quality_instance

PLAIN_TFIDF = {"skill_category_weight": 0.0, "skill_lsa_weight": 0.0}


def recall_at_k(
    disjoint: bool,
    settings: dict | None = None,
    seed: int = 0,
    n_occupations: int | None = None,
    k: int = 10,
    use_taxonomy: bool = False,
) -> dict:
    """Share of mentees whose same-occupation mentor is in their top k.

    Mentee i and mentor i come from the same occupation; random ranking gives k / N.
    """
    mentees, mentors, categories, taxonomy = quality_instance(
        disjoint, seed=seed, n_occupations=n_occupations
    )
    cfg = EngineConfig.from_dict(
        {"k": k, "candidate_width": k, "exposure_strength": 0.0, **(settings or {})}
    )
    model = MatchModel(config=cfg, skill_categories=categories, random_state=seed)
    model.fit(mentees, mentors, skill_documents=taxonomy if use_taxonomy else None)
    top = model.score_topk(balance=False)
    n = len(mentees)
    hit = (top.mentor_index == np.arange(n)[:, None]).any(axis=1)
    return {"recall": float(hit.mean()), "random": k / n, "n": n}


_FITS: dict = {}


def _fitted(inst, seed: int, params: tuple) -> SkillRelatedness:
    """One fit per cohort (the fit data depend on the cohort only, not on the samples)."""
    key = (seed, inst.removed_occupations, len(inst.documents), params)
    if key not in _FITS:
        _FITS.clear()
        _FITS[key] = SkillRelatedness(random_state=seed, **dict(params)).fit(
            inst.documents, categories=inst.categories, texts=inst.texts
        )
    return _FITS[key]


def heldout_recall(
    disjoint: bool,
    settings: dict | None = None,
    seed: int = 0,
    n_occupations: int = 250,
    k: int = 10,
    skill_model: bool = True,
    skill_model_params: dict | None = None,
    balance: bool = True,
    mentee_tools: int | None = None,
    goals: bool = False,
) -> dict:
    """Recall@1, recall@k and MRR@k of the same-occupation mentor on a held-out cohort.

    The skill model is fitted only on the occupations outside the cohort (and
    their tools' categories); the match model sees those categories only.
    Lists are exposure-balanced (capacity 2 each) unless ``balance`` is False.
    """
    inst = heldout_instance(
        disjoint, seed=seed, n_occupations=n_occupations, mentee_tools=mentee_tools, goals=goals
    )
    relatedness = None
    if skill_model:
        relatedness = _fitted(inst, seed, tuple(sorted((skill_model_params or {}).items())))
    cfg = EngineConfig.from_dict({"k": k, **(settings or {})})
    model = MatchModel(
        config=cfg, skill_categories=inst.categories, random_state=seed, skill_model=relatedness
    ).fit(inst.mentees, inst.mentors)
    top = model.score_topk(balance=balance)
    n = len(inst.mentees)
    hits = top.mentor_index == np.arange(n)[:, None]
    found = hits.any(axis=1)
    rank = np.where(found, hits.argmax(axis=1) + 1, 0)
    load = np.bincount(top.mentor_index[top.mentor_index >= 0], minlength=n)
    return {
        "recall_at_1": float((rank == 1).mean()),
        f"recall_at_{k}": float(found.mean()),
        f"mrr_at_{k}": float(np.where(found, 1.0 / np.maximum(rank, 1), 0.0).mean()),
        "random": k / n,
        "n": n,
        "removed_occupations": inst.removed_occupations,
        "evaluation_skills": inst.evaluation_skills,
        "unknown_skills": inst.unknown_skills,
        "max_lists_per_mentor": int(load.max()) if n else 0,
        "gini_before": top.stats.get("gini_before"),
        "gini_after": top.stats.get("gini_after"),
    }
