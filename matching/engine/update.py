"""Changing a few people in a fitted model, and scoring one mentor against every mentee.

For incremental re-scores: a change to one person costs work proportional to
that person. The fitted vocabularies, IDF weights and LSA model stay as they
are (they describe the population the model was fitted on); only the rows of
the changed people are transformed and put in place (same id) or appended.
"""

from __future__ import annotations

import copy
from dataclasses import fields

import numpy as np
import scipy.sparse as sp

from .types import Exclusions, Mentees, Mentors


def _positions(ids: np.ndarray, new_ids: np.ndarray) -> np.ndarray:
    """Row of each new id in ``ids`` (the last one); ids not there get rows after the end."""
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    right = np.searchsorted(sorted_ids, new_ids, side="right") - 1
    found = (right >= 0) & (sorted_ids[np.maximum(right, 0)] == new_ids)
    out = np.where(found, order[np.maximum(right, 0)], -1).astype(np.int64)
    missing = np.flatnonzero(~found)
    out[missing] = len(ids) + np.arange(len(missing))
    return out


def _csr_put(m: sp.csr_matrix, rows: np.ndarray, new: sp.csr_matrix, n: int) -> sp.csr_matrix:
    """``m`` with ``rows`` replaced by the rows of ``new`` (rows >= len grow it to ``n``).

    Copies the untouched stretches of ``data``/``indices`` as they are: O(nnz)
    memory copies, no sparse arithmetic, so one changed row of 100,000 is cheap.
    """
    m = sp.csr_matrix(m)
    new = sp.csr_matrix(new, dtype=m.dtype)
    new.sort_indices()
    old_n = m.shape[0]
    indptr = m.indptr.astype(np.int64)
    if n > old_n:
        indptr = np.concatenate([indptr, np.full(n - old_n, indptr[-1])])
    order = np.argsort(rows, kind="stable")
    rows = np.asarray(rows)[order]
    data_parts, index_parts = [], []
    start = 0  # position in m.data of the next untouched stretch
    for k, r in zip(order.tolist(), rows.tolist(), strict=True):
        data_parts.append(m.data[start : indptr[r]])
        index_parts.append(m.indices[start : indptr[r]])
        data_parts.append(new.data[new.indptr[k] : new.indptr[k + 1]])
        index_parts.append(new.indices[new.indptr[k] : new.indptr[k + 1]])
        start = indptr[r + 1]
    data_parts.append(m.data[start:])
    index_parts.append(m.indices[start:])
    counts = np.diff(indptr)
    counts[rows] = np.diff(new.indptr)[order]
    out_indptr = np.concatenate([[0], np.cumsum(counts)])
    return sp.csr_matrix(
        (np.concatenate(data_parts), np.concatenate(index_parts), out_indptr),
        shape=(n, m.shape[1]),
    )


def _put(value, rows: np.ndarray, new, n: int):
    if value is None or new is None:
        return value
    if sp.issparse(value):
        return _csr_put(value, rows, new, n)
    if isinstance(value, np.ndarray):
        if value.shape[0] < n:
            grown = np.zeros((n, *value.shape[1:]), value.dtype)
            grown[: value.shape[0]] = value
            value = grown
        value[rows] = new
        return value
    if n > len(value):
        value = list(value) + [None] * (n - len(value))
    for r, item in zip(rows.tolist(), new, strict=True):
        value[r] = item  # in place: the model owns its people's lists
    return value


def _splice(obj, rows: np.ndarray, new, n: int) -> None:
    for f in fields(obj):
        setattr(obj, f.name, _put(getattr(obj, f.name), rows, getattr(new, f.name), n))


def people_put(people: Mentees, new: Mentees) -> tuple[Mentees, np.ndarray]:
    """``people`` with ``new``'s rows put in place (same id) or appended; returns (people, rows)."""
    rows = _positions(people.ids, new.ids)
    n = max(len(people), int(rows.max(initial=-1)) + 1)
    kwargs = {f.name: getattr(people, f.name) for f in fields(people)}
    out = object.__new__(type(people))
    out.__dict__.update(kwargs)
    _splice(out, rows, new, n)
    return out, rows


def model_update(model, *, mentees: Mentees | None = None, mentors: Mentors | None = None):
    """Put changed or new people into a fitted model, in place; returns (mentee rows, mentor rows).

    Scores of the other pairs do not change. The mentor-side tables are
    rebuilt (O(mentors)) when mentors change; the dense/sparse feature split
    chosen at fit time is kept.
    """
    mentee_rows = np.zeros(0, np.int64)
    mentor_rows = np.zeros(0, np.int64)
    if mentees is not None and len(mentees):
        _, side = model._side_for(None)
        model._blocks(side)
        new_side = model._blocks(model._transform(mentees))
        model.mentees_, mentee_rows = people_put(model.mentees_, mentees)
        _splice(side, mentee_rows, new_side, len(model.mentees_))
    if mentors is not None and len(mentors):
        side = model._mentor_side
        new_side = model._blocks(model._transform(mentors))
        model.mentors_, mentor_rows = people_put(model.mentors_, mentors)
        _splice(side, mentor_rows, new_side, len(model.mentors_))
        model._prepare_mentor_tables(keep_columns=True)
    return mentee_rows, mentor_rows


def _side_subset(side, cols: np.ndarray):
    out = copy.copy(side)
    for f in fields(side):
        value = getattr(side, f.name)
        if value is None:
            continue
        if sp.issparse(value) or isinstance(value, np.ndarray):
            setattr(out, f.name, value[cols])
        else:
            setattr(out, f.name, [value[i] for i in cols.tolist()])
    return out


def mentor_view(model, cols: np.ndarray):
    """A shallow copy of a fitted model that knows only the mentors ``cols`` (same maths)."""
    cols = np.asarray(cols, dtype=np.int64)
    view = copy.copy(model)
    view.mentors_ = model.mentors_.subset(cols)
    view._mentor_side = _side_subset(model._mentor_blocks(), cols)
    # one chunk of up to ~2M pairs: few mentors, so many mentee rows per chunk
    view.config_ = model.config_.replace(chunk_size=max(1000, 2_000_000 // max(len(cols), 1)))
    view._prepare_mentor_tables(keep_columns=True)
    return view


def score_columns(
    model, cols: np.ndarray, *, exclusions: Exclusions | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The mentors ``cols`` against every fitted mentee, as a full run computes them.

    Returns ``scores`` (n, len(cols)) float32, NaN where a filter forbids the
    pair (or it scores at most ``min_score``), and ``components`` (n, len(cols), 6).
    """
    cols = np.asarray(cols, dtype=np.int64)
    view = mentor_view(model, cols)
    cands = view.candidates(exclusions=exclusions, width=len(cols))
    n, m = len(cands.rows), len(cols)
    scores = np.full((n, m), np.nan, np.float32)
    comps = np.full((n, m, cands.components.shape[2]), np.nan, np.float32)
    r, k = np.nonzero(cands.mentor_index >= 0)
    c = cands.mentor_index[r, k]
    scores[cands.rows[r], c] = cands.scores[r, k]
    comps[cands.rows[r], c] = cands.components[r, k]
    return scores, comps
