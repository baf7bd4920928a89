"""Engine benchmarks on a synthetic O*NET community (no Django)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

from matching.engine import (
    COMPONENTS,
    Exclusions,
    MatchModel,
    count_blocking_pairs,
    optimal_assignment,
    select_topk,
    stable_assignment,
)
from matching.engine.relatedness import SkillRelatedness

from .onet_data import community, load_onet
from .quality import PLAIN_TFIDF, heldout_recall, recall_at_k
from .registry import bench, interleaved, median_time

SIZES = {
    "full": (20_000, 5_000),
    "small": (2_000, 500),
    # the size of a public network (issue 14); SCALE=small runs it at a tenth
    "100k": (100_000, 20_000),
    "100k-small": (10_000, 2_000),
}
RUNS = 3
K = 10
SEED = 7


@lru_cache(maxsize=2)
def instance(scale: str):
    n, m = SIZES[scale]
    mentees, mentors, categories = community(n, m, seed=SEED)
    rng = np.random.default_rng(SEED)
    # two excluded pairs per mentee (declines, blocks, active mentorships)
    pairs = set(
        zip(
            rng.choice(mentees.ids, 2 * n).tolist(),
            rng.choice(mentors.ids, 2 * n).tolist(),
            strict=True,
        )
    )
    return mentees, mentors, categories, Exclusions(pairs)


@lru_cache(maxsize=2)
def skill_model(scale: str) -> tuple[SkillRelatedness, float]:
    """The skill-relatedness model as the platform fits it: O*NET tool lists plus
    the community's own skill lists (offered and wanted, one list each)."""
    mentees, mentors, categories, _ = instance(scale)
    occupations = load_onet()[0]
    docs = [o.tools for o in occupations] + mentees.skills + mentors.skills
    texts = [f"{o.title}. {o.description}" for o in occupations]
    texts += [None] * (len(docs) - len(texts))
    seconds, model, _ = median_time(
        lambda: SkillRelatedness(random_state=0).fit(docs, categories=categories, texts=texts), 1
    )
    return model, seconds


@lru_cache(maxsize=2)
def fitted(scale: str) -> tuple[MatchModel, float]:
    mentees, mentors, categories, _ = instance(scale)
    relatedness, _ = skill_model(scale)
    seconds, model, _ = median_time(
        lambda: MatchModel(
            skill_categories=categories, random_state=0, skill_model=relatedness
        ).fit(mentees, mentors),
        1,
    )
    return model, seconds


def _params(scale: str, **extra) -> dict:
    n, m = SIZES[scale]
    return {"scale": scale, "mentees": n, "mentors": m, "k": K, **extra}


def _big(scale: str) -> str:
    return "100k" if scale == "full" else "100k-small"


def _plain_skill_vectors(model: MatchModel):
    """Skills-only TF-IDF (no categories, no LSA): what the floor multiplies."""
    cfg = model.config_
    idf = model.skill_idf_
    a = normalize(
        model._raw_skills(model.mentees_.skills, cfg.skill_priority_max).multiply(idf).tocsr()
    )
    b = normalize(
        model._raw_skills(model.mentors_.skills, cfg.skill_level_max).multiply(idf).tocsr()
    )
    return a.astype(np.float32), b.astype(np.float32)


def floor_topk(a, b_t, chunk: int, k: int = K) -> np.ndarray:
    """Bare sparse product + argpartition top-k, chunked like the engine."""
    m = b_t.shape[1]
    out = np.empty((a.shape[0], k), np.int64)
    for s in range(0, a.shape[0], chunk):
        dense = (a[s : s + chunk] @ b_t).toarray()
        out[s : s + chunk] = np.argpartition(dense, m - k, axis=1)[:, m - k :]
    return out


@bench("engine_floor")
def engine_floor(scale: str) -> dict:
    model, _ = fitted(scale)
    a, b = _plain_skill_vectors(model)
    b_t = b.T.tocsr()
    seconds, _, _ = median_time(lambda: floor_topk(a, b_t, model.config_.chunk_size), RUNS)
    return {
        "params": _params(scale, what="skills TF-IDF sparse product + argpartition, 1 thread"),
        "seconds": round(seconds, 4),
        "runs": RUNS,
    }


