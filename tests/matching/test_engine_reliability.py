"""Reliability from sessions, folded into responsiveness (docs/engine.md)."""

import numpy as np

from matching.engine import components as C
from matching.engine.config import EngineConfig


def test_no_evidence_leaves_responsiveness_unchanged():
    cfg = EngineConfig()
    assert C.reliability(np.zeros(3), np.zeros(3), cfg).tolist() == [1.0, 1.0, 1.0]


def test_kept_sessions_never_raise_and_missed_ones_lower_the_factor():
    cfg = EngineConfig()
    factor = C.reliability(np.array([10.0, 5.0, 5.0]), np.array([10.0, 3.0, 0.0]), cfg)
    assert factor[0] == 1.0
    # (3 + 0.9 * 5) / (5 + 5) / 0.9
    assert np.isclose(factor[1], 0.75 / 0.9)
    assert np.isclose(factor[2], 0.45 / 0.9)
    assert factor[2] < factor[1] < factor[0]
