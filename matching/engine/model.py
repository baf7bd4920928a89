"""The match model: a scikit-learn estimator that scores (mentee, mentor) pairs.

``fit`` learns the vocabularies (skills, skill categories, goal words), the IDF
weights and the skill co-occurrence model (LSA), and prepares the mentor side.
A fitted :class:`~matching.engine.relatedness.SkillRelatedness` passed as
``skill_model`` adds the ``related_skills`` component and replaces the LSA
(it learned the same kind of relation from more data); without one, the
``related_skills`` weight goes to ``skills``, which then keeps its LSA part.
Scoring is chunked over mentees: per chunk a few dense ``chunk x n_mentors``
float32 matrices are alive, never ``n_mentees x n_mentors``.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import saxpy
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from . import components as C
from .config import COMPONENTS, EngineConfig
from .results import Candidates, TopK
from .types import Exclusions, Mentees, Mentors

N_COMPONENTS = len(COMPONENTS)
SKILLS, GOALS, SENIORITY, CONTEXT, AVAILABILITY, RESPONSIVENESS, RELATED = range(N_COMPONENTS)
YEARS_RESOLUTION = 0.1  # years are keyed at this resolution so seniority tables stay small
PAIRS_PER_CHUNK = 4_000_000  # ~16 MB per float32 chunk buffer, whatever the number of mentors
# a call's categorical tables (distinct values x mentors) are built once when each
# holds at most this many cells (~32 MB of float32), else per chunk
CALL_TABLE_CELLS = 8_000_000


@dataclass
class _Side:
    """Transformed features of a group of people (mentees or mentors)."""

    skills_sparse: sp.csr_matrix  # L2-normalised TF-IDF of skills + category tokens
    skills_dense: np.ndarray  # L2-normalised LSA embedding (float32), (n, d) possibly d=0
    goals: sp.csr_matrix  # L2-normalised TF-IDF of the text
    hours: np.ndarray  # float32 (n, 168)
    hours_known: np.ndarray  # bool
    years: np.ndarray  # float64, rounded, NaN unknown
    industry: np.ndarray  # int codes, -1 unknown
    group: np.ndarray  # int codes, -1 unknown
    format_bits: np.ndarray  # int, 0 = any
    languages: list[frozenset[str]]
    # Skill-relatedness vectors (float32, (n, d), d = 0 without a skill model)
    related: np.ndarray | None = None
    # Column split of the TF-IDF matrices (filled by ``MatchModel._blocks``):
    # the few features most people share go to a dense block (BLAS), the long
    # tail stays sparse, so neither product degenerates.
    skills_block: np.ndarray | None = None
    skills_rest: sp.csr_matrix | None = None
    goals_block: np.ndarray | None = None
    goals_rest: sp.csr_matrix | None = None


@dataclass(frozen=True)
class _Tables:
    """The categorical components of some mentee rows as per-distinct-value tables
    ``(u, m)`` plus each row's position in them (``MatchModel._row_tables``)."""

    sen: np.ndarray
    sen_inv: np.ndarray
    ctx: np.ndarray
    ctx_inv: np.ndarray
    fmt: np.ndarray
    fmt_inv: np.ndarray
    lf: np.ndarray  # format share + mentor bias, -inf where a filter says no

    def of(self, a: int, b: int) -> _Tables:
        """The same tables for rows ``a:b`` of those they were built for."""
        return _Tables(
            sen=self.sen,
            sen_inv=self.sen_inv[a:b],
            ctx=self.ctx,
            ctx_inv=self.ctx_inv[a:b],
            fmt=self.fmt,
            fmt_inv=self.fmt_inv[a:b],
            lf=self.lf,
        )


def _context_key(side: _Side, rows: np.ndarray) -> np.ndarray:
    """One integer per row for its (industry, occupation group) pair."""
    return side.industry[rows] * 1_000_003 + side.group[rows]


def _codes(values: Sequence[str], vocabulary: dict[str, int]) -> np.ndarray:
    # A value the mentors never used gets a code no mentor has (-2), so it is
    # known but equal to nobody.
    return np.array([-1 if not v else vocabulary.get(v, -2) for v in values], dtype=np.int64)


def _dense_columns(a: sp.csr_matrix, b: sp.csr_matrix, n: int) -> np.ndarray:
    """The ``n`` features that cost a sparse product the most (df_mentees x df_mentors)."""
    cost = np.bincount(a.indices, minlength=a.shape[1]).astype(np.float64)
    cost *= np.bincount(b.indices, minlength=b.shape[1])
    cols = np.argsort(-cost, kind="stable")[:n]
    return np.sort(cols[cost[cols] > 0])


def _split(m: sp.csr_matrix, cols: np.ndarray) -> tuple[np.ndarray, sp.csr_matrix]:
    """(dense columns ``cols``, sparse matrix with those columns zeroed out)."""
    dense = np.ascontiguousarray(m[:, cols].toarray(), dtype=np.float32)
    keep = np.ones(m.shape[1], np.float32)
    keep[cols] = 0
    rest = (m @ sp.diags(keep)).tocsr()
    rest.eliminate_zeros()
    return dense, rest.astype(np.float32)


def _rows_slice(rows: np.ndarray) -> slice | np.ndarray:
    """``rows`` as a slice when they are consecutive (a view instead of a copy)."""
    if len(rows) and rows[-1] - rows[0] + 1 == len(rows) and (np.diff(rows) == 1).all():
        return slice(int(rows[0]), int(rows[-1]) + 1)
    return rows


