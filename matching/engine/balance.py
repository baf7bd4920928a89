"""Exposure balancing: pick each mentee's k suggestions from a wider candidate list.

Without balancing, a mentor who scores well for many people sits on top of
every list, although only their free places can ever be used. We run a small
price auction over the candidates: every mentor has a fair share of all list
places, proportional to their free places,

    fair_j = L * capacity_j / sum(capacity),   L = number of list places,

and a quota ``fair_j / strength``. Each iteration every mentee picks the k
candidates with the best ``score - price[mentor]``; the price of a mentor
above quota rises, that of one below quota falls (never below 0). Scores shown
to people stay the raw scores; the lists are ordered by raw score.
"""

from __future__ import annotations

import numpy as np

from .components import gini
from .results import Candidates, TopK


def _pick(
    base: np.ndarray, idx: np.ndarray, price: np.ndarray, k: int, ordered: bool = True
) -> np.ndarray:
    """Positions (c, k) of the k best ``base - price`` columns, ordered by raw score."""
    c, w = base.shape
    adj = base - price[np.maximum(idx, 0)]
    if w > k:
        pos = np.argpartition(adj, w - k, axis=1)[:, w - k :]
    else:
        pos = np.broadcast_to(np.arange(w), (c, w)).copy()
    if not ordered:
        return pos
    raw = np.take_along_axis(base, pos, axis=1)
    order = np.lexsort((pos, -raw), axis=1)
    return np.take_along_axis(pos, order, axis=1)


def _appearances(idx: np.ndarray, n_mentors: int) -> np.ndarray:
    chosen = idx[idx >= 0]
    return np.bincount(chosen, minlength=n_mentors).astype(np.float64)


def exposure_gini(
    mentor_index: np.ndarray, capacity: np.ndarray, reachable: np.ndarray | None = None
) -> float:
    """Gini of appearances per free place over mentors with free places.

    ``reachable`` restricts to mentors that appear in at least one candidate list.
    """
    cap = np.asarray(capacity, dtype=np.float64)
    counts = _appearances(mentor_index, len(cap))
    mask = cap > 0
    if reachable is not None:
        mask &= reachable
    return gini(counts[mask] / cap[mask])


def select_topk(
    candidates: Candidates,
    capacity: np.ndarray,
    k: int,
    strength: float = 0.0,
    iterations: int = 30,
    step: float = 0.02,
    prices: np.ndarray | None = None,
) -> TopK:
    """Choose k suggestions per mentee among the candidates, balancing exposure.

    Parameters
    ----------
    candidates : Candidates
        All mentees of the run (balancing is about appearances across lists).
    capacity : ndarray of int, shape (n_mentors,)
        Free places; sets each mentor's fair share.
    k : int
    strength : float
        0 = off; 1 = quota equal to the fair share; 0.5 = twice the fair share.
    iterations, step
        Auction iterations and price step (in score units).
    prices : ndarray, optional
        Use these mentor prices as they are (incremental re-score).

    Returns
    -------
    TopK
        With ``exposure_prices`` and ``stats`` (Gini before/after, mean score cost).
    """
    idx = candidates.mentor_index
    n_mentors = len(capacity)
    cap = np.maximum(np.asarray(capacity, dtype=np.float64), 0)
    k = max(1, min(k, idx.shape[1]))
    valid = idx >= 0
    base = np.where(valid, candidates.scores, -np.inf).astype(np.float32)
    zero = np.zeros(n_mentors, np.float32)

    def result(pos: np.ndarray, price: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        mi = np.take_along_axis(idx, pos, axis=1)
        sc = np.take_along_axis(candidates.scores, pos, axis=1)
        comp = np.take_along_axis(candidates.components, pos[..., None], axis=1)
        return mi, sc, comp

    pos0 = _pick(base, idx, zero, k)
    mi0, sc0, comp0 = result(pos0, zero)
    price = zero
    if prices is not None:
        price = np.asarray(prices, dtype=np.float32)
    elif strength > 0 and len(candidates):
        reachable = _appearances(idx, n_mentors) > 0
        places = float(np.minimum(valid.sum(axis=1), k).sum())
        share = np.where(reachable, cap, 0.0)
        fair = places * share / max(share.sum(), 1e-12)
        quota = np.maximum(fair / strength, 1.0)
        price = zero.copy()
        for it in range(iterations):
            pos = _pick(base, idx, price, k, ordered=False)
            counts = _appearances(np.take_along_axis(idx, pos, axis=1), n_mentors)
            # Step shrinks so the prices settle instead of oscillating.
            rate = step * (1.0 - 0.5 * it / max(iterations - 1, 1))
            price = np.maximum(price + rate * np.clip(counts / quota - 1.0, -1.0, 1.0), 0.0).astype(
                np.float32
            )
            price[~reachable] = 0.0
    pos = _pick(base, idx, price, k) if price is not zero else pos0
    mi, sc, comp = result(pos, price)

    reachable = _appearances(idx, n_mentors) > 0
    mean_before = float(np.nanmean(sc0)) if np.isfinite(sc0).any() else 0.0
    mean_after = float(np.nanmean(sc)) if np.isfinite(sc).any() else 0.0
    stats = {
        "gini_before": exposure_gini(mi0, cap, reachable),
        "gini_after": exposure_gini(mi, cap, reachable),
        "mean_score_before": mean_before,
        "mean_score_after": mean_after,
        "mean_score_cost": mean_before - mean_after,
        "max_appearances_before": int(_appearances(mi0, n_mentors).max(initial=0)),
        "max_appearances_after": int(_appearances(mi, n_mentors).max(initial=0)),
    }
    return TopK(
        rows=candidates.rows,
        mentor_index=mi,
        scores=sc,
        components=comp,
        exposure_prices=price,
        stats=stats,
    )
