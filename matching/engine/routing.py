"""Routing a question to the mentors best placed to answer it.

A question is scored like a one-person mentee against the fitted
:class:`~matching.engine.model.MatchModel`: the same skills component (TF-IDF
of skills plus their categories, blended with the LSA co-occurrence cosine),
the same text component (the goals TF-IDF, here over the question's title and
body against the mentor's headline, bio, strengths and skills) and the same
responsiveness (the smoothed rate of answering requests in time). Seniority,
context and availability do not apply to a written question, so they are left
out; the three remaining weights are the routing's own (:class:`RoutingWeights`).

Pure numpy/scipy: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import MatchModel
from .types import Mentees


@dataclass(frozen=True)
class RoutingWeights:
    """Share of each component in a routing score (normalised to sum 1)."""

    skills: float = 0.6
    text: float = 0.25
    responsiveness: float = 0.15
    #: A mentor is asked only when the skills or the text component reaches this
    #: (the LSA part alone is rarely exactly 0: a faint co-occurrence is no reason).
    min_relevance: float = 0.05

    def vector(self) -> np.ndarray:
        w = np.array([self.skills, self.text, self.responsiveness], dtype=np.float64)
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError("routing weights must be non-negative and not all zero")
        return w / w.sum()


@dataclass
class RoutingScores:
    """Per mentor row of the model: the components and the total (-inf: not allowed)."""

    skills: np.ndarray
    text: np.ndarray
    responsiveness: np.ndarray
    total: np.ndarray

    def ranked(self, limit: int | None = None) -> np.ndarray:
        """Mentor rows by descending score (ties: lower row first), allowed and > 0 only."""
        ok = np.flatnonzero(np.isfinite(self.total) & (self.total > 0))
        if limit is not None and limit < len(ok):
            part = np.argpartition(-self.total[ok], limit - 1)[:limit]
            ok = ok[part]
        order = np.lexsort((ok, -self.total[ok]))
        return ok[order]


def question_as_mentee(
    *, skills: dict[str, float], text: str, languages: frozenset[str] = frozenset(), asker_id=-1
) -> Mentees:
    """A one-row :class:`Mentees` standing for a question (``asker_id`` is never routed to)."""
    return Mentees.from_records(
        [{"id": asker_id, "skills": skills, "text": text, "languages": languages}]
    )


def route_scores(
    model: MatchModel,
    question: Mentees,
    *,
    weights: RoutingWeights | None = None,
    allowed: np.ndarray | None = None,
) -> RoutingScores:
    """Score one question (a one-row ``Mentees``) against every mentor of ``model``.

    ``allowed`` (bool per mentor row) removes mentors the caller already knows
    cannot take it; mentors sharing no language with the asker (when both
    gave languages) and the asker themself are removed here.
    """
    if len(question) != 1:
        raise ValueError("route one question at a time")
    weights = weights or RoutingWeights()
    w = weights.vector()
    r = model._mentor_side
    q = model._transform(question)
    alpha = model._alpha
    tfidf = np.asarray((q.skills_sparse @ r.skills_sparse.T).todense()).ravel()
    lsa = (r.skills_dense @ q.skills_dense[0]).astype(np.float64) if alpha > 0 else 0.0
    skills = np.clip((1 - alpha) * tfidf + alpha * lsa, 0, 1)
    # Without any skill or word in common the question says nothing about the mentor.
    text = np.asarray((q.goals @ r.goals.T).todense()).ravel().astype(np.float64)
    resp = np.asarray(model._responsiveness, dtype=np.float64)
    relevant = (skills >= weights.min_relevance) | (text >= weights.min_relevance)
    total = np.where(relevant, w[0] * skills + w[1] * text + w[2] * resp, -np.inf)
    mask = model._language_row(question.languages[0])
    own = model._mentor_columns(question.ids)
    if own[0] >= 0:
        mask = mask.copy()
        mask[own[0]] = False
    if allowed is not None:
        mask = mask & np.asarray(allowed, dtype=bool)
    total = np.where(mask, total, -np.inf)
    return RoutingScores(skills=skills, text=text, responsiveness=resp, total=total)
