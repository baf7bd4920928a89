"""Skill relatedness: a low-rank model of which skills occur together.

Two people in the same job rarely list the same tools, so exact-tag TF-IDF
gives them nothing in common. This model learns a vector per skill from
skill lists (occupations' tool lists, the platform's own profiles): the
truncated SVD of the document x skill TF-IDF matrix, so tools used in the
same jobs end up close. A person is the IDF- and level-weighted, normalised
mean of their skills' vectors; the cosine of two people is the
``related_skills`` score component.

Skills the fit never saw (free-text tags, pending ones, new aliases) are
placed as well as the data allows, in this order:

1. by category: the normalised mean of the known skills of their category;
2. by name: the similarity-weighted mean of the known skills whose names
   are closest in character n-grams ("Postgres" -> "PostgreSQL"), when the
   similarity reaches ``name_min_similarity``;
3. otherwise left out of the dense part (exact TF-IDF still matches them).

No Django import: the Django side stores the learned arrays
(:meth:`SkillRelatedness.to_arrays`) and rebuilds the estimator from them
(:meth:`SkillRelatedness.from_arrays`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.utils.validation import check_is_fitted

#: Arrays that fully describe a fitted model (see :meth:`SkillRelatedness.to_arrays`).
ARRAY_NAMES = (
    "names",
    "vectors",
    "idf",
    "categories",
    "category_vectors",
    "categorised_skills",
    "skill_category_codes",
    "words",
    "word_idf",
    "word_vectors",
    "aliases",
    "alias_targets",
)
#: Separator of the strings packed into one UTF-8 byte array (never in a skill name).
_SEP = "\x1f"


def _pack(strings: Sequence[str]) -> np.ndarray:
    """Strings as one uint8 array (a unicode array would store 4 bytes x the longest name each)."""
    return np.frombuffer(_SEP.join(strings).encode("utf-8"), dtype=np.uint8).copy()


def _unpack(packed: np.ndarray) -> list[str]:
    text = np.asarray(packed, dtype=np.uint8).tobytes().decode("utf-8")
    return text.split(_SEP) if text else []


def _key(name: str) -> str:
    return " ".join(str(name).lower().split())


def _word_vectorizer(**kwargs) -> TfidfVectorizer:
    return TfidfVectorizer(stop_words="english", sublinear_tf=True, dtype=np.float32, **kwargs)


def _as_weights(doc: Mapping[str, float] | Iterable[str]) -> dict[str, float]:
    if isinstance(doc, Mapping):
        return {str(k): float(v) for k, v in doc.items()}
    return {str(k): 1.0 for k in doc}


class SkillRelatedness(BaseEstimator):
    """Learned skill vectors from skill co-occurrence (truncated SVD).

    Parameters
    ----------
    n_components : int, default=128
        Dimensions of the skill vectors (capped by the data's rank).
    min_df : int, default=1
        A skill must occur in at least this many documents to get a vector.
    name_neighbors : int, default=5
        Known skills averaged to place an unknown skill by its name.
    name_min_similarity : float, default=0.3
        Character n-gram cosine a known name must reach to place an unknown skill
        (explanations ask more, see :meth:`related_pairs`).
    random_state : int, RandomState instance or None, default=None
        Seeds the randomized SVD.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Lower-cased skill name -> row of ``vectors_``.
    names_ : ndarray of str
        Skill names as given at fit time, in row order.
    vectors_ : ndarray of float32, shape (n_skills, n_dims)
        L2-normalised skill vectors.
    idf_ : ndarray of float32, shape (n_skills,)
        Smoothed IDF of each skill over the fit documents.
    category_vectors_ : dict of str to ndarray
        Category -> normalised mean vector of its known skills.
    skill_categories_ : dict of str to str
        Lower-cased skill name -> category, as known at fit time.
    aliases_ : dict of str to int
        Lower-cased alias -> row of ``vectors_``.
    words_, word_idf_, word_vectors_ : ndarray
        Words of the fit's texts and their vectors (empty when fitted without texts).
    n_documents_ : int
        Documents the model was fitted on (0 when rebuilt from arrays).
    explained_variance_ratio_ : float
        Share of the TF-IDF matrix's variance the vectors keep (NaN when rebuilt).
    """

    def __init__(
        self,
        n_components: int = 128,
        min_df: int = 1,
        name_neighbors: int = 5,
        name_min_similarity: float = 0.3,
        random_state=None,
    ):
        self.n_components = n_components
        self.min_df = min_df
        self.name_neighbors = name_neighbors
        self.name_min_similarity = name_min_similarity
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        documents: Sequence[Mapping[str, float] | Iterable[str]],
        y=None,
        categories: Mapping[str, str] | None = None,
        texts: Sequence[str | None] | None = None,
        aliases: Mapping[str, str] | None = None,
    ):
        """Learn skill vectors from skill lists.

        Parameters
        ----------
        documents : list of (dict of skill -> weight, or iterable of skill names)
            One list per occupation or per person; weights are ignored
            (a skill is in a list or not).
        y : ignored
        categories : dict of str to str, optional
            Skill name -> category, for placing unknown skills by category.
        texts : list of str or None, optional
            A text per document (an occupation's title and description); words
            then get vectors (the IDF-weighted mean of the documents they occur
            in), so a goal text can be placed among skills (:meth:`transform_text`).
        aliases : dict of str to str, optional
            Other names of a skill ("postgres" -> "PostgreSQL"): a tag typed as an
            alias takes the skill's vector.

        Returns
        -------
        self : SkillRelatedness
        """
        if self.n_components < 1:
            raise ValueError("n_components must be >= 1")
        if texts is not None and len(texts) != len(documents):
            raise ValueError(f"{len(texts)} texts for {len(documents)} documents")
        docs = [
            {_key(k) for k, w in _as_weights(d).items() if w > 0 and _key(k)} for d in documents
        ]
        shown: dict[str, str] = {}
        for d in documents:
            for k in _as_weights(d):
                shown.setdefault(_key(k), str(k).strip())
        df_all: dict[str, int] = {}
        for d in docs:
            for k in d:
                df_all[k] = df_all.get(k, 0) + 1
        keys = sorted(k for k, n in df_all.items() if n >= self.min_df)
        vocab = {k: j for j, k in enumerate(keys)}
        rows, cols = [], []
        for i, d in enumerate(docs):
            for k in d:
                j = vocab.get(k)
                if j is not None:
                    rows.append(i)
                    cols.append(j)
        n_docs, n_skills = len(docs), len(keys)
        X = sp.csr_matrix((np.ones(len(rows), np.float64), (rows, cols)), shape=(n_docs, n_skills))
        df = np.bincount(X.indices, minlength=n_skills)
        idf = np.log((1 + n_docs) / (1 + df)) + 1
        n_dims = min(self.n_components, n_skills - 1, n_docs - 1)
        if n_dims < 1:
            raise ValueError(
                f"need at least 2 documents and 2 skills to fit, got {n_docs} and {n_skills}"
            )
        tfidf = normalize(X @ sp.diags(idf))
        svd = TruncatedSVD(n_components=n_dims, random_state=self.random_state).fit(tfidf)
        # A skill's vector: its loadings scaled by the singular values (the
        # dimensions that explain more co-occurrence weigh more), normalised.
        vectors = normalize(svd.components_.T * svd.singular_values_).astype(np.float32)
        self.vocabulary_ = vocab
        self.names_ = np.array([shown[k] for k in keys], dtype=str)
        self.vectors_ = vectors
        self.idf_ = idf.astype(np.float32)
        self.n_documents_ = n_docs
        self.explained_variance_ratio_ = float(svd.explained_variance_ratio_.sum())
        self.skill_categories_ = {
            _key(k): str(c) for k, c in dict(categories or {}).items() if c and _key(k)
        }
        self.category_vectors_ = self._category_centroids()
        self._name_index = None
        self._fit_words(docs, texts)
        self.aliases_ = {
            _key(a): vocab[_key(t)]
            for a, t in dict(aliases or {}).items()
            if _key(a) and _key(t) in vocab and _key(a) not in vocab
        }
        return self

    def _fit_words(self, docs: list[set[str]], texts) -> None:
        self.words_ = np.array([], dtype=str)
        self.word_idf_ = np.zeros(0, np.float32)
        self.word_vectors_ = np.zeros((0, self.vectors_.shape[1]), np.float32)
        self._words = None
        if texts is None:
            return
        rows = [i for i, t in enumerate(texts) if t and str(t).strip()]
        if not rows:
            return
        vectorizer = _word_vectorizer()
        try:
            T = vectorizer.fit_transform([str(texts[i]) for i in rows])
        except ValueError:  # only stop words
            return
        # each text's document as a point in the skill space
        D = self.transform([dict.fromkeys(docs[i], 1.0) for i in rows])
        W = np.asarray(T.T @ D, dtype=np.float32)
        norms = np.linalg.norm(W, axis=1)
        keep = norms > 0
        self.words_ = np.array(vectorizer.get_feature_names_out()[keep], dtype=str)
        self.word_idf_ = vectorizer.idf_[keep].astype(np.float32)
        self.word_vectors_ = (W[keep] / norms[keep, None]).astype(np.float32)

    def _category_centroids(self) -> dict[str, np.ndarray]:
        members: dict[str, list[int]] = {}
        for k, c in self.skill_categories_.items():
            j = self.vocabulary_.get(k)
            if j is not None:
                members.setdefault(c, []).append(j)
        out = {}
        for c, js in sorted(members.items()):
            v = self.vectors_[js].mean(axis=0)
            norm = float(np.linalg.norm(v))
            if norm > 0:
                out[c] = (v / norm).astype(np.float32)
        return out

    # ------------------------------------------------------------ storage
    def to_arrays(self) -> dict[str, np.ndarray]:
        """The learned state as plain numeric arrays (safe for ``np.savez`` without pickle).

        Strings are packed as UTF-8 bytes; ``category_vectors`` has one row per
        entry of ``categories`` (zeros for a category with no known skill).
        """
        check_is_fitted(self, "vectors_")
        cats = sorted(set(self.skill_categories_.values()) | set(self.category_vectors_))
        code = {c: i for i, c in enumerate(cats)}
        dims = self.vectors_.shape[1]
        centroids = np.zeros((len(cats), dims), np.float32)
        for c, v in self.category_vectors_.items():
            centroids[code[c]] = v
        pairs = sorted(self.skill_categories_.items())
        return {
            "names": _pack(self.names_.tolist()),
            "vectors": self.vectors_.astype(np.float32),
            "idf": self.idf_.astype(np.float32),
            "categories": _pack(cats),
            "category_vectors": centroids,
            "categorised_skills": _pack([k for k, _ in pairs]),
            "skill_category_codes": np.array([code[c] for _, c in pairs], dtype=np.int32),
            "words": _pack(self.words_.tolist()),
            "word_idf": self.word_idf_.astype(np.float32),
            "word_vectors": self.word_vectors_.astype(np.float32).reshape(len(self.words_), dims),
            "aliases": _pack(sorted(self.aliases_)),
            "alias_targets": np.array(
                [self.aliases_[a] for a in sorted(self.aliases_)], dtype=np.int32
            ),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], **params: Any) -> SkillRelatedness:
        """A fitted model rebuilt from :meth:`to_arrays` output (no refit)."""
        missing = [n for n in ARRAY_NAMES[:7] if n not in arrays]  # words: optional
        if missing:
            raise ValueError(f"skill model arrays missing: {missing}")
        model = cls(**params)
        names = _unpack(arrays["names"])
        model.names_ = np.array(names, dtype=str)
        model.vocabulary_ = {_key(n): j for j, n in enumerate(names)}
        model.vectors_ = np.ascontiguousarray(arrays["vectors"], dtype=np.float32)
        model.idf_ = np.asarray(arrays["idf"], dtype=np.float32)
        cats = _unpack(arrays["categories"])
        centroids = np.asarray(arrays["category_vectors"], dtype=np.float32)
        if len(cats) != len(centroids):
            raise ValueError("skill model arrays disagree in length")
        model.category_vectors_ = {
            c: centroids[i] for i, c in enumerate(cats) if np.any(centroids[i])
        }
        keys = _unpack(arrays["categorised_skills"])
        codes = np.asarray(arrays["skill_category_codes"]).tolist()
        if len(keys) != len(codes):
            raise ValueError("skill model arrays disagree in length")
        model.skill_categories_ = {k: cats[i] for k, i in zip(keys, codes, strict=True)}
        dims = model.vectors_.shape[1]
        words = _unpack(arrays["words"]) if "words" in arrays else []
        model.words_ = np.array(words, dtype=str)
        model.word_idf_ = np.asarray(arrays.get("word_idf", np.zeros(0)), dtype=np.float32)
        model.word_vectors_ = np.asarray(
            arrays.get("word_vectors", np.zeros((0, dims))), dtype=np.float32
        ).reshape(len(words), dims)
        model._words = None
        alias_keys = _unpack(arrays["aliases"]) if "aliases" in arrays else []
        targets = np.asarray(arrays.get("alias_targets", np.zeros(0)), dtype=np.int64).tolist()
        model.aliases_ = dict(zip(alias_keys, targets, strict=True))
        model.n_documents_ = 0
        model.explained_variance_ratio_ = float("nan")
        model._name_index = None
        if len(names) != len(model.vectors_) or len(names) != len(model.idf_):
            raise ValueError("skill model arrays disagree in length")
        return model

    @property
    def n_dims_(self) -> int:
        check_is_fitted(self, "vectors_")
        return int(self.vectors_.shape[1])

    # ------------------------------------------------------ placing skills
    def _names_matrix(self):
        index = getattr(self, "_name_index", None)
        if index is None:
            vectorizer = TfidfVectorizer(
                analyzer="char_wb", ngram_range=(3, 4), lowercase=True, dtype=np.float32
            )
            matrix = vectorizer.fit_transform(list(self.vocabulary_))
            index = self._name_index = (vectorizer, matrix.T.tocsr())
        return index

    def place(
        self, names: Iterable[str], categories: Mapping[str, str] | None = None
    ) -> dict[str, tuple[np.ndarray, float, str, float]]:
        """Vector, IDF, how each name was placed ("known", "category" or "name") and
        the confidence (1, or the best name similarity).

        Names that cannot be placed are absent from the result. ``categories``
        (skill name -> category) adds what the fit did not know, e.g. a skill
        added to the taxonomy since.
        """
        check_is_fitted(self, "vectors_")
        extra = {_key(k): str(c) for k, c in dict(categories or {}).items() if c}
        max_idf = float(self.idf_.max()) if len(self.idf_) else 1.0
        out: dict[str, tuple[np.ndarray, float, str, float]] = {}
        by_name: list[str] = []
        for name in names:
            if name in out:
                continue
            key = _key(name)
            j = self.vocabulary_.get(key)
            if j is None:
                j = getattr(self, "aliases_", {}).get(key)
            if j is not None:
                out[name] = (self.vectors_[j], float(self.idf_[j]), "known", 1.0)
                continue
            cat = extra.get(key) or self.skill_categories_.get(key)
            if cat is not None and cat in self.category_vectors_:
                out[name] = (self.category_vectors_[cat], max_idf, "category", 1.0)
                continue
            if key:
                by_name.append(name)
        if by_name and len(self.vocabulary_) and self.name_neighbors > 0:
            vectorizer, known_t = self._names_matrix()
            query = vectorizer.transform([_key(n) for n in by_name])
            sims = (query @ known_t).toarray()
            k = min(self.name_neighbors, sims.shape[1])
            top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
            for i, name in enumerate(by_name):
                cols = top[i]
                s = sims[i, cols]
                ok = s >= self.name_min_similarity
                if not ok.any():
                    continue
                v = (s[ok, None] * self.vectors_[cols[ok]]).sum(axis=0)
                norm = float(np.linalg.norm(v))
                if norm > 0:
                    idf = float((s[ok] * self.idf_[cols[ok]]).sum() / s[ok].sum())
                    out[name] = ((v / norm).astype(np.float32), idf, "name", float(s.max()))
        return out

    def skill_vectors(
        self,
        names: Sequence[str],
        categories: Mapping[str, str] | None = None,
        min_confidence: float = 0.0,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(vectors (n, d) float32, placed (n,) bool) for ``names``; zeros where not placed
        (or placed by a name similarity below ``min_confidence``)."""
        check_is_fitted(self, "vectors_")
        placed = self.place(names, categories)
        out = np.zeros((len(names), self.vectors_.shape[1]), np.float32)
        ok = np.zeros(len(names), bool)
        for i, name in enumerate(names):
            hit = placed.get(name)
            if hit is not None and hit[3] >= min_confidence:
                out[i] = hit[0]
                ok[i] = True
        return out, ok

    # ------------------------------------------------------------ people
    def transform(
        self,
        documents: Sequence[Mapping[str, float] | Iterable[str]],
        categories: Mapping[str, str] | None = None,
        texts: Sequence[str] | None = None,
        text_weight: float = 1.0,
    ) -> np.ndarray:
        """People's vectors: normalised sum of IDF x weight x skill vector.

        Parameters
        ----------
        documents : list of (dict of skill -> weight, or iterable of names)
            A person's skills with their level / priority as the weight.
        categories : dict of str to str, optional
            Categories of skills the fit did not know.
        texts : list of str, optional
            A goal text per person (needs a fit with ``texts``): placed with
            :meth:`transform_text` and added as ``text_weight`` skills of the
            person's average weight, so it matters most to someone who lists
            few skills (and is the whole vector of someone who lists none).

        Returns
        -------
        ndarray of float32, shape (n, n_dims)
            L2-normalised; all zeros for a person none of whose skills could be placed.
        """
        check_is_fitted(self, "vectors_")
        docs = [_as_weights(d) for d in documents]
        names = sorted({k for d in docs for k in d})
        placed = self.place(names, categories)
        col = {name: i for i, name in enumerate(n for n in names if n in placed)}
        table = np.zeros((len(col), self.vectors_.shape[1]), np.float32)
        for name, i in col.items():
            vec, idf, _, _ = placed[name]
            table[i] = vec * np.float32(idf)
        indptr, indices, data = [0], [], []
        for d in docs:
            for name, w in d.items():
                i = col.get(name)
                if i is not None and w > 0:
                    indices.append(i)
                    data.append(w)
            indptr.append(len(indices))
        weights = sp.csr_matrix(
            (np.array(data, np.float32), np.array(indices, np.int64), np.array(indptr, np.int64)),
            shape=(len(docs), len(col)),
        )
        if len(col):
            out = np.asarray(weights @ table, dtype=np.float32)
        else:
            out = np.zeros((len(docs), self.vectors_.shape[1]), np.float32)
        if texts is not None and text_weight > 0 and len(self.words_):
            if len(texts) != len(docs):
                raise ValueError(f"{len(texts)} texts for {len(docs)} people")
            # one skill of the person's average weight (IDF x level), 1 x max IDF for none
            idf = np.zeros(len(col), np.float32)
            for name, i in col.items():
                idf[i] = placed[name][1]
            scaled = weights @ sp.diags(idf) if len(col) else weights
            count = np.diff(weights.indptr)
            unit = np.where(
                count > 0,
                np.asarray(scaled.sum(axis=1)).ravel() / np.maximum(count, 1),
                float(self.idf_.max()),
            )
            out += (text_weight * unit)[:, None].astype(np.float32) * self.transform_text(texts)
        return normalize(out).astype(np.float32)

    def transform_text(self, texts: Sequence[str]) -> np.ndarray:
        """Goal texts placed among the skills: normalised TF-IDF-weighted sum of word vectors.

        All zeros for a text with no known word (or when fitted without texts).
        """
        check_is_fitted(self, "vectors_")
        out = np.zeros((len(texts), self.vectors_.shape[1]), np.float32)
        if not len(self.words_) or not len(texts):
            return out
        vectorizer = self._words_vectorizer()
        T = vectorizer.transform([str(t or "") for t in texts])
        return normalize(np.asarray(T @ self.word_vectors_, dtype=np.float32)).astype(np.float32)

    def _words_vectorizer(self):
        vectorizer = getattr(self, "_words", None)
        if vectorizer is None:
            vectorizer = _word_vectorizer(vocabulary=self.words_.tolist())
            vectorizer.fit(self.words_.tolist())  # vocabulary fixed; idf replaced below
            vectorizer.idf_ = self.word_idf_.astype(np.float64)
            self._words = vectorizer
        return vectorizer

    def fit_transform(self, documents, y=None, categories=None):
        return self.fit(documents, categories=categories).transform(documents, categories)

    # ------------------------------------------------------- explanations
    def related_pairs(
        self,
        wanted: Iterable[str],
        offered: Iterable[str],
        threshold: float,
        categories: Mapping[str, str] | None = None,
        min_name_similarity: float = 0.5,
    ) -> list[tuple[str, str, float]]:
        """(wanted, offered, cosine) for every pair at or above ``threshold``.

        Exact matches (the same name) are left out: they are shared skills,
        not related ones. A skill placed only by a loose name resemblance
        (below ``min_name_similarity``) is never named. Best first.
        """
        wanted = list(dict.fromkeys(wanted))
        wanted_keys = {_key(w) for w in wanted}
        offered = [o for o in dict.fromkeys(offered) if _key(o) not in wanted_keys]
        if not wanted or not offered:
            return []
        wv, wok = self.skill_vectors(wanted, categories, min_name_similarity)
        ov, ook = self.skill_vectors(offered, categories, min_name_similarity)
        sims = wv @ ov.T
        sims[~wok] = -1
        sims[:, ~ook] = -1
        out = [
            (wanted[i], offered[j], float(sims[i, j]))
            for i, j in zip(*np.nonzero(sims >= threshold), strict=True)
        ]
        return sorted(out, key=lambda t: (-t[2], t[0], t[1]))
