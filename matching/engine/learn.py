"""Learning component weights from accept / decline outcomes.

A logistic regression on the component matrix. Weights must stay
non-negative (a component that *lowers* the score as it improves would be
nonsense to show an admin), so features whose coefficient comes out negative
are dropped and the model refitted (an active-set loop); the remaining
coefficients are normalised to sum 1. The admin sees the held-out ROC AUC of
the learned weights next to that of the configured weights on the same split.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split

from .config import COMPONENTS


@dataclass
class WeightLearningResult:
    """Outcome of :func:`learn_weights`.

    ``ok`` is False with a ``reason`` when there is not enough data; then
    ``weights`` are the configured ones.
    """

    ok: bool
    reason: str
    weights: dict[str, float]
    configured_weights: dict[str, float]
    auc_learned: float | None = None
    auc_configured: float | None = None
    n_outcomes: int = 0
    n_train: int = 0
    n_test: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _normalised(weights: Mapping[str, float]) -> dict[str, float]:
    total = sum(max(float(weights.get(c, 0.0)), 0.0) for c in COMPONENTS)
    return {c: max(float(weights.get(c, 0.0)), 0.0) / total for c in COMPONENTS}


def learn_weights(
    X_components: np.ndarray,
    y_accepted: np.ndarray,
    configured_weights: Mapping[str, float],
    random_state: int | None = 0,
    test_size: float = 0.3,
    min_outcomes: int = 60,
    min_per_class: int = 15,
    C: float = 1.0,
) -> WeightLearningResult:
    """Fit non-negative, normalised component weights from outcomes.

    Parameters
    ----------
    X_components : ndarray, shape (n, 6)
        Components of each requested pair, in ``COMPONENTS`` order.
    y_accepted : ndarray of bool/int, shape (n,)
        1 = accepted, 0 = declined.
    configured_weights : dict
        The weights in use, compared on the same held-out split.
    random_state : int or None
        Seeds the train/test split.
    test_size : float
    min_outcomes, min_per_class : int
        Below these the function refuses (``ok=False``).
    C : float
        Inverse regularisation strength.

    Returns
    -------
    WeightLearningResult
    """
    X = np.asarray(X_components, dtype=np.float64)
    y = np.asarray(y_accepted).astype(int).ravel()
    configured = _normalised(configured_weights)
    n = len(y)
    counts = np.bincount(y, minlength=2) if n else np.zeros(2, int)
    base = {"ok": False, "weights": configured, "configured_weights": configured, "n_outcomes": n}
    if X.ndim != 2 or X.shape != (n, len(COMPONENTS)):
        raise ValueError(f"X_components must have shape (n, {len(COMPONENTS)})")
    if counts.min() == 0:
        return WeightLearningResult(reason="not enough data: outcomes of a single class", **base)
    if n < min_outcomes or counts.min() < min_per_class:
        return WeightLearningResult(
            reason=(
                f"not enough data: {n} outcomes ({counts[1]} accepted, {counts[0]} declined); "
                f"need {min_outcomes} with {min_per_class} of each"
            ),
            **base,
        )
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, random_state=random_state, stratify=y
    )
    active = list(range(X.shape[1]))
    coef = np.zeros(X.shape[1])
    while active:
        lr = LogisticRegression(C=C, max_iter=1000).fit(X_train[:, active], y_train)
        c = lr.coef_[0]
        if (c >= 0).all():
            coef[active] = c
            break
        active = [a for a, v in zip(active, c, strict=True) if v > 0]
    if coef.sum() <= 0:
        return WeightLearningResult(
            reason="no component predicts acceptance (all coefficients <= 0)", **base
        )
    learned = {name: float(v / coef.sum()) for name, v in zip(COMPONENTS, coef, strict=True)}
    w_learned = np.array([learned[c] for c in COMPONENTS])
    w_conf = np.array([configured[c] for c in COMPONENTS])
    return WeightLearningResult(
        ok=True,
        reason="learned",
        weights=learned,
        configured_weights=configured,
        auc_learned=float(roc_auc_score(y_test, X_test @ w_learned)),
        auc_configured=float(roc_auc_score(y_test, X_test @ w_conf)),
        n_outcomes=n,
        n_train=len(y_train),
        n_test=len(y_test),
        details={
            "dropped_components": [COMPONENTS[i] for i in range(len(COMPONENTS)) if coef[i] == 0]
        },
    )
