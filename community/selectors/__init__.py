"""Community reads: the can-interact rule, questions, trust signals, the routing model,
and the programme dashboard's aggregates."""

from .interaction import can_interact, interaction_q
from .questions import (
    AnswerView,
    answer_for_viewer,
    answers_for_question,
    answers_visible,
    question_for_viewer,
    question_routes,
    questions_asked_of,
    questions_filtered,
    questions_listed,
    questions_search,
)
from .trust import TrustSignals, trust_signals

__all__ = [
    "AnswerView",
    "TrustSignals",
    "answer_for_viewer",
    "answers_for_question",
    "answers_visible",
    "can_interact",
    "interaction_q",
    "question_for_viewer",
    "question_routes",
    "questions_asked_of",
    "questions_filtered",
    "questions_listed",
    "questions_search",
    "trust_signals",
]