@bench("engine_score_topk")
def engine_score_topk(scale: str) -> dict:
    mentees, mentors, _, exclusions = instance(scale)
    model, fit_seconds = fitted(scale)
    _, _, categories, _ = instance(scale)
    plain = MatchModel(skill_categories=categories, random_state=0).fit(mentees, mentors)
    a, b = _plain_skill_vectors(model)
    b_t = b.T.tocsr()
    times, results = interleaved(
        {
            "engine": lambda: model.score_topk(exclusions=exclusions),
            "floor": lambda: floor_topk(a, b_t, model.config_.chunk_size),
            "without_skill_model": lambda: plain.score_topk(exclusions=exclusions),
        },
        RUNS,
    )
    top = results["engine"]
    cfg = model.config_
    return {
        "params": _params(
            scale,
            chunk_size=cfg.chunk_size,
            n_jobs=cfg.n_jobs,
            candidate_width=cfg.candidate_width,
            exposure_strength=cfg.exposure_strength,
            excluded_pairs=len(exclusions.pairs),
        ),
        "seconds": round(times["engine"], 4),
        "runs": RUNS,
        "fit_seconds": round(fit_seconds, 4),
        "skill_model_fit_seconds": round(skill_model(scale)[1], 4),
        "skill_model_dims": skill_model(scale)[0].n_dims_,
        "skill_model_skills": len(skill_model(scale)[0].vocabulary_),
        "skill_model_mb": round(skill_model(scale)[0].vectors_.nbytes / 1e6, 2),
        "components": list(COMPONENTS),
        "ratio_to": "engine_floor",
        "ratio": round(times["engine"] / times["floor"], 3),
        "floor_seconds": round(times["floor"], 4),
        "without_skill_model_seconds": round(times["without_skill_model"], 4),
        "ratio_to_without_skill_model": round(times["engine"] / times["without_skill_model"], 3),
        "filled_share": round(float((top.mentor_index >= 0).mean()), 4),
        **{key: round(v, 4) if isinstance(v, float) else v for key, v in top.stats.items()},
    }


@bench("engine_floor_100k")
def engine_floor_100k(scale: str) -> dict:
    """The floor at 100,000 x 20,000 (one run: each takes tens of seconds here)."""
    key = _big(scale)
    model, _ = fitted(key)
    a, b = _plain_skill_vectors(model)
    b_t = b.T.tocsr()
    seconds, _, _ = median_time(lambda: floor_topk(a, b_t, model.config_.chunk_size), 1)
    return {
        "params": _params(key, what="skills TF-IDF sparse product + argpartition, 1 thread"),
        "seconds": round(seconds, 3),
        "runs": 1,
    }


@bench("engine_score_topk_100k")
def engine_score_topk_100k(scale: str) -> dict:
    """All components, top-10 with balancing, one process, at 100,000 x 20,000.

    The floor is measured right after on the same data, in the same process
    (``ratio``); ``fit_seconds`` is the model fit, not included in ``seconds``.
    """
    key = _big(scale)
    _, _, _, exclusions = instance(key)
    model, fit_seconds = fitted(key)
    a, b = _plain_skill_vectors(model)
    b_t = b.T.tocsr()
    times, results = interleaved(
        {
            "engine": lambda: model.score_topk(exclusions=exclusions),
            "floor": lambda: floor_topk(a, b_t, model.config_.chunk_size),
        },
        1,
    )
    top = results["engine"]
    cfg = model.config_
    return {
        "params": _params(
            key,
            chunk_rows=model._chunk_rows(),
            n_jobs=cfg.n_jobs,
            candidate_width=cfg.candidate_width,
            exposure_strength=cfg.exposure_strength,
            excluded_pairs=len(exclusions.pairs),
        ),
        "seconds": round(times["engine"], 3),
        "runs": 1,
        "fit_seconds": round(fit_seconds, 3),
        "ratio_to": "engine_floor_100k",
        "ratio": round(times["engine"] / times["floor"], 3),
        "floor_seconds": round(times["floor"], 3),
        "filled_share": round(float((top.mentor_index >= 0).mean()), 4),
        **{name: round(v, 4) if isinstance(v, float) else v for name, v in top.stats.items()},
    }


@lru_cache(maxsize=2)
def _candidates(scale: str, width: int):
    _, _, _, exclusions = instance(scale)
    model, _ = fitted(scale)
    return model.candidates(exclusions=exclusions, width=width)


@bench("cohort_stable")
def cohort_stable(scale: str) -> dict:
    _, mentors, _, _ = instance(scale)
    cands = _candidates(scale, 50)
    seconds, res, _ = median_time(lambda: stable_assignment(cands, mentors.capacity_left), RUNS)
    return {
        "params": _params(
            scale,
            candidate_width=50,
            capacity_total=int(np.maximum(mentors.capacity_left, 0).sum()),
        ),
        "seconds": round(seconds, 4),
        "runs": RUNS,
        "blocking_pairs": count_blocking_pairs(cands, mentors.capacity_left, res.mentor_index),
        "matched": res.matched,
        "total_score": round(res.total_score, 3),
    }


