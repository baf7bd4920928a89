"""Recall of the right mentor on O*NET instances (used by quality_onet and its test)."""

from __future__ import annotations

import numpy as np

from matching.engine import EngineConfig, MatchModel

from .onet_data import quality_instance

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