def _add_sparse(target: np.ndarray, m: sp.csr_matrix) -> None:
    """target += m for a canonical (duplicate-free) sparse matrix."""
    coo = m.tocoo()
    target[coo.row, coo.col] += coo.data


def _add_scaled(target: np.ndarray, source: np.ndarray, scale: float) -> None:
    """target += scale * source, in place, in one BLAS pass over C-contiguous float32 arrays."""
    if scale:
        saxpy(source.reshape(-1), target.reshape(-1), a=scale)


class MatchModel(BaseEstimator):
    """Scores mentee-mentor pairs and lists each mentee's best mentors.

    Parameters
    ----------
    config : EngineConfig or dict, optional
        Weights, filters, top-k and balancing settings (defaults when None).
    skill_categories : dict of str to str, optional
        Skill name -> category (the O*NET commodity title). Each skill then also
        contributes its category as a lower-weight token, so related tools match.
    random_state : int, RandomState or None
        Seeds the randomized SVD of the skill co-occurrence model.
    skill_model : SkillRelatedness, optional
        A fitted skill-relatedness model (learned skill vectors); it gives the
        ``related_skills`` component and the "close to" explanations.

    Attributes
    ----------
    config_ : EngineConfig
    skill_vocabulary_ : dict of str to int
    category_vocabulary_ : dict of str to int
    skill_idf_, category_idf_ : ndarray
    skill_svd_ : TruncatedSVD or None
    goals_vectorizer_ : TfidfVectorizer
    mentors_ : Mentors
        The mentors the model was fitted with; scores refer to their rows.
    mentees_ : Mentees
        The mentees the model was fitted with (default for scoring).
    skill_model_ : SkillRelatedness or None
        The skill model in use (None when none was given or its weight is 0).
    weights_ : ndarray of float, shape (n_components,)
        Weights in use, normalised (``related_skills`` is 0 without a skill model).
    """

    def __init__(
        self,
        config: EngineConfig | Mapping[str, Any] | None = None,
        skill_categories=None,
        random_state=None,
        skill_model=None,
    ):
        self.config = config
        self.skill_categories = skill_categories
        self.random_state = random_state
        self.skill_model = skill_model

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        mentees: Mentees,
        mentors: Mentors,
        skill_documents: Sequence[Mapping[str, float]] | None = None,
    ):
        """Learn vocabularies, IDF weights and the skill relation model.

        Parameters
        ----------
        mentees : Mentees
        mentors : Mentors
        skill_documents : list of dict, optional
            Extra skill lists (e.g. occupation tool lists) that only inform the
            IDF weights and the co-occurrence model.

        Returns
        -------
        self : MatchModel
        """
        cfg = self.config
        if cfg is None:
            cfg = EngineConfig()
        elif not isinstance(cfg, EngineConfig):
            cfg = EngineConfig.from_dict(cfg)
        self.config_ = cfg
        weights = np.array(cfg.weight_vector(), dtype=np.float64)
        use_related = self.skill_model is not None and weights[RELATED] > 0
        if use_related:
            # clone() hands estimator parameters over unfitted (scikit-learn's rule):
            # pass sklearn.frozen.FrozenEstimator(skill_model) to keep it fitted.
            check_is_fitted(self.skill_model, msg="skill_model must be a fitted SkillRelatedness")
        self.skill_model_ = self.skill_model if use_related else None
        if not use_related:
            weights[SKILLS] += weights[RELATED]
            weights[RELATED] = 0.0
        self.weights_ = weights
        categories = dict(self.skill_categories or {})
        extra = list(skill_documents or [])

        names: set[str] = set()
        for doc in (*mentees.skills, *mentors.skills, *extra):
            names.update(doc)
        self.skill_vocabulary_ = {name: j for j, name in enumerate(sorted(names))}
        self.category_vocabulary_ = {
            c: j for j, c in enumerate(sorted({categories[n] for n in names if n in categories}))
        }
        self._categories = categories

        raw_e = self._raw_skills(mentees.skills, cfg.skill_priority_max)
        raw_r = self._raw_skills(mentors.skills, cfg.skill_level_max)
        raw_x = self._raw_skills(extra, 1.0)
        population = sp.vstack([raw_e, raw_r, raw_x]).tocsr()
        n_docs = population.shape[0]
        df = np.bincount(population.indices, minlength=population.shape[1])
        self.skill_idf_ = (np.log((1 + n_docs) / (1 + df)) + 1).astype(np.float32)
        cat_pop = population @ self._category_projection()
        cat_df = np.bincount(cat_pop.tocsr().indices, minlength=cat_pop.shape[1])
        self.category_idf_ = (np.log((1 + n_docs) / (1 + cat_df)) + 1).astype(np.float32)

        self.skill_svd_ = None
        n_comp = min(cfg.skill_lsa_components, len(self.skill_vocabulary_) - 1, n_docs - 1)
        if cfg.skill_lsa_weight > 0 and n_comp >= 2 and self.skill_model_ is None:
            tfidf = normalize(population @ sp.diags(self.skill_idf_))
            self.skill_svd_ = TruncatedSVD(n_components=n_comp, random_state=self.random_state).fit(
                tfidf
            )

        self.goals_vectorizer_ = TfidfVectorizer(
            stop_words="english",
            sublinear_tf=True,
            dtype=np.float32,
            min_df=cfg.goals_min_df,
            max_features=cfg.goals_max_features,
        )
        try:
            goals = self.goals_vectorizer_.fit_transform([*mentees.text, *mentors.text]).tocsr()
        except ValueError:  # no words at all (empty texts): the goals component is 0
            self.goals_vectorizer_ = None
            goals = sp.csr_matrix((len(mentees) + len(mentors), 1), dtype=np.float32)
        n = len(mentees)

        self.industry_vocabulary_ = {
            v: j for j, v in enumerate(sorted({x for x in mentors.industry if x}))
        }
        self.group_vocabulary_ = {
            v: j for j, v in enumerate(sorted({x for x in mentors.occupation_group if x}))
        }
        self.mentors_ = mentors
        self.mentees_ = mentees
        self._mentor_side = self._transform(mentors, raw_r, goals[n:])
        self._mentee_side = self._transform(mentees, raw_e, goals[:n])
        self._prepare_mentor_tables()
        return self

    def _category_projection(self) -> sp.csr_matrix:
        cached = getattr(self, "_category_projection_", None)
        if cached is None or cached.shape[0] != len(self.skill_vocabulary_):
            cached = self._category_projection_ = self._category_projection_build()
        return cached

    def _category_projection_build(self) -> sp.csr_matrix:
        rows, cols = [], []
        for name, j in self.skill_vocabulary_.items():
            cat = self._categories.get(name)
            if cat is not None:
                rows.append(j)
                cols.append(self.category_vocabulary_[cat])
        return sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, cols)),
            shape=(len(self.skill_vocabulary_), max(len(self.category_vocabulary_), 1)),
        )

    def _raw_skills(self, docs: Sequence[Mapping[str, float]], scale: float) -> sp.csr_matrix:
        vocab = self.skill_vocabulary_
        indptr, indices, data = [0], [], []
        for doc in docs:
            for name, weight in doc.items():
                j = vocab.get(name)
                if j is not None and weight > 0:
                    indices.append(j)
                    data.append(float(weight) / scale)
            indptr.append(len(indices))
        m = sp.csr_matrix(
            (np.array(data, np.float32), np.array(indices, np.int32), np.array(indptr, np.int64)),
            shape=(len(docs), len(vocab)),
        )
        m.sum_duplicates()
        return m

    def _skill_vectors(self, raw: sp.csr_matrix) -> tuple[sp.csr_matrix, np.ndarray]:
        cfg = self.config_
        tfidf = raw @ sp.diags(self.skill_idf_)
        parts = [tfidf]
        if cfg.skill_category_weight > 0 and self.category_vocabulary_:
            cats = (raw @ self._category_projection()) @ sp.diags(
                self.category_idf_ * cfg.skill_category_weight
            )
            parts.append(cats)
        sparse = normalize(sp.hstack(parts).tocsr()).astype(np.float32)
        if self.skill_svd_ is not None:
            dense = self.skill_svd_.transform(normalize(tfidf)).astype(np.float32)
            dense = normalize(dense).astype(np.float32)
        else:
            dense = np.zeros((raw.shape[0], 0), np.float32)
        return sparse, dense

    def _transform(self, people: Mentees, raw: sp.csr_matrix | None = None, goals=None) -> _Side:
        cfg = self.config_
        if raw is None:
            raw = self._raw_skills(
                people.skills,
                cfg.skill_level_max if isinstance(people, Mentors) else cfg.skill_priority_max,
            )
        if goals is None and self.goals_vectorizer_ is None:
            goals = sp.csr_matrix((len(people), 1), dtype=np.float32)
        elif goals is None:
            goals = self.goals_vectorizer_.transform(people.text).tocsr()
        skills_sparse, skills_dense = self._skill_vectors(raw)
        if self.skill_model_ is not None:
            # a mentee's goals count as one more skill (measured: docs/engine.md)
            goals_text = None if isinstance(people, Mentors) else people.text
            related = self.skill_model_.transform(
                people.skills,
                categories=self._categories,
                texts=goals_text,
                text_weight=cfg.related_goals_weight,
            )
        else:
            related = np.zeros((len(people), 0), np.float32)
        hours = np.ascontiguousarray(people.available_hours, dtype=np.float32)
        return _Side(
            skills_sparse=skills_sparse,
            skills_dense=skills_dense,
            goals=goals.astype(np.float32),
            hours=hours,
            hours_known=people.available_hours.any(axis=1),
            years=np.round(people.years_experience / YEARS_RESOLUTION) * YEARS_RESOLUTION,
            industry=_codes(people.industry, self.industry_vocabulary_),
            group=_codes(people.occupation_group, self.group_vocabulary_),
            format_bits=np.array([C.format_bits(f) for f in people.formats], dtype=np.int64),
            languages=list(people.languages),
            related=np.ascontiguousarray(related, dtype=np.float32),
        )

    def _prepare_mentor_tables(self, keep_columns: bool = False) -> None:
        """Mentor-side matrices in the layout the chunk loop wants (scaled by weights).

        ``keep_columns``: keep the dense/sparse feature split chosen at fit time
        (after a few people changed, see ``update.model_update``).
        """
        cfg = self.config_
        w = self.weights_
        r = self._mentor_side
        mentors = self.mentors_
        alpha = cfg.skill_lsa_weight if self.skill_svd_ is not None else 0.0
        self._alpha = alpha
        self._weights = np.array(w, dtype=np.float64)
        if not keep_columns:
            e = self._mentee_side
            self._skills_cols = _dense_columns(
                e.skills_sparse, r.skills_sparse, cfg.dense_skill_features
            )
            self._goals_cols = _dense_columns(e.goals, r.goals, cfg.dense_goal_words)
        self._blocks(r)
        self._skills_block_T = np.ascontiguousarray(
            np.hstack(
                [
                    r.skills_block[:, : len(self._skills_cols)] * np.float32(1 - alpha),
                    r.skills_dense * np.float32(alpha),
                ]
            ).T
        )
        self._skills_rest_T = (r.skills_rest.T * np.float32(1 - alpha)).tocsr()
        self._goals_block_T = np.ascontiguousarray(r.goals_block.T)
        self._goals_rest_T = r.goals_rest.T.tocsr()
        self._related_T = np.ascontiguousarray(r.related.T)
        self._hours_T = np.ascontiguousarray(r.hours.T)
        # Mentor-only terms and mentor-only filters become one bias row.
        resp = C.responsiveness(mentors.requests_received, mentors.requests_answered_in_time, cfg)
        resp = resp * C.reliability(mentors.sessions_counted, mentors.sessions_kept, cfg)
        self._responsiveness = resp
        self._eligible = mentors.accepting & (mentors.capacity_left > 0)
        bias = w[RESPONSIVENESS] * resp
        self._bias = np.where(self._eligible, bias, -np.inf)
        langs = sorted({lang for s in r.languages for lang in s})
        self._language_index = {lang: i for i, lang in enumerate(langs)}
        incidence = np.zeros((len(langs), len(mentors)), dtype=bool)
        for j, s in enumerate(r.languages):
            for lang in s:
                incidence[self._language_index[lang], j] = True
        self._language_incidence = incidence
        self._language_unknown = np.array([not s for s in r.languages], dtype=bool)
        self._chunk_tables()
        order = np.argsort(mentors.ids, kind="stable")
        self._mentor_ids_sorted = mentors.ids[order]
        self._mentor_order = order

    def _chunk_tables(self) -> None:
        """The chunk loop's mentor side, restricted to mentors who can be suggested.

        A mentor who is not accepting or has no free place is filtered out
        anyway; leaving their columns out of every product makes the chunk
        matrices narrower (15% in the benchmark community). Columns keep the
        mentors' order, so ties break as before; results map back to mentor rows.
        """
        cols = np.flatnonzero(self._eligible)
        r = self._mentor_side
        self._cols = cols
        col_of = np.full(len(self.mentors_), -1, np.int64)
        col_of[cols] = np.arange(len(cols))
        self._col_of = col_of
        self._c_skills_block_T = np.ascontiguousarray(self._skills_block_T[:, cols])
        self._c_skills_rest_T = self._skills_rest_T[:, cols].tocsr()
        self._c_goals_block_T = np.ascontiguousarray(self._goals_block_T[:, cols])
        self._c_goals_rest_T = self._goals_rest_T[:, cols].tocsr()
        self._c_related_T = np.ascontiguousarray(self._related_T[:, cols])
        self._c_hours_T = np.ascontiguousarray(self._hours_T[:, cols])
        self._c_hours_known = r.hours_known[cols]
        self._c_years = r.years[cols]
        self._c_industry = r.industry[cols]
        self._c_group = r.group[cols]
        self._c_format_bits = r.format_bits[cols]
        self._c_bias = self._bias[cols].astype(np.float32)
        self._c_responsiveness = self._responsiveness[cols]

    # ------------------------------------------------------------- helpers
    def _mentor_blocks(self) -> _Side:
        return self._blocks(self._mentor_side)

    def _blocks(self, side: _Side) -> _Side:
        if side.skills_block is None:
            sk_dense, sk_rest = _split(side.skills_sparse, self._skills_cols)
            side.skills_block = np.ascontiguousarray(
                np.hstack([sk_dense, side.skills_dense]), dtype=np.float32
            )
            side.skills_rest = sk_rest
            side.goals_block, side.goals_rest = _split(side.goals, self._goals_cols)
        return side

    def _mentor_columns(self, ids: np.ndarray) -> np.ndarray:
        """Mentor row of each user id, -1 when the id is not a mentor."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(self._mentor_ids_sorted):
            return np.full(len(ids), -1, np.int64)
        pos = np.searchsorted(self._mentor_ids_sorted, ids)
        pos = np.minimum(pos, len(self._mentor_ids_sorted) - 1)
        found = self._mentor_ids_sorted[pos] == ids
        return np.where(found, self._mentor_order[pos], -1)

    def _language_row(self, langs: frozenset[str]) -> np.ndarray:
        if not langs:
            return np.ones(len(self.mentors_), dtype=bool)
        idx = [self._language_index[x] for x in langs if x in self._language_index]
        allowed = self._language_unknown.copy()
        if idx:
            allowed |= self._language_incidence[idx].any(axis=0)
        return allowed

    def _side_for(self, mentees: Mentees | None) -> tuple[Mentees, _Side]:
        if mentees is None or mentees is self.mentees_:
            if getattr(self, "_mentee_side", None) is None:
                # a model read back from storage (``persist``) recomputes it once
                self._mentee_side = self._transform(self.mentees_)
            return self.mentees_, self._mentee_side
        return mentees, self._transform(mentees)

    def _excluded_positions(
        self, mentees: Mentees, exclusions: Exclusions | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) positions never to suggest: the person themself and excluded pairs."""
        rows = [np.arange(len(mentees))]
        cols = [self._mentor_columns(mentees.ids)]
        if exclusions is not None and exclusions.pairs:
            e_ids, r_ids = exclusions.as_arrays()
            order = np.argsort(mentees.ids, kind="stable")
            sorted_ids = mentees.ids[order]
            pos = np.minimum(np.searchsorted(sorted_ids, e_ids), max(len(sorted_ids) - 1, 0))
            found = (sorted_ids[pos] == e_ids) if len(sorted_ids) else np.zeros(len(e_ids), bool)
            # A mentee id may occur once per row only; duplicates are not expected.
            rows.append(order[pos][found])
            cols.append(self._mentor_columns(r_ids)[found])
        r = np.concatenate(rows)
        c = np.concatenate(cols)
        keep = c >= 0
        return r[keep], c[keep]

    # ------------------------------------------------------------- tables
    def _row_tables(self, side: _Side, rows: np.ndarray) -> _Tables:
        """Per-distinct-value tables of the categorical components for ``rows``.

        Seniority by years, context by (industry, group), and formats + languages
        (with the mentor bias and the filters as -inf) by their combination: a
        table ``(u, m)`` per component and each row's position in it, so that
        ``table[inverse]`` is the rows' block. A run has a few dozen distinct
        values of each, so :meth:`candidates` builds the tables once for all its
        rows (see ``CALL_TABLE_CELLS``) and each chunk only takes from them.
        """
        cfg = self.config_
        w = self._weights
        m = len(self._cols)
        # seniority
        years = side.years[rows]
        key = np.where(np.isnan(years), np.inf, years)
        uniq, sen_inv = np.unique(key, return_inverse=True)
        uy = np.where(np.isinf(uniq), np.nan, uniq)
        sen = C.seniority(uy[:, None], self._c_years[None, :], cfg).astype(np.float32)
        # context
        key = _context_key(side, rows)
        uniq, first, ctx_inv = np.unique(key, return_index=True, return_inverse=True)
        ind = side.industry[rows][first]
        grp = side.group[rows][first]
        ctx = C.context(
            ind[:, None], self._c_industry[None, :], grp[:, None], self._c_group[None, :], cfg
        ).astype(np.float32)
        ctx = np.ascontiguousarray(np.broadcast_to(ctx, (len(uniq), m)))
        # formats + languages (filters) + mentor bias
        languages = side.languages
        langs = [languages[i] for i in rows.tolist()]
        lang_codes: dict[frozenset[str], int] = {}
        setdefault = lang_codes.setdefault
        lang_key = np.fromiter(
            (setdefault(s, len(lang_codes)) for s in langs), dtype=np.int64, count=len(langs)
        )
        key = lang_key * 4 + side.format_bits[rows]
        uniq, first, fmt_inv = np.unique(key, return_index=True, return_inverse=True)
        fmt = C.format_compatible(
            side.format_bits[rows][first][:, None], self._c_format_bits[None, :]
        )
        allowed = np.stack([self._language_row(langs[i])[self._cols] for i in first])
        if cfg.format_hard_filter:
            allowed &= fmt
        fmt = fmt.astype(np.float32)
        # format compatibility, filters (as -inf) and the mentor bias in one table
        lf = (w[AVAILABILITY] * cfg.format_share) * fmt + self._c_bias[None, :]
        lf[~allowed] = -np.inf
        return _Tables(
            sen=sen,
            sen_inv=sen_inv,
            ctx=ctx,
            ctx_inv=ctx_inv,
            fmt=fmt,
            fmt_inv=fmt_inv,
            lf=lf.astype(np.float32),
        )

    def _call_tables(self, side: _Side, rows: np.ndarray) -> _Tables | None:
        """The tables of all ``rows`` at once, or None when they would be too large
        (then each chunk builds its own)."""
        if not len(rows):
            return None
        m = max(len(self._cols), 1)
        if len(rows) * m <= CALL_TABLE_CELLS:  # fits whatever the distinct values (a column)
            return self._row_tables(side, rows)
        languages, bits = side.languages, side.format_bits
        distinct = max(
            len(np.unique(side.years[rows])),
            len(np.unique(_context_key(side, rows))),
            len({(languages[i], int(bits[i])) for i in rows.tolist()}),
        )
        if distinct * m > CALL_TABLE_CELLS:
            return None
        return self._row_tables(side, rows)

    # ------------------------------------------------------------- scoring
    def _chunk_rows(self) -> int:
        """Mentee rows per chunk: ``chunk_size``, fewer when there are many mentors, so a
        chunk's buffers stay about ``PAIRS_PER_CHUNK`` pairs (20,000 mentors: 200 rows)."""
        m = max(len(self._cols), 1)  # the columns a chunk scores (see _chunk_tables)
        return max(16, min(self.config_.chunk_size, PAIRS_PER_CHUNK // m))

    def _workspace(self, c: int) -> dict[str, np.ndarray]:
        """Per-thread chunk buffers, reused across chunks (no page faults per chunk)."""
        local = self._local
        m = len(self._cols)
        ws = getattr(local, "ws", None)
        if ws is None or ws["total"].shape[0] < c or ws["total"].shape[1] != m:
            size = c  # the first chunk is the largest of a call
            ws = {
                name: np.empty((size, m), np.float32)
                for name in ("skills", "goals", "hours", "total", "buf", "related")[
                    : 6 if self.skill_model_ is not None else 5
                ]
            }
            local.ws = ws
        return {name: a[:c] for name, a in ws.items()}

    def _score_chunk(
        self,
        side: _Side,
        rows: np.ndarray,
        width: int,
        excl_r: np.ndarray,
        excl_c: np.ndarray,
        tables: _Tables | None = None,
    ):
        cfg = self.config_
        w = self._weights
        m = len(self._cols)  # mentors who can be suggested (see _chunk_tables)
        c = len(rows)
        full_width = width
        if m == 0:
            return (
                np.full((c, width), -1, np.int64),
                np.full((c, width), np.nan, np.float32),
                np.full((c, width, N_COMPONENTS), np.nan, np.float32),
            )
        excl_c = self._col_of[excl_c]
        keep = excl_c >= 0
        excl_r, excl_c = excl_r[keep], excl_c[keep]
        ws = self._workspace(c)
        skills, goals, hours, total, buf = (
            ws["skills"],
            ws["goals"],
            ws["hours"],
            ws["total"],
            ws["buf"],
        )
        # contiguous rows (every chunk of a run) are taken as views, not copies
        pick = _rows_slice(rows)
        # skills = clip((1-a) * tfidf cosine + a * LSA cosine, 0, 1): dense block + sparse tail
        np.matmul(side.skills_block[pick], self._c_skills_block_T, out=skills)
        _add_sparse(skills, side.skills_rest[pick] @ self._c_skills_rest_T)
        if self._alpha:  # TF-IDF cosines of non-negative vectors are in [0, 1] already
            np.clip(skills, 0, 1, out=skills)
        np.multiply(skills, np.float32(w[SKILLS]), out=total)
        np.matmul(side.goals_block[pick], self._c_goals_block_T, out=goals)
        _add_sparse(goals, side.goals_rest[pick] @ self._c_goals_rest_T)
        _add_scaled(total, goals, w[GOALS])
        related = ws.get("related")
        if related is not None:
            # related_skills = clip(cosine of the learned skill vectors, 0, 1)
            np.matmul(side.related[pick], self._c_related_T, out=related)
            np.maximum(related, 0, out=related)  # cosines of unit vectors are <= 1
            _add_scaled(total, related, w[RELATED])
        # availability: hours part as a matrix; the format part comes with the tables
        np.matmul(side.hours[pick], self._c_hours_T, out=hours)
        np.minimum(hours, cfg.overlap_target_hours, out=hours)
        hours *= np.float32(1.0 / cfg.overlap_target_hours)
        known_r = self._c_hours_known
        if not known_r.all():
            hours[:, ~known_r] = cfg.unknown_availability
        known_e = side.hours_known[rows]
        if not known_e.all():
            hours[~known_e] = cfg.unknown_availability
        _add_scaled(total, hours, w[AVAILABILITY] * (1 - cfg.format_share))

        t = self._row_tables(side, rows) if tables is None else tables
        sen, sen_inv, ctx, ctx_inv = t.sen, t.sen_inv, t.ctx, t.ctx_inv
        fmt, fmt_inv = t.fmt, t.fmt_inv
        if w[SENIORITY]:
            np.take(sen, sen_inv, axis=0, out=buf)
            _add_scaled(total, buf, w[SENIORITY])
        if w[CONTEXT]:
            np.take(ctx, ctx_inv, axis=0, out=buf)
            _add_scaled(total, buf, w[CONTEXT])
        np.take(t.lf, fmt_inv, axis=0, out=buf)
        total += buf
        # pair exclusions (self, blocks, declines, active mentorships)
        if len(excl_r):
            total[excl_r, excl_c] = -np.inf

        width = min(width, m)
        if width < m:
            top = np.argpartition(total, m - width, axis=1)[:, m - width :]
        else:
            top = np.broadcast_to(np.arange(m), (c, m)).copy()
        vals = np.take_along_axis(total, top, axis=1)
        order = np.lexsort((top, -vals), axis=1)
        top = np.take_along_axis(top, order, axis=1)
        vals = np.take_along_axis(vals, order, axis=1)
        valid = np.isfinite(vals) & (vals > cfg.min_score)

        comps = np.empty((c, width, N_COMPONENTS), np.float32)
        comps[..., SKILLS] = np.take_along_axis(skills, top, axis=1)
        comps[..., GOALS] = np.take_along_axis(goals, top, axis=1)
        hrs = np.take_along_axis(hours, top, axis=1)
        comps[..., SENIORITY] = sen[sen_inv[:, None], top]
        comps[..., CONTEXT] = ctx[ctx_inv[:, None], top]
        comps[..., AVAILABILITY] = C.availability(hrs, fmt[fmt_inv[:, None], top], cfg)
        comps[..., RESPONSIVENESS] = self._c_responsiveness[top]
        comps[..., RELATED] = 0.0 if related is None else np.take_along_axis(related, top, axis=1)
        # float32 rounding may put a cosine a hair above 1 (the matrices are not clipped at 1)
        for col in (SKILLS, RELATED):
            np.minimum(comps[..., col], 1.0, out=comps[..., col])
        top = np.where(valid, self._cols[top], -1)  # back to mentor rows
        vals = np.where(valid, vals, np.nan).astype(np.float32)
        comps[~valid] = np.nan
        if width < full_width:  # fewer suggestible mentors than places: pad
            pad = full_width - width
            top = np.pad(top, ((0, 0), (0, pad)), constant_values=-1)
            vals = np.pad(vals, ((0, 0), (0, pad)), constant_values=np.nan)
            comps = np.pad(comps, ((0, 0), (0, pad), (0, 0)), constant_values=np.nan)
        return top.astype(np.int64), vals, comps

    def candidates(
        self,
        mentees: Mentees | None = None,
        exclusions: Exclusions | None = None,
        rows: Sequence[int] | np.ndarray | None = None,
        width: int | None = None,
    ) -> Candidates:
        """Each mentee's best ``width`` mentors before exposure balancing.

        Parameters
        ----------
        mentees : Mentees, optional
            Defaults to the fitted mentees (their transforms are cached). Pass a
            new ``Mentees`` (e.g. one person) for an incremental re-score.
        exclusions : Exclusions, optional
        rows : array of int, optional
            Only these rows of ``mentees`` (a chunk task of a full run).
        width : int, optional
            Defaults to ``config.candidate_width``.

        Returns
        -------
        Candidates
            ``rows`` (c,), ``mentor_index`` (c, width) mentor rows or -1,
            ``scores`` (c, width) or NaN, ``components`` (c, width, 6).
        """
        cfg = self.config_
        mentees, side = self._side_for(mentees)
        rows = np.arange(len(mentees)) if rows is None else np.asarray(rows, dtype=np.int64)
        width = min(width or cfg.candidate_width, max(len(self.mentors_), 1))
        excl_r_all, excl_c_all = self._excluded_positions(mentees, exclusions)
        # map mentee row -> position in ``rows``
        pos_of_row = np.full(len(mentees), -1, np.int64)
        pos_of_row[rows] = np.arange(len(rows))
        excl_p = pos_of_row[excl_r_all]
        keep = excl_p >= 0
        excl_p, excl_c = excl_p[keep], excl_c_all[keep]
        order = np.argsort(excl_p, kind="stable")
        excl_p, excl_c = excl_p[order], excl_c[order]

        side = self._blocks(side)
        step = self._chunk_rows()
        self._local = threading.local()  # buffers live for this call only
        chunks = [(s, min(s + step, len(rows))) for s in range(0, len(rows), step)]
        out_idx = np.full((len(rows), width), -1, np.int64)
        out_val = np.full((len(rows), width), np.nan, np.float32)
        out_comp = np.full((len(rows), width, N_COMPONENTS), np.nan, np.float32)
        if len(self.mentors_) == 0:
            return Candidates(rows=rows, mentor_index=out_idx, scores=out_val, components=out_comp)

        tables = self._call_tables(side, rows)

        def run(bounds: tuple[int, int]) -> None:
            a, b = bounds
            lo, hi = np.searchsorted(excl_p, [a, b])
            idx, val, comp = self._score_chunk(
                side,
                rows[a:b],
                width,
                excl_p[lo:hi] - a,
                excl_c[lo:hi],
                None if tables is None else tables.of(a, b),
            )
            out_idx[a:b], out_val[a:b], out_comp[a:b] = idx, val, comp

        if cfg.n_jobs > 1 and len(chunks) > 1:
            # Chunks run in threads (sparse products, BLAS and numpy release the
            # GIL); BLAS itself is pinned to one thread so they do not oversubscribe.
            with (
                _BLAS_LOCK,
                threadpool_limits(limits=1, user_api="blas"),
                ThreadPoolExecutor(cfg.n_jobs) as pool,
            ):
                list(pool.map(run, chunks))
        else:
            for bounds in chunks:
                run(bounds)
        self._local = None
        return Candidates(rows=rows, mentor_index=out_idx, scores=out_val, components=out_comp)

    def score_topk(
        self,
        mentees: Mentees | None = None,
        exclusions: Exclusions | None = None,
        rows: Sequence[int] | np.ndarray | None = None,
        k: int | None = None,
        balance: bool = True,
        exposure_prices: np.ndarray | None = None,
    ) -> TopK:
        """Top-k mentors of each mentee, exposure-balanced.

        Parameters
        ----------
        mentees, exclusions, rows
            As in :meth:`candidates`.
        k : int, optional
            Defaults to ``config.k``.
        balance : bool
            Apply exposure balancing (``config.exposure_strength`` > 0).
        exposure_prices : ndarray, optional
            Mentor prices from a previous full run (``TopK.exposure_prices``); an
            incremental re-score of a few mentees reuses them instead of
            re-balancing over a handful of lists.

        Returns
        -------
        TopK
            ``mentor_index`` (n, k) mentor rows (-1 padding), ``mentor_ids`` (n, k)
            (-1 padding), ``scores`` (n, k) (NaN padding), ``components``
            (n, k, 6) in :data:`COMPONENTS` order, plus balancing figures.
        """
        from .balance import select_topk

        cfg = self.config_
        cands = self.candidates(mentees, exclusions, rows)
        strength = cfg.exposure_strength if balance else 0.0
        result = select_topk(
            cands,
            capacity=self.mentors_.capacity_left,
            k=k or cfg.k,
            strength=strength,
            iterations=cfg.exposure_iterations,
            step=cfg.exposure_step,
            prices=exposure_prices if balance else None,
        )
        result.mentor_ids = np.where(
            result.mentor_index >= 0, self.mentors_.ids[result.mentor_index], -1
        )
        return result

    # ------------------------------------------------------------- pairs
    def score_pairs(
        self,
        mentee_rows: np.ndarray,
        mentor_rows: np.ndarray,
        mentees: Mentees | None = None,
        exclusions: Exclusions | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Components, score and whether the filters allow each given pair.

        Returns
        -------
        components : ndarray (p, 6)
        scores : ndarray (p,)
            Weighted sum of the components (computed even for filtered pairs).
        allowed : ndarray of bool (p,)
            False where a hard filter forbids the pair.
        """
        cfg = self.config_
        mentees, side = self._side_for(mentees)
        a = np.asarray(mentee_rows, dtype=np.int64)
        b = np.asarray(mentor_rows, dtype=np.int64)
        r = self._mentor_side
        alpha = self._alpha
        comp = np.zeros((len(a), N_COMPONENTS), np.float64)
        tfidf = np.asarray(side.skills_sparse[a].multiply(r.skills_sparse[b]).sum(axis=1)).ravel()
        lsa = (side.skills_dense[a] * r.skills_dense[b]).sum(axis=1) if alpha > 0 else 0.0
        comp[:, SKILLS] = np.clip((1 - alpha) * tfidf + alpha * lsa, 0, 1)
        comp[:, GOALS] = np.asarray(side.goals[a].multiply(r.goals[b]).sum(axis=1)).ravel()
        comp[:, SENIORITY] = C.seniority(side.years[a], r.years[b], cfg)
        comp[:, CONTEXT] = C.context(
            side.industry[a], r.industry[b], side.group[a], r.group[b], cfg
        )
        overlap = (side.hours[a] * r.hours[b]).sum(axis=1)
        hours = C.hours_score(overlap, side.hours_known[a] & r.hours_known[b], cfg)
        fmt = C.format_compatible(side.format_bits[a], r.format_bits[b])
        comp[:, AVAILABILITY] = C.availability(hours, fmt, cfg)
        comp[:, RESPONSIVENESS] = self._responsiveness[b]
        if self.skill_model_ is not None:
            cos = (side.related[a] * r.related[b]).sum(axis=1)
            comp[:, RELATED] = np.clip(cos, 0, 1)
        scores = comp @ self._weights
        allowed = self._eligible[b].copy()
        for p, (i, j) in enumerate(zip(a, b, strict=True)):
            if side.languages[i] and r.languages[j] and not (side.languages[i] & r.languages[j]):
                allowed[p] = False
        if cfg.format_hard_filter:
            allowed &= fmt
        excl_r, excl_c = self._excluded_positions(mentees, exclusions)
        if len(excl_r):
            forbidden = set(zip(excl_r.tolist(), excl_c.tolist(), strict=True))
            allowed &= np.array(
                [(i, j) not in forbidden for i, j in zip(a.tolist(), b.tolist(), strict=True)], bool
            )
        return comp, scores, allowed

    # -------------------------------------------------------- explanations
    def explain_pair(
        self, mentee_row: int, mentor_row: int, mentees: Mentees | None = None
    ) -> dict[str, Any]:
        """Components and human-readable reasons for one suggestion."""
        from .explain import explain_pair

        mentees, _ = self._side_for(mentees)
        comp, score, allowed = self.score_pairs(
            np.array([mentee_row]), np.array([mentor_row]), mentees
        )
        return explain_pair(
            mentee=mentees.subset([mentee_row]),
            mentor=self.mentors_.subset([mentor_row]),
            components=comp[0],
            score=float(score[0]),
            categories=self._categories,
            **self._explain_options(),
        )

    def _explain_options(self) -> dict[str, Any]:
        return {
            "relatedness": self.skill_model_,
            "related_threshold": self.config_.related_skill_threshold,
            "related_goals": self.config_.related_goals_weight > 0,
        }

    def explain_options(self) -> dict[str, Any]:
        """Keyword arguments that make :func:`explain.explain_pair` match this model."""
        return {"categories": self._categories, **self._explain_options()}

    def explain_topk(
        self, result: TopK, mentees: Mentees | None = None
    ) -> list[list[dict[str, Any]]]:
        """Explanations for every (mentee, suggestion) of a :class:`TopK`, using its components."""
        from .explain import explain_pair

        mentees, _ = self._side_for(mentees)
        out = []
        for pos, row in enumerate(result.rows):
            items = []
            for slot, j in enumerate(result.mentor_index[pos]):
                if j < 0:
                    continue
                items.append(
                    explain_pair(
                        mentee=mentees.subset([row]),
                        mentor=self.mentors_.subset([j]),
                        components=result.components[pos, slot],
                        score=float(result.scores[pos, slot]),
                        categories=self._categories,
                        **self._explain_options(),
                    )
                )
            out.append(items)
        return out


# OpenBLAS thread limits are process-wide; serialise scoring runs that change them.
_BLAS_LOCK = threading.Lock()
