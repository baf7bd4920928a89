"""Plain result containers returned by the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Candidates:
    """Each mentee's best mentors before balancing, best first.

    Attributes
    ----------
    rows : ndarray of int64, shape (c,)
        Rows of the ``Mentees`` these lists belong to.
    mentor_index : ndarray of int64, shape (c, w)
        Mentor rows, -1 where fewer than ``w`` mentors pass the filters.
    scores : ndarray of float32, shape (c, w)
        NaN padding.
    components : ndarray of float32, shape (c, w, 6)
        In ``COMPONENTS`` order, NaN padding.
    """

    rows: np.ndarray
    mentor_index: np.ndarray
    scores: np.ndarray
    components: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)

    @classmethod
    def concat(cls, parts: Sequence[Candidates]) -> Candidates:
        """Join the candidates of chunk tasks (same width) into one set."""
        return cls(
            rows=np.concatenate([p.rows for p in parts]),
            mentor_index=np.concatenate([p.mentor_index for p in parts]),
            scores=np.concatenate([p.scores for p in parts]),
            components=np.concatenate([p.components for p in parts]),
        )


@dataclass
class TopK(Candidates):
    """The suggestions: ``k`` columns of :class:`Candidates`, plus balancing figures.

    Attributes
    ----------
    mentor_ids : ndarray of int64, shape (c, k)
        User ids of the suggested mentors, -1 padding (set by ``MatchModel``).
    exposure_prices : ndarray of float, shape (n_mentors,)
        Score penalty per mentor found by balancing (0 = not over-exposed); pass
        it back for incremental re-scores.
    stats : dict
        ``gini_before``, ``gini_after`` (appearances per free place),
        ``mean_score_before``, ``mean_score_after``, ``mean_score_cost``.
    """

    mentor_ids: np.ndarray | None = None
    exposure_prices: np.ndarray | None = None
    stats: dict = field(default_factory=dict)
