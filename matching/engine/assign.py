"""Whole-cohort assignment: each mentee gets at most one mentor, capacities hold.

Both modes work on each mentee's candidate list (``Candidates``: the top
``candidate_width`` mentors that pass the filters), so a pair outside the
lists is never assigned.

* ``stable_assignment``: mentee-proposing deferred acceptance (Gale-Shapley
  with capacities). Mentees rank their candidates by score (ties: lower mentor
  row first); mentors rank proposers by the same pair score (ties: lower
  mentee row first). The result has no blocking pair among listed pairs.
* ``optimal_assignment``: maximum total score, as a min-cost flow: source ->
  each mentee (capacity 1) -> each listed mentor (cost = -score) -> sink
  (capacity = free places), plus a source -> sink arc for mentees left
  unmatched (never rewarded, never forced). Solved by OR-Tools'
  ``SimpleMinCostFlow`` (scores as integers in units of 1e-6: fewer cost-scaling phases); without
  OR-Tools, the same optimum by ``scipy``'s ``min_weight_full_bipartite_matching``
  (LAPJVsp) on a graph where each mentor is expanded into ``capacity`` slots
  (about 15x slower at 20,000 x 5,000).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from .results import Candidates


@dataclass
class Assignment:
    """Result of a whole-cohort assignment.

    Attributes
    ----------
    mentor_index : ndarray of int64, shape (n,)
        Mentor row per candidate row (``Candidates.rows`` order), -1 unmatched.
    scores : ndarray of float, shape (n,)
        Pair score, NaN when unmatched.
    total_score : float
    matched : int
    """

    mentor_index: np.ndarray
    scores: np.ndarray
    total_score: float
    matched: int


def _prepared(idx: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Candidate lists sorted by (score desc, mentor row asc), invalid entries last."""
    idx = np.asarray(idx, dtype=np.int64)
    s = np.where(idx >= 0, np.asarray(scores, dtype=np.float64), -np.inf)
    order = np.lexsort((np.where(idx >= 0, idx, np.iinfo(np.int64).max), -s), axis=1)
    return np.take_along_axis(idx, order, axis=1), np.take_along_axis(s, order, axis=1)


def _result(match: np.ndarray, match_score: np.ndarray) -> Assignment:
    ok = match >= 0
    scores = np.where(ok, match_score, np.nan)
    return Assignment(
        mentor_index=match.astype(np.int64),
        scores=scores,
        total_score=float(np.nansum(scores)),
        matched=int(ok.sum()),
    )


def _unpack(
    candidates: Candidates | tuple[np.ndarray, np.ndarray],
) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(candidates, Candidates):
        return candidates.mentor_index, candidates.scores
    return candidates


def stable_assignment(
    candidates: Candidates | tuple[np.ndarray, np.ndarray], capacity: np.ndarray
) -> Assignment:
    """Mentee-proposing deferred acceptance with mentor capacities.

    Vectorised in rounds: every free mentee proposes to their next candidate;
    each mentor keeps their best ``capacity`` among held and new proposals.

    Parameters
    ----------
    candidates : Candidates or (mentor_index (n, w), scores (n, w))
    capacity : ndarray of int, shape (n_mentors,)

    Returns
    -------
    Assignment
    """
    idx, s = _prepared(*_unpack(candidates))
    n, w = idx.shape
    cap = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    n_valid = (idx >= 0).sum(axis=1)
    ptr = np.zeros(n, np.int64)
    match = np.full(n, -1, np.int64)
    match_score = np.full(n, -np.inf)
    rows = np.arange(n)
    while True:
        proposers = rows[(match < 0) & (ptr < n_valid)]
        if not len(proposers):
            break
        j = idx[proposers, ptr[proposers]]
        sc = s[proposers, ptr[proposers]]
        ptr[proposers] += 1
        holders = rows[match >= 0]
        all_i = np.concatenate([holders, proposers])
        all_j = np.concatenate([match[holders], j])
        all_s = np.concatenate([match_score[holders], sc])
        # only mentors that received proposals this round can change
        touched = np.zeros(len(cap), bool)
        touched[j] = True
        sel = touched[all_j]
        all_i, all_j, all_s = all_i[sel], all_j[sel], all_s[sel]
        order = np.lexsort((all_i, -all_s, all_j))
        all_i, all_j, all_s = all_i[order], all_j[order], all_s[order]
        starts = np.searchsorted(all_j, all_j, side="left")
        rank = np.arange(len(all_j)) - starts
        keep = rank < cap[all_j]
        match[all_i] = -1
        match[all_i[keep]] = all_j[keep]
        match_score[all_i[keep]] = all_s[keep]
    return _result(match, match_score)


