"""Matching's refusals: all of them the shared :class:`mentorship.errors.Refusal`.

The subclasses only give a default ``code``; callers catch ``Refusal``.
"""

from __future__ import annotations

from mentorship.errors import Refusal


class MatchingError(Refusal):
    """A rule of the match lifecycle refused the action."""

    default_code = "match_refused"


class MatchingRunError(Refusal):
    """A scoring operation refused, with a message meant for the admin."""

    default_code = "run_refused"


class RunAlreadyActive(MatchingRunError):
    default_code = "run_active"


class LearningRefused(MatchingRunError):
    default_code = "learning_refused"


class CohortError(MatchingRunError):
    default_code = "cohort_refused"
