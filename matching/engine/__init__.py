"""The matching engine: plain arrays in, plain arrays out, no Django.

See ``docs/engine.md`` for the maths and the measured figures.
"""

from .assign import Assignment, count_blocking_pairs, optimal_assignment, stable_assignment
from .balance import exposure_gini, select_topk
from .config import COMPONENTS, EngineConfig
from .learn import WeightLearningResult, learn_weights
from .model import MatchModel
from .relatedness import SkillRelatedness
from .results import Candidates, TopK
from .routing import RoutingScores, RoutingWeights, question_as_mentee, route_scores
from .types import Exclusions, Mentees, Mentors

__all__ = [
    "COMPONENTS",
    "Assignment",
    "Candidates",
    "EngineConfig",
    "Exclusions",
    "MatchModel",
    "Mentees",
    "Mentors",
    "RoutingScores",
    "RoutingWeights",
    "SkillRelatedness",
    "TopK",
    "WeightLearningResult",
    "count_blocking_pairs",
    "exposure_gini",
    "learn_weights",
    "optimal_assignment",
    "question_as_mentee",
    "route_scores",
    "select_topk",
    "stable_assignment",
]
