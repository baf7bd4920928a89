"""Matching's writes, by concern.

* ``population``: database rows -> engine arrays, and the fitted model
* ``suggestion_rows``: engine results -> ``Suggestion`` rows
* ``snapshots``: a full run's model, shared by its chunk tasks
* ``runs``: full scoring runs (the chord's task bodies)
* ``rescore``: incremental re-score after profile changes (``warm``: the model it patches)
* ``retention``: pruning old runs' rows and models
* ``cohorts``: whole-cohort assignment previews, publish, discard
* ``learning``: weights learned from accepts and declines
* ``requests``: the request flow, suggestion -> request -> accept/decline
* ``mentorships``: mentorships, manual matches, do-not-match

Services never import Celery or ``matching.tasks``: callers queue tasks
(``task.delay_on_commit``). Refusals raise :mod:`matching.errors` types, all
``mentorship.errors.Refusal``.
"""

from matching.errors import (
    CohortError,
    LearningRefused,
    MatchingError,
    MatchingRunError,
    RunAlreadyActive,
)

from .cohorts import (
    COHORT_MODES,
    match_cohort_compute,
    match_cohort_create,
    match_cohort_discard,
    match_cohort_preview,
    match_cohort_publish,
)
from .learning import (
    learning_outcomes,
    matching_learn_weights,
)
from .mentorships import (
    manual_match,
    mentorship_end,
    mentorship_end_by_programme,
    mentorship_renew,
    pair_exclude,
)
from .population import (
    ACTIVE_GOALS,
    DEFAULT_MENTEE_SLOTS,
    HOURS_PER_WEEK,
    MENTEE_ROLES,
    MENTOR_ROLES,
    RANDOM_STATE,
    Population,
    model_fit,
    population_load,
    utc_offset_minutes,
    weekly_hours_utc,
)
from .requests import (
    match_request_accept,
    match_request_ask,
    match_request_create,
    match_request_decline,
    match_request_message_add,
    match_request_reply,
    match_request_withdraw,
    match_requests_expire,
    suggestion_decline,
)
from .rescore import (
    MAX_RESCORE_LISTING,
    match_rescore_user,
    match_rescore_users,
)
from .retention import match_runs_prune
from .runs import (
    DEFAULT_CHUNK_SIZE,
    match_run_execute_inline,
    match_run_fail,
    match_run_finish,
    match_run_prepare,
    match_run_score_chunk,
    match_run_start,
)
from .skill_model import (
    skill_model_current_version,
    skill_model_fit,
    skill_model_load,
)
from .snapshots import (
    Snapshot,
    snapshot_cache_clear,
    snapshot_drop,
    snapshot_fit,
    snapshot_load,
    snapshot_save,
)
from .suggestion_rows import (
    ScoredRows,
    current_flip,
    rows_insert,
    score_rows,
    suggestions_write,
)
from .warm import warm_forget

__all__ = [
    "skill_model_current_version",
    "skill_model_fit",
    "skill_model_load",
    "ACTIVE_GOALS",
    "COHORT_MODES",
    "CohortError",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_MENTEE_SLOTS",
    "HOURS_PER_WEEK",
    "LearningRefused",
    "MAX_RESCORE_LISTING",
    "MENTEE_ROLES",
    "MENTOR_ROLES",
    "MatchingError",
    "MatchingRunError",
    "Population",
    "RANDOM_STATE",
    "RunAlreadyActive",
    "ScoredRows",
    "learning_outcomes",
    "manual_match",
    "match_cohort_compute",
    "match_cohort_create",
    "match_cohort_discard",
    "match_cohort_preview",
    "match_cohort_publish",
    "match_request_accept",
    "match_request_ask",
    "match_request_message_add",
    "match_request_create",
    "match_request_decline",
    "match_request_reply",
    "match_request_withdraw",
    "match_requests_expire",
    "match_rescore_user",
    "match_rescore_users",
    "warm_forget",
    "match_runs_prune",
    "match_run_execute_inline",
    "match_run_fail",
    "match_run_finish",
    "match_run_prepare",
    "match_run_score_chunk",
    "match_run_start",
    "matching_learn_weights",
    "mentorship_end",
    "mentorship_end_by_programme",
    "mentorship_renew",
    "model_fit",
    "pair_exclude",
    "population_load",
    "score_rows",
    "current_flip",
    "rows_insert",
    "Snapshot",
    "snapshot_cache_clear",
    "snapshot_drop",
    "snapshot_fit",
    "snapshot_load",
    "snapshot_save",
    "suggestion_decline",
    "suggestions_write",
    "utc_offset_minutes",
    "weekly_hours_utc",
]
