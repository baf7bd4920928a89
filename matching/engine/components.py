"""Element-wise maths of the score components that are not TF-IDF products.

Each function is vectorised and returns values in [0, 1]; the model calls them
on small per-key tables (one row per distinct mentee value) or on pairs.
"""

from __future__ import annotations

import numpy as np

from .config import EngineConfig

FORMAT_BITS = {"flash": 1, "long_term": 2}


def smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def seniority(
    mentee_years: np.ndarray, mentor_years: np.ndarray, config: EngineConfig
) -> np.ndarray:
    """Fit of the experience gap ``mentor - mentee`` (broadcasting).

    0 when the mentor is behind or less than ``min_years_ahead`` ahead, rising
    smoothly to 1 at ``ideal_years_ahead``, falling smoothly to 0 at
    ``max_years_ahead``; ``unknown_seniority`` when either side is NaN.
    """
    gap = np.asarray(mentor_years, dtype=np.float64) - np.asarray(mentee_years, dtype=np.float64)
    lo, ideal, hi = config.min_years_ahead, config.ideal_years_ahead, config.max_years_ahead
    rise = smoothstep((gap - lo) / (ideal - lo)) if ideal > lo else (gap >= lo).astype(np.float64)
    fall = smoothstep((hi - gap) / (hi - ideal))
    value = rise * fall
    value = np.where(gap <= 0, 0.0, value)
    return np.where(np.isnan(gap), config.unknown_seniority, value)


def context(
    mentee_industry: np.ndarray,
    mentor_industry: np.ndarray,
    mentee_group: np.ndarray,
    mentor_group: np.ndarray,
    config: EngineConfig,
) -> np.ndarray:
    """Same / different industry and occupation group, as the programme prefers.

    Arguments are integer codes, ``-1`` meaning unknown (a part with an unknown
    side is worth ``unknown_context``).
    """
    if config.context_preference == "any":
        return np.ones(np.broadcast_shapes(np.shape(mentee_industry), np.shape(mentor_industry)))

    def part(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        same = a == b
        hit = same if config.context_preference == "same" else ~same
        return np.where((a < 0) | (b < 0), config.unknown_context, hit.astype(np.float64))

    share = config.context_industry_share
    return share * part(mentee_industry, mentor_industry) + (1 - share) * part(
        mentee_group, mentor_group
    )


def hours_score(overlap_hours: np.ndarray, known: np.ndarray, config: EngineConfig) -> np.ndarray:
    """min(overlap, target) / target, or ``unknown_availability`` where not ``known``."""
    target = config.overlap_target_hours
    value = np.minimum(overlap_hours, target) / target
    return np.where(known, value, config.unknown_availability)


def format_bits(formats: frozenset[str]) -> int:
    return sum(FORMAT_BITS.get(f, 0) for f in formats)


def format_compatible(mentee_bits: np.ndarray, mentor_bits: np.ndarray) -> np.ndarray:
    """True when the formats intersect or either side left them open (0)."""
    return ((mentee_bits & mentor_bits) != 0) | (mentee_bits == 0) | (mentor_bits == 0)


def availability(hours_part: np.ndarray, format_ok: np.ndarray, config: EngineConfig) -> np.ndarray:
    return (1 - config.format_share) * hours_part + config.format_share * format_ok


def responsiveness(received: np.ndarray, answered: np.ndarray, config: EngineConfig) -> np.ndarray:
    """Posterior mean rate of answering in time under a Beta prior."""
    strength = config.responsiveness_prior_strength
    rate = (np.asarray(answered, float) + config.responsiveness_prior_rate * strength) / (
        np.asarray(received, float) + strength
    )
    return np.clip(rate, 0.0, 1.0)


def reliability(counted: np.ndarray, kept: np.ndarray, config: EngineConfig) -> np.ndarray:
    """Factor in [0, 1] on responsiveness: 1 without evidence, lower for missed sessions.

    The posterior mean rate of keeping sessions (Beta prior) divided by the
    prior rate, capped at 1: a mentor with no sessions keeps the factor 1,
    one who keeps every session cannot rise above it, and no-shows, late
    cancellations and low ratings pull it down.
    """
    prior = config.reliability_prior_rate
    strength = config.reliability_prior_strength
    rate = (np.asarray(kept, float) + prior * strength) / (np.asarray(counted, float) + strength)
    return np.clip(rate / prior, 0.0, 1.0)


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 = equal, ->1 = concentrated)."""
    v = np.sort(np.asarray(values, dtype=np.float64).ravel())
    if v.size == 0 or v.sum() <= 0:
        return 0.0
    n = v.size
    cum = np.cumsum(v)
    return float((n + 1 - 2 * (cum.sum() / cum[-1])) / n)
