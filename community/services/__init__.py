"""Community writes: questions and answers (``questions``), routing (``routing``)."""

from .questions import (
    answer_accept,
    answer_hide,
    answer_mark_helpful,
    answer_post,
    answer_restore,
    question_ask,
    question_hide,
    question_preference_set,
    question_restore,
    question_skills_resolve,
)
from .routing import ROUTED_PER_QUESTION, question_route, routing_slot_claim, week_start

__all__ = [
    "ROUTED_PER_QUESTION",
    "answer_accept",
    "answer_hide",
    "answer_restore",
    "answer_mark_helpful",
    "answer_post",
    "question_ask",
    "question_hide",
    "question_restore",
    "question_preference_set",
    "question_route",
    "question_skills_resolve",
    "routing_slot_claim",
    "week_start",
]