def count_blocking_pairs(
    candidates: Candidates | tuple[np.ndarray, np.ndarray],
    capacity: np.ndarray,
    mentor_index: np.ndarray,
) -> int:
    """Number of listed pairs (i, j) that would both rather be together.

    i prefers j to their current mentor (or is unmatched), and j has a free
    place or prefers i to their worst current mentee; the same tie-breaks as
    :func:`stable_assignment`. Also raises if a capacity is exceeded.
    """
    idx, s = _prepared(*_unpack(candidates))
    n, w = idx.shape
    cap = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    match = np.asarray(mentor_index, dtype=np.int64)
    load = np.bincount(match[match >= 0], minlength=len(cap))
    if (load > cap).any():
        raise ValueError("assignment exceeds a mentor's capacity")
    # position of the current match in each mentee's list (w = unmatched / not listed)
    is_match = (idx == match[:, None]) & (match[:, None] >= 0)
    cur_pos = np.where(is_match.any(axis=1), is_match.argmax(axis=1), w)
    pos = np.broadcast_to(np.arange(w), (n, w))
    mentee_wants = (idx >= 0) & (pos < cur_pos[:, None])
    # each mentor's worst held (score, -row) key
    matched = np.flatnonzero(match >= 0)
    held_s = np.take_along_axis(s, np.minimum(cur_pos, w - 1)[:, None], axis=1)[:, 0]
    worst_s = np.full(len(cap), np.inf)
    worst_i = np.full(len(cap), -1, np.int64)
    if len(matched):
        order = np.lexsort((-matched, held_s[matched], match[matched]))
        mj = match[matched][order]
        first = np.r_[True, mj[1:] != mj[:-1]]
        worst_s[mj[first]] = held_s[matched][order][first]
        worst_i[mj[first]] = matched[order][first]
    jj = np.maximum(idx, 0)
    ii = np.broadcast_to(np.arange(n)[:, None], (n, w))
    free_place = load[jj] < cap[jj]
    better = (s > worst_s[jj]) | ((s == worst_s[jj]) & (ii < worst_i[jj]))
    blocking = mentee_wants & (free_place | better)
    return int(blocking.sum())


#: Scores become integer costs in these units for the min-cost flow.
COST_SCALE = 1e6


def optimal_assignment(
    candidates: Candidates | tuple[np.ndarray, np.ndarray],
    capacity: np.ndarray,
) -> Assignment:
    """Maximum total score assignment over the candidate lists.

    Parameters
    ----------
    candidates : Candidates or (mentor_index (n, w), scores (n, w))
    capacity : ndarray of int, shape (n_mentors,)

    Returns
    -------
    Assignment
    """
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError:  # pragma: no cover - OR-Tools is in requirements.txt
        return _optimal_by_matching(candidates, capacity)
    idx, s = _unpack(candidates)
    idx = np.asarray(idx, dtype=np.int64)
    s = np.asarray(s, dtype=np.float64)
    n = idx.shape[0]
    cap = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    m = len(cap)
    valid = (idx >= 0) & np.isfinite(s) & (s > 0)
    ii, kk = np.nonzero(valid)
    jj = idx[ii, kk]
    ss = s[ii, kk]
    match = np.full(n, -1, np.int64)
    match_score = np.full(n, np.nan)
    if not len(ii):
        return _result(match, match_score)
    source, sink = n + m, n + m + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    tails = np.concatenate([np.full(n, source), ii, n + np.arange(m), [source]])
    heads = np.concatenate([np.arange(n), n + jj, np.full(m, sink), [sink]])
    caps = np.concatenate([np.ones(n + len(ii), np.int64), cap, [n]])
    costs = np.concatenate(
        [
            np.zeros(n, np.int64),
            -np.round(ss * COST_SCALE).astype(np.int64),
            np.zeros(m + 1, np.int64),
        ]
    )
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32), heads.astype(np.int32), caps, costs
    )
    supplies = np.zeros(n + m + 2, np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2, dtype=np.int32), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow did not solve: status {status}")
    chosen = flow.flows(arcs[n : n + len(ii)]) > 0
    match[ii[chosen]] = jj[chosen]
    match_score[ii[chosen]] = ss[chosen]
    return _result(match, match_score)


def _optimal_by_matching(
    candidates: Candidates | tuple[np.ndarray, np.ndarray],
    capacity: np.ndarray,
) -> Assignment:
    """The same optimum as a min-weight full bipartite matching with mentor slots (scipy)."""
    idx, s = _prepared(*_unpack(candidates))
    n, w = idx.shape
    cap = np.maximum(np.asarray(capacity, dtype=np.int64), 0)
    valid = (idx >= 0) & (s > 0)
    ii, kk = np.nonzero(valid)
    jj = idx[ii, kk]
    ss = s[ii, kk]
    match = np.full(n, -1, np.int64)
    match_score = np.full(n, np.nan)
    if not len(ii):
        return _result(match, match_score)
    # Slots: a mentor needs at most min(capacity, number of mentees listing them).
    listed = np.bincount(jj, minlength=len(cap))
    slots = np.minimum(cap, listed)
    slot_start = np.concatenate([[0], np.cumsum(slots)])
    n_slots = int(slot_start[-1])
    rep = slots[jj]
    e_row = np.repeat(ii, rep)
    e_off = np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep)
    e_col = slot_start[jj].repeat(rep) + e_off
    # Later slots of a mentor cost a hair more, so equal alternatives do not
    # multiply the search; the tie-break never outweighs a real score difference.
    eps = 1e-9
    e_cost = np.repeat(2.0 - ss, rep) + eps * e_off
    rows_all = np.concatenate([e_row, np.arange(n)])
    cols_all = np.concatenate([e_col, n_slots + np.arange(n)])
    cost_all = np.concatenate([e_cost, np.full(n, 2.0)])
    graph = sp.csr_matrix((cost_all, (rows_all, cols_all)), shape=(n, n_slots + n))
    row_ind, col_ind = min_weight_full_bipartite_matching(graph)
    real = col_ind < n_slots
    slot_mentor = np.repeat(np.arange(len(cap)), slots)
    r = row_ind[real]
    j = slot_mentor[col_ind[real]]
    match[r] = j
    # look up the pair score from the lists
    hit = idx[r] == j[:, None]
    match_score[r] = s[r, hit.argmax(axis=1)]
    return _result(match, match_score)
