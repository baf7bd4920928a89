"""Engine: storing a fitted model without pickle, changing a few people, scoring columns."""

import numpy as np
import scipy.sparse as sp

from benchmarks.onet_data import community
from matching.engine import MatchModel
from matching.engine.persist import fingerprint, state_dump, state_load
from matching.engine.update import _csr_put, model_update, score_columns


def _fitted():
    mentees, mentors, categories = community(300, 80, seed=11)
    return MatchModel(skill_categories=categories, random_state=0).fit(mentees, mentors)


def test_a_stored_model_scores_exactly_like_the_fitted_one():
    model = _fitted()
    data = state_dump(model, skip={"_mentee_side"}, meta={"run": 7})
    again, meta = state_load(data)
    assert meta == {"run": 7}
    a, b = model.score_topk(), again.score_topk()
    assert (a.mentor_index == b.mentor_index).all()
    assert np.allclose(a.scores, b.scores, equal_nan=True)
    assert fingerprint(data) == fingerprint(bytes(data))


def test_rows_are_replaced_and_appended_in_a_sparse_matrix():
    m = sp.random(50, 30, density=0.2, format="csr", random_state=1).astype(np.float32)
    new = sp.random(3, 30, density=0.3, format="csr", random_state=2).astype(np.float32)
    rows = np.array([40, 3, 52])
    expected = np.zeros((53, 30), np.float32)
    expected[:50] = m.toarray()
    expected[rows] = new.toarray()
    assert np.array_equal(_csr_put(m, rows, new, 53).toarray(), expected)


def test_changed_people_score_as_if_the_model_had_seen_them():
    model = _fitted()
    changed = model.mentees_.subset([5])
    changed.years_experience[:] = 20.0
    mentor = model.mentors_.subset([7])
    mentor.available_hours[:] = True
    newcomer = model.mentees_.subset([9])
    newcomer.ids[:] = 10**9

    rows, cols = model_update(model, mentees=changed, mentors=mentor)
    model_update(model, mentees=newcomer)

    assert rows.tolist() == [5] and cols.tolist() == [7] and len(model.mentees_) == 301
    # the same learned state, both sides transformed from scratch from the changed people
    fresh, _ = state_load(state_dump(model, skip={"_mentee_side"}))
    fresh._mentor_side = fresh._transform(fresh.mentors_)
    fresh._prepare_mentor_tables(keep_columns=True)
    a, b = model.score_topk(balance=False), fresh.score_topk(balance=False)
    assert (a.mentor_index == b.mentor_index).all()
    # columns scored alone equal the full candidate lists' scores
    cands = model.candidates(width=len(model.mentors_))
    scores, _ = score_columns(model, np.array([7, 11]))
    for k, col in enumerate((7, 11)):
        hit = cands.mentor_index == col
        rows_with = np.flatnonzero(hit.any(axis=1))
        assert np.allclose(scores[rows_with, k], cands.scores[hit][: len(rows_with)], atol=1e-6)
