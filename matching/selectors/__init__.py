"""Matching's reads, by concern. Each function that returns one object takes the
viewer and only finds what the viewer is a party to (a stranger's 404).
"""

from .mentorships import (
    Places,
    mentor_places,
    mentorship_for_party,
    mentorships_for_user,
    places_taken_subquery,
    users_are_matched,
)
from .requests import (
    PendingCap,
    match_request_for_party,
    match_request_inbox_items,
    match_request_reasons,
    match_requests_received,
    match_requests_sent,
    mentee_active_goals,
    pending_cap,
    pending_requests_count,
)
from .responsiveness import (
    _ANSWERED,
    ResponseRate,
    mentor_response_rate,
    request_counts,
)
from .runs import (
    STALE_RUN_AFTER,
    cohort_pairs,
    match_run_active,
    match_run_latest,
    match_runs_for_admin,
    run_is_stale,
    run_last_progress,
)
from .scoring_inputs import (
    active_long_term_counts,
    exclusions_load,
    mentor_capacity_left,
)
from .suggestions import (
    suggestion_for_mentee,
    suggestions_current_count,
    suggestions_filtered,
    suggestions_for_mentee,
    suggestions_visible_to,
)

__all__ = [
    "PendingCap",
    "Places",
    "ResponseRate",
    "STALE_RUN_AFTER",
    "_ANSWERED",
    "active_long_term_counts",
    "cohort_pairs",
    "exclusions_load",
    "match_request_for_party",
    "match_request_reasons",
    "match_request_inbox_items",
    "match_requests_received",
    "match_requests_sent",
    "match_run_active",
    "match_run_latest",
    "match_runs_for_admin",
    "mentee_active_goals",
    "mentor_capacity_left",
    "mentor_places",
    "mentor_response_rate",
    "mentorship_for_party",
    "mentorships_for_user",
    "pending_cap",
    "pending_requests_count",
    "places_taken_subquery",
    "request_counts",
    "run_is_stale",
    "run_last_progress",
    "suggestion_for_mentee",
    "suggestions_current_count",
    "suggestions_filtered",
    "suggestions_for_mentee",
    "suggestions_visible_to",
    "users_are_matched",
]