@bench("cohort_optimal")
def cohort_optimal(scale: str) -> dict:
    _, mentors, _, _ = instance(scale)
    cands = _candidates(scale, 50)
    times, results = interleaved(
        {
            "optimal": lambda: optimal_assignment(cands, mentors.capacity_left),
            "stable": lambda: stable_assignment(cands, mentors.capacity_left),
        },
        RUNS,
    )
    opt, st = results["optimal"], results["stable"]
    return {
        "params": _params(scale, candidate_width=50, solver="OR-Tools SimpleMinCostFlow"),
        "seconds": round(times["optimal"], 4),
        "runs": RUNS,
        "ratio_to": "cohort_stable",
        "ratio": round(times["optimal"] / times["stable"], 3),
        "total_score": round(opt.total_score, 3),
        "stable_total_score": round(st.total_score, 3),
        "total_ratio_to_stable": round(opt.total_score / st.total_score, 5),
        "matched": opt.matched,
        "stable_matched": st.matched,
    }


@bench("peer_matching_package")
def peer_matching_package(scale: str) -> dict:
    """The same stable problem solved by the PyPI ``matching`` package (HospitalResident)."""
    _, mentors, _, _ = instance(scale)
    width = 10
    cands = _candidates(scale, width)
    ours, res, _ = median_time(lambda: stable_assignment(cands, mentors.capacity_left), RUNS)
    peer_times, peer_build, version, peer_match = [], [], None, None
    script = Path(__file__).with_name("_peer_hr.py")
    runs = RUNS if scale == "small" else 1
    with tempfile.TemporaryDirectory() as tmp:
        src, dst = Path(tmp) / "in.npz", Path(tmp) / "out.json"
        np.savez(src, idx=cands.mentor_index, scores=cands.scores, capacity=mentors.capacity_left)
        for _ in range(runs):
            # -P and cwd=tmp: the project's ``matching`` app must not shadow the package
            subprocess.run(
                [sys.executable, "-P", str(script), str(src), str(dst)], cwd=tmp, check=True
            )
            out = json.loads(dst.read_text())
            peer_times.append(out["build_seconds"] + out["solve_seconds"])
            peer_build.append(out["build_seconds"])
            version, peer_match = out["version"], np.array(out["match"])
    peer = float(np.median(peer_times))
    return {
        "params": _params(
            scale, candidate_width=width, package=f"matching {version}", peer_runs=runs
        ),
        "seconds": round(peer, 4),
        "runs": runs,
        "peer_build_seconds": round(float(np.median(peer_build)), 4),
        "ours_seconds": round(ours, 4),
        "ratio_to": "cohort_stable (same lists)",
        "ratio": round(peer / ours, 2),
        "blocking_pairs": count_blocking_pairs(cands, mentors.capacity_left, peer_match),
        "ours_blocking_pairs": count_blocking_pairs(cands, mentors.capacity_left, res.mentor_index),
        "same_matching": bool((peer_match == res.mentor_index).all()),
    }


@bench("peer_sklearn_neighbors")
def peer_sklearn_neighbors(scale: str) -> dict:
    mentees, _, _, exclusions = instance(scale)
    model, _ = fitted(scale)
    a, b = _plain_skill_vectors(model)
    b_t = b.T.tocsr()

    def sklearn_knn():
        nn = NearestNeighbors(n_neighbors=K, metric="cosine", algorithm="brute").fit(b)
        return nn.kneighbors(a, return_distance=False)

    times, results = interleaved(
        {
            "sklearn": sklearn_knn,
            "floor": lambda: floor_topk(a, b_t, model.config_.chunk_size),
            "engine": lambda: model.score_topk(exclusions=exclusions),
        },
        RUNS,
    )
    same = np.mean(
        [
            len(set(x) & set(y)) / K
            for x, y in zip(results["sklearn"], results["floor"], strict=True)
        ]
    )
    return {
        "params": _params(scale, vectors="skills TF-IDF", algorithm="brute"),
        "seconds": round(times["sklearn"], 4),
        "runs": RUNS,
        "ratio_to": "engine_score_topk",
        "ratio": round(times["sklearn"] / times["engine"], 3),
        "ratio_to_floor": round(times["sklearn"] / times["floor"], 3),
        "engine_seconds": round(times["engine"], 4),
        "floor_seconds": round(times["floor"], 4),
        "top10_overlap_with_floor": round(float(same), 4),
    }


