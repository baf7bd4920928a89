"""Whole-cohort assignment: stability, capacities, optimality (no DB)."""

import itertools

import numpy as np
import pytest

from matching.engine import Candidates, count_blocking_pairs, optimal_assignment, stable_assignment


def random_lists(n, m, w, seed):
    rng = np.random.default_rng(seed)
    idx = np.full((n, w), -1, np.int64)
    sc = np.full((n, w), np.nan, np.float32)
    for i in range(n):
        k = rng.integers(0, w + 1)
        cols = rng.choice(m, size=k, replace=False)
        s = np.round(rng.random(k), 2).astype(np.float32) + 0.01  # rounding makes ties
        order = np.lexsort((cols, -s))
        idx[i, :k], sc[i, :k] = cols[order], s[order]
    cap = rng.integers(0, 3, size=m)
    return Candidates(
        rows=np.arange(n), mentor_index=idx, scores=sc, components=np.zeros((n, w, 6), np.float32)
    ), cap


def brute_force(cands, cap):
    """All feasible assignments of a tiny instance: (best total, all stable ones)."""
    n = len(cands)
    options = [[-1] + [int(j) for j in cands.mentor_index[i] if j >= 0] for i in range(n)]
    best, stable = -1.0, []
    for choice in itertools.product(*options):
        choice = np.array(choice)
        load = np.bincount(choice[choice >= 0], minlength=len(cap))
        if (load > cap).any():
            continue
        total = sum(
            float(cands.scores[i][list(cands.mentor_index[i]).index(j)])
            for i, j in enumerate(choice)
            if j >= 0
        )
        best = max(best, total)
        if count_blocking_pairs(cands, cap, choice) == 0:
            stable.append(choice)
    return best, stable


@pytest.mark.parametrize("seed", range(12))
def test_tiny_instances_against_brute_force(seed):
    cands, cap = random_lists(5, 3, 3, seed)
    st = stable_assignment(cands, cap)
    opt = optimal_assignment(cands, cap)
    best, stable = brute_force(cands, cap)
    assert count_blocking_pairs(cands, cap, st.mentor_index) == 0
    # strict preferences (ties broken by row) give exactly one stable matching
    assert len(stable) == 1 and np.array_equal(stable[0], st.mentor_index)
    assert opt.total_score == pytest.approx(best, abs=1e-5)
    assert opt.total_score >= st.total_score - 1e-6
    for res in (st, opt):
        load = np.bincount(res.mentor_index[res.mentor_index >= 0], minlength=len(cap))
        assert (load <= cap).all()
        for i, j in enumerate(res.mentor_index):
            assert j == -1 or j in cands.mentor_index[i]


def test_larger_instance_stable_and_optimal():
    cands, cap = random_lists(400, 60, 8, seed=99)
    st = stable_assignment(cands, cap)
    opt = optimal_assignment(cands, cap)
    assert count_blocking_pairs(cands, cap, st.mentor_index) == 0
    assert opt.total_score >= st.total_score
    assert (np.bincount(opt.mentor_index[opt.mentor_index >= 0], minlength=60) <= cap).all()
    assert np.nansum(st.scores) == pytest.approx(st.total_score)


def test_blocking_pair_checker_finds_an_unstable_assignment():
    idx = np.array([[0, 1], [0, 1]])
    sc = np.array([[0.9, 0.1], [0.5, 0.4]], np.float32)
    cap = np.array([1, 1])
    assert count_blocking_pairs((idx, sc), cap, np.array([1, 0])) == 1  # 0 and mentor 0 block
    assert count_blocking_pairs((idx, sc), cap, np.array([0, 1])) == 0
    assert count_blocking_pairs((idx, sc), cap, np.array([0, -1])) == 1  # 1 and free mentor 1
    with pytest.raises(ValueError):
        count_blocking_pairs((idx, sc), cap, np.array([0, 0]))


def test_nobody_listed():
    idx = np.full((3, 2), -1)
    sc = np.full((3, 2), np.nan)
    for fn in (stable_assignment, optimal_assignment):
        res = fn((idx, sc), np.array([1]))
        assert (res.mentor_index == -1).all() and res.total_score == 0 and res.matched == 0


def test_the_min_cost_flow_finds_the_same_optimum_as_the_slot_matching():
    from matching.engine.assign import _optimal_by_matching

    rng = np.random.default_rng(3)
    n, m, w = 300, 40, 8
    idx = np.stack([rng.choice(m, w, replace=False) for _ in range(n)])
    scores = rng.random((n, w)).round(3)
    idx[rng.random((n, w)) < 0.1] = -1
    capacity = rng.integers(0, 4, m)

    flow = optimal_assignment((idx, scores), capacity)
    slots = _optimal_by_matching((idx, scores), capacity)

    assert flow.total_score == pytest.approx(slots.total_score, abs=1e-6)
    used = np.bincount(flow.mentor_index[flow.mentor_index >= 0], minlength=m)
    assert (used <= capacity).all()
