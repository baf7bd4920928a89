"""Writes to people, profiles, skills, availability and goals.

``editing``: what a person changes on their own profile (and the one sender
of ``profile_changed``); ``goals``: goals and milestones; ``people``: creating
people, one or in bulk. Import from ``profiles.services``.
"""

from .editing import (
    EDITABLE_FIELDS,
    FORM_FIELDS,
    LEVEL_RANGE,
    MATCHING_FIELDS,
    MAX_SKILLS_PER_DIRECTION,
    MAX_SLOTS,
    PROFILE_FIELDS,
    SKILL_NAME_MAX,
    SkillRef,
    SkillsError,
    availability_set,
    language_ids,
    profile_avatar_remove,
    profile_avatar_set,
    profile_changed_notify,
    profile_fields_apply,
    profile_get_or_create,
    profile_onboarding_complete,
    profile_skills_set,
    profile_skills_update,
    profile_update,
    skill_get_or_create_pending,
    skill_slug_unique,
)
from .goals import (
    GOAL_FIELDS,
    goal_create,
    goal_delete,
    goal_update,
    milestone_add,
    milestone_delete,
    milestone_toggle,
)
from .people import NewPerson, normalise_email, people_create_bulk, person_create

__all__ = [
    "EDITABLE_FIELDS",
    "FORM_FIELDS",
    "GOAL_FIELDS",
    "LEVEL_RANGE",
    "MATCHING_FIELDS",
    "MAX_SKILLS_PER_DIRECTION",
    "MAX_SLOTS",
    "PROFILE_FIELDS",
    "SKILL_NAME_MAX",
    "NewPerson",
    "SkillRef",
    "SkillsError",
    "availability_set",
    "goal_create",
    "goal_delete",
    "goal_update",
    "language_ids",
    "milestone_add",
    "milestone_delete",
    "milestone_toggle",
    "normalise_email",
    "people_create_bulk",
    "person_create",
    "profile_avatar_remove",
    "profile_avatar_set",
    "profile_changed_notify",
    "profile_fields_apply",
    "profile_get_or_create",
    "profile_onboarding_complete",
    "profile_skills_set",
    "profile_skills_update",
    "profile_update",
    "skill_get_or_create_pending",
    "skill_slug_unique",
]
