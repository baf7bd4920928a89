"""Engine configuration: every tunable number lives here.

The Django admin stores a configuration as JSON; :meth:`EngineConfig.from_dict`
reads it back (unknown keys are an error, missing keys take the defaults).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

COMPONENTS: tuple[str, ...] = (
    "skills",
    "goals",
    "seniority",
    "context",
    "availability",
    "responsiveness",
    "related_skills",
)
CONTEXT_PREFERENCES = ("same", "different", "any")


def _default_weights() -> dict[str, float]:
    return {
        "skills": 0.20,
        "goals": 0.20,
        "seniority": 0.12,
        "context": 0.08,
        "availability": 0.12,
        "responsiveness": 0.08,
        "related_skills": 0.20,
    }


@dataclass(frozen=True)
class EngineConfig:
    """Parameters of the score, the filters, top-k and exposure balancing.

    Attributes
    ----------
    weights : dict
        Component name -> non-negative weight; normalised to sum 1 when scoring.
    k : int
        Suggestions per mentee.
    candidate_width : int
        Candidates kept per mentee before balancing / assignment (>= k).
    chunk_size : int
        Mentee rows scored at once; memory is about chunk_size x n_mentors x 4 bytes
        per live matrix.
    n_jobs : int
        Threads scoring chunks in parallel (the heavy parts release the GIL).
    exposure_strength : float
        0 turns balancing off; 1 caps each mentor at their capacity-proportional
        share of all list places; 0.5 allows twice that share.
    exposure_iterations, exposure_step : int, float
        Iterations and price step of the balancing auction.
    skill_level_max, skill_priority_max : float
        Scale of mentor levels (1..5) and mentee priorities (1..3) used as term weights.
    skill_category_weight : float
        Weight of a skill's category token relative to the skill itself (0 = off).
    skill_lsa_weight : float
        Share of the skills component taken by the LSA (co-occurrence) cosine (0 = off).
    skill_lsa_components : int
        Dimensions of the TruncatedSVD over the skill documents.
    dense_skill_features, dense_goal_words : int
        Performance only: the features shared by most people are multiplied as
        a dense block (BLAS), the rest as sparse; results are identical.
    goals_min_df, goals_max_features
        TF-IDF vocabulary limits of the goal texts.
    min_years_ahead, ideal_years_ahead, max_years_ahead : float
        Seniority is 0 below ``min_years_ahead``, rises smoothly to 1 at the ideal gap
        and falls smoothly to 0 at ``max_years_ahead``.
    unknown_seniority : float
        Value when either side's experience is unknown.
    context_preference : {'same', 'different', 'any'}
    context_industry_share : float
        Share of the context component given to industry (the rest: occupation group).
    unknown_context : float
        Value of a context part when either side is unknown.
    overlap_target_hours : float
        Weekly overlap at which the hours part of availability saturates.
    format_share : float
        Share of the availability component given to format compatibility.
    unknown_availability : float
        Hours part when either side gave no hours.
    format_hard_filter : bool
        Never suggest a pair with no common format (empty formats = any).
    responsiveness_prior_rate, responsiveness_prior_strength : float
        Beta prior: a mentor with no history scores the prior rate.
    reliability_prior_rate, reliability_prior_strength : float
        Beta prior of keeping sessions; responsiveness is multiplied by the
        posterior rate over this prior (capped at 1), see docs/engine.md.
    min_score : float
        Candidates at or below this score are not suggested.
    related_goals_weight : float
        A mentee's goal text joins their skill-space vector as this many skills
        (of their average weight); 0 = skills only. Needs a skill model fitted
        with texts (occupation titles and descriptions).
    related_skill_threshold : float
        Cosine of two skills' vectors (the skill-relatedness model) from which an
        explanation names them as close ("Knows MySQL, close to the PostgreSQL
        you want"); below it no relation is shown.
    """

    weights: dict[str, float] = field(default_factory=_default_weights)
    k: int = 10
    candidate_width: int = 50
    chunk_size: int = 1000
    n_jobs: int = 2
    exposure_strength: float = 0.5
    exposure_iterations: int = 30
    exposure_step: float = 0.02
    skill_level_max: float = 5.0
    skill_priority_max: float = 3.0
    skill_category_weight: float = 1.0
    skill_lsa_weight: float = 0.15
    skill_lsa_components: int = 64
    dense_skill_features: int = 64
    dense_goal_words: int = 64
    goals_min_df: int = 1
    goals_max_features: int | None = 50000
    min_years_ahead: float = 1.0
    ideal_years_ahead: float = 6.0
    max_years_ahead: float = 25.0
    unknown_seniority: float = 0.5
    context_preference: str = "same"
    context_industry_share: float = 0.5
    unknown_context: float = 0.5
    overlap_target_hours: float = 4.0
    format_share: float = 0.3
    unknown_availability: float = 0.5
    format_hard_filter: bool = True
    responsiveness_prior_rate: float = 0.7
    responsiveness_prior_strength: float = 5.0
    reliability_prior_rate: float = 0.9
    reliability_prior_strength: float = 5.0
    min_score: float = 0.0
    related_goals_weight: float = 1.0
    related_skill_threshold: float = 0.5

    def __post_init__(self) -> None:
        unknown = set(self.weights) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"unknown score components: {sorted(unknown)}")
        weights = {name: float(self.weights.get(name, 0.0)) for name in COMPONENTS}
        if any(w < 0 for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError("weights must be non-negative and not all zero")
        object.__setattr__(self, "weights", weights)
        if self.context_preference not in CONTEXT_PREFERENCES:
            raise ValueError(f"context_preference must be one of {CONTEXT_PREFERENCES}")
        if not 0 <= self.min_years_ahead <= self.ideal_years_ahead < self.max_years_ahead:
            raise ValueError("need 0 <= min_years_ahead <= ideal_years_ahead < max_years_ahead")
        if self.k < 1 or self.candidate_width < self.k or self.chunk_size < 1:
            raise ValueError("need k >= 1, candidate_width >= k and chunk_size >= 1")
        if self.related_goals_weight < 0:
            raise ValueError("related_goals_weight must be >= 0")
        if self.exposure_strength < 0:
            raise ValueError("exposure_strength must be >= 0")
        for name in (
            "skill_lsa_weight",
            "format_share",
            "context_industry_share",
            "related_skill_threshold",
        ):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be within [0, 1]")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> EngineConfig:
        """Build from a JSON-like dict; ``weights`` may name only some components."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown engine settings: {sorted(unknown)}")
        if "weights" in data:
            data["weights"] = {**_default_weights(), **dict(data["weights"])}
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def replace(self, **changes: Any) -> EngineConfig:
        return replace(self, **changes)

    def weight_vector(self) -> list[float]:
        """Weights in :data:`COMPONENTS` order, normalised to sum 1."""
        total = sum(self.weights.values())
        return [self.weights[name] / total for name in COMPONENTS]
