"""Learning weights from accept/decline outcomes (no DB)."""

import numpy as np

from matching.engine import COMPONENTS, learn_weights

CONFIGURED = {
    "skills": 1,
    "goals": 1,
    "seniority": 1,
    "context": 1,
    "availability": 1,
    "responsiveness": 1,
}


def outcomes(n, true_w, seed=0):
    true_w = [*true_w, *[0] * (len(COMPONENTS) - len(true_w))]  # later components: no effect
    rng = np.random.default_rng(seed)
    X = rng.random((n, len(COMPONENTS)))
    logit = 12 * (X @ np.array(true_w) - 0.5)
    y = rng.random(n) < 1 / (1 + np.exp(-logit))
    return X, y.astype(int)


def test_recovers_weights_and_beats_configured():
    true_w = [0.5, 0.3, 0.2, 0, 0, 0]
    X, y = outcomes(6000, true_w)
    res = learn_weights(X, y, CONFIGURED, random_state=0)
    assert res.ok and res.reason == "learned"
    learned = np.array([res.weights[c] for c in COMPONENTS])
    assert abs(learned.sum() - 1) < 1e-9 and (learned >= 0).all()
    assert np.abs(learned[: len(true_w)] - np.array(true_w)).max() < 0.08
    assert res.auc_learned > res.auc_configured
    assert res.n_train + res.n_test == 6000


def test_negative_effects_are_dropped_not_negative():
    rng = np.random.default_rng(1)
    X = rng.random((3000, len(COMPONENTS)))
    y = (rng.random(3000) < 1 / (1 + np.exp(-8 * (X[:, 0] - X[:, 5])))).astype(int)
    res = learn_weights(X, y, CONFIGURED, random_state=0)
    assert res.ok and res.weights["responsiveness"] == 0 and res.weights["skills"] > 0.5
    assert "responsiveness" in res.details["dropped_components"]


def test_refuses_with_too_little_or_one_class():
    X, y = outcomes(40, [1, 0, 0, 0, 0, 0])
    res = learn_weights(X, y, CONFIGURED)
    assert not res.ok and res.reason.startswith("not enough data")
    assert res.weights == res.configured_weights and res.auc_learned is None
    X, _ = outcomes(500, [1, 0, 0, 0, 0, 0])
    res = learn_weights(X, np.ones(500), CONFIGURED)
    assert not res.ok and "single class" in res.reason
    assert learn_weights(np.zeros((0, len(COMPONENTS))), np.zeros(0), CONFIGURED).ok is False