@bench("quality_onet")
def quality_onet(scale: str) -> dict:
    import time

    n_occ = None if scale == "full" else 200
    t0 = time.perf_counter()
    figures = {}
    for label, disjoint in (("independent", False), ("disjoint", True)):
        plain = recall_at_k(disjoint, PLAIN_TFIDF, n_occupations=n_occ)
        cat_only = recall_at_k(disjoint, {"skill_lsa_weight": 0.0}, n_occupations=n_occ)
        engine = recall_at_k(disjoint, None, n_occupations=n_occ)
        taxonomy = recall_at_k(disjoint, None, n_occupations=n_occ, use_taxonomy=True)
        figures[label] = {
            "recall_tfidf": round(plain["recall"], 4),
            "recall_categories_only": round(cat_only["recall"], 4),
            "recall_engine": round(engine["recall"], 4),
            "recall_engine_with_taxonomy": round(taxonomy["recall"], 4),
            "random": round(engine["random"], 4),
            "engine_over_random": round(engine["recall"] / engine["random"], 2),
            "engine_with_taxonomy_over_random": round(taxonomy["recall"] / taxonomy["random"], 2),
        }
        n = engine["n"]
    # exposure balancing on the same (independent) instance
    from .onet_data import quality_instance

    mentees, mentors, categories, _ = quality_instance(False, n_occupations=n_occ)
    model = MatchModel(skill_categories=categories, random_state=0).fit(mentees, mentors)
    top = select_topk(
        model.candidates(), mentors.capacity_left, K, strength=model.config_.exposure_strength
    )
    balancing = {key: round(v, 4) if isinstance(v, float) else v for key, v in top.stats.items()}
    heldout = _heldout_figures(scale)
    seconds = time.perf_counter() - t0
    return {
        "params": {
            "scale": scale,
            "occupations": n,
            "k": K,
            "tools_per_person": 4,
            "min_tools": 6,
            "note": "860-occupation figures: no skill model; 'taxonomy' fits LSA on every "
            "occupation's list, evaluation ones included",
        },
        "seconds": round(seconds, 4),
        "runs": 1,
        **figures,
        "balancing": balancing,
        "heldout": heldout,
    }


HELDOUT_COHORTS = {"full": 10, "small": 2}
GOALS_COHORTS = {"full": 4, "small": 1}


def _heldout_figures(scale: str) -> dict:
    """The skill model fitted without the evaluation occupations, vs plain TF-IDF.

    Cohorts of 250 occupations listing >= 14 tools; one mentee and one mentor
    per occupation, 7 tools each; balancing on (capacity 2 each). Means over
    ``HELDOUT_COHORTS[scale]`` cohorts (seeds 0..), plus each cohort's recall@10.
    """
    seeds = range(HELDOUT_COHORTS[scale])
    out: dict = {
        "cohorts": len(seeds),
        "occupations_per_cohort": 250,
        "min_tools": 14,
        "tools_per_person": 7,
        "balancing": True,
        "capacity_each": 2,
        "skill_model_fitted_without_evaluation_occupations": True,
    }
    for label, disjoint in (("independent", False), ("disjoint", True)):
        runs = {
            "engine": [heldout_recall(disjoint, seed=s) for s in seeds],
            "tfidf": [
                heldout_recall(disjoint, PLAIN_TFIDF, seed=s, skill_model=False) for s in seeds
            ],
        }
        first = runs["engine"][0]
        figures = {
            "random_recall_at_10": round(first["random"], 4),
            "removed_occupations": first["removed_occupations"],
            "evaluation_skills_mean": round(
                float(np.mean([r["evaluation_skills"] for r in runs["engine"]])), 1
            ),
            "unknown_skills_mean": round(
                float(np.mean([r["unknown_skills"] for r in runs["engine"]])), 1
            ),
            "max_lists_per_mentor": max(r["max_lists_per_mentor"] for r in runs["engine"]),
        }
        for name, rs in runs.items():
            for metric in ("recall_at_1", "recall_at_10", "mrr_at_10"):
                figures[f"{name}_{metric}"] = round(float(np.mean([r[metric] for r in rs])), 4)
            figures[f"{name}_recall_at_10_per_cohort"] = [round(r["recall_at_10"], 3) for r in rs]
        out[label] = figures
    out["goals"] = _goals_figures(scale)
    return out


def _goals_figures(scale: str) -> dict:
    """Goal texts placed among the skills (``related_goals_weight``) vs not, same cohorts.

    Every mentee has the goal "Move into <occupation title>" (the title is not in
    the fit data: its occupation was removed) and lists 7, 3 or 0 tools; mentors'
    text is their tools. recall@10 means over ``GOALS_COHORTS[scale]`` cohorts.
    """
    seeds = range(GOALS_COHORTS[scale])
    out: dict = {"cohorts": len(seeds), "goal": "Move into <occupation title>"}
    for label, disjoint in (("independent", False), ("disjoint", True)):
        for tools in (7, 3, 0):
            for name, weight in (("with_goal_vectors", 1.0), ("without", 0.0)):
                rs = [
                    heldout_recall(
                        disjoint,
                        {"related_goals_weight": weight},
                        seed=s,
                        mentee_tools=tools,
                        goals=True,
                    )
                    for s in seeds
                ]
                key = f"{label}_mentee_tools_{tools}_{name}_recall_at_10"
                out[key] = round(float(np.mean([r["recall_at_10"] for r in rs])), 4)
    return out
