"""Writes to people, profiles, skills, availability and goals.

``editing``: what a person changes on their own profile (and the one sender
of ``profile_changed``); ``goals``: goals and milestones; ``people``: creating
people, one or in bulk; ``accounts``: what an organisation manages on top
(external id, deactivation; the API and SCIM import it as
``from profiles.services import accounts``). Import from ``profiles.services``.
"""

from ..models import MAX_CAPACITY, MAX_YEARS_EXPERIENCE
from .editing import (
    BIO_MAX_LENGTH,
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
    availability_rows_checked,
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
    skill_level_error,
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
from .locks import people_lock
from .people import NewPerson, normalise_email, people_create_bulk, person_create

__all__ = [
    "people_lock",
    "BIO_MAX_LENGTH",
    "EDITABLE_FIELDS",
    "FORM_FIELDS",
    "GOAL_FIELDS",
    "LEVEL_RANGE",
    "MATCHING_FIELDS",
    "MAX_CAPACITY",
    "MAX_SKILLS_PER_DIRECTION",
    "MAX_SLOTS",
    "MAX_YEARS_EXPERIENCE",
    "PROFILE_FIELDS",
    "SKILL_NAME_MAX",
    "NewPerson",
    "SkillRef",
    "SkillsError",
    "availability_rows_checked",
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
    "skill_level_error",
    "skill_slug_unique",
]
