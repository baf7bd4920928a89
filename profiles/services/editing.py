"""Writes a person makes to their own profile, skills, availability and goals.

Every function is keyword-only, ``@transaction.atomic`` and validates rows
with ``full_clean()`` before saving. After a change that matching reads
(role, skills, goals, languages, time zone, availability, capacity,
accepting, ...) it calls :func:`profile_changed_notify`, the one sender of
``profiles.signals.profile_changed``: the signal goes out once the
transaction commits, so a rolled-back change never triggers a re-score.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from mentorship.errors import Refusal

from .. import hooks, selectors
from ..avatars import ProcessedAvatar
from ..models import (
    BIO_MAX,
    AvailabilitySlot,
    Language,
    Profile,
    ProfileSkill,
    Skill,
    User,
)
from ..reference_data import unique_slug
from ..signals import profile_changed

# Every profile field ``profile_update`` accepts, in the order the profile
# form shows them, and whether the matching engine reads it (changing one it
# reads re-scores the person). The form, the admin and the services all
# derive their lists from this one table. ``occupation`` follows
# ``job_title`` (see ``profile_update``) and is not on the form.
PROFILE_FIELDS: dict[str, bool] = {
    "role": True,
    "display_name": False,
    "headline": True,
    "bio": True,
    "job_title": True,
    "occupation": True,
    "industry": True,
    "organisation": False,
    "years_experience": True,
    "location": False,
    "timezone": True,
    "languages": True,
    "strengths": True,
    "growth_areas": True,
    "format_flash": True,
    "format_long_term": True,
    "linkedin_url": False,
    "website_url": False,
    "visibility": False,
    "capacity": True,
    "accepting": True,
    "away_until": True,
}
MATCHING_FIELDS = frozenset(name for name, read in PROFILE_FIELDS.items() if read)
EDITABLE_FIELDS = frozenset(PROFILE_FIELDS)
FORM_FIELDS = tuple(name for name in PROFILE_FIELDS if name != "occupation")

# Levels: what a person offers is a proficiency 1–5; what they want, a priority 1–3.
LEVEL_RANGE = {
    ProfileSkill.Direction.OFFERS: (1, 5),
    ProfileSkill.Direction.WANTS: (1, 3),
}
MAX_SKILLS_PER_DIRECTION = 30
# The profile form and the import both stop here.
BIO_MAX_LENGTH = BIO_MAX  # the model holds the limit (and the database checks it)
SKILL_NAME_MAX = 60
MAX_SLOTS = 28


def profile_changed_notify(*, user_ids: Iterable[int]) -> None:
    """Tell matching, once the transaction commits, that these people changed.

    The one sender of ``profile_changed``: every write that changes something
    matching reads (here, in the import, skill curation and the admin) calls
    it. Nothing is sent if the transaction rolls back; a failing receiver is
    logged and does not undo the write (``robust``).
    """
    ids = sorted(set(user_ids))
    if not ids:
        return

    def send() -> None:
        # Many people at once (a skill merge, an import): one batched re-score.
        with hooks.bulk_changes() if len(ids) > 1 else nullcontext():
            for user_id in ids:
                profile_changed.send(sender=Profile, user_id=user_id)

    transaction.on_commit(send, robust=True)


# --- Profile -------------------------------------------------------------------


@transaction.atomic
def profile_get_or_create(*, user: User) -> Profile:
    """The person's profile, created with defaults the first time it is needed.

    Profiles are created lazily (first visit, import, seed) rather than on
    sign-up so that users made any other way (admin, createsuperuser) have one
    too.
    """
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        return profile
    profile = Profile(user=user)
    profile.full_clean()
    profile.save()
    return profile


def profile_fields_apply(
    *, profile: Profile, fields: dict, occupation_for=selectors.occupation_for_title
) -> list[int] | None:
    """Set ``fields`` (checked by the caller) on a new or stored ``profile``; saves nothing.

    The one definition of how profile fields are written, shared by
    ``profile_update`` and person creation (``people.py``). Returns
    ``languages`` (Language objects, ids or ISO codes) when given, for the
    caller to store once the profile has a primary key.

    When ``job_title`` is set and ``occupation`` is not given, the
    occupation is the O*NET occupation with exactly that title (case
    insensitive), or none: free text stays free text. ``occupation_for`` lets
    a bulk caller cache that lookup.
    """
    fields = dict(fields)
    languages = fields.pop("languages", None)
    if "job_title" in fields:
        fields["job_title"] = (fields["job_title"] or "").strip()
        if "occupation" not in fields:
            fields["occupation"] = occupation_for(title=fields["job_title"])
    for name, value in fields.items():
        setattr(profile, name, value)
    return None if languages is None else list(languages)


def language_ids(languages: Iterable) -> list[int]:
    """Ids of Language objects, ids or ISO 639-1 codes (unknown codes are dropped)."""
    ids, codes = [], []
    for lang in languages:
        if isinstance(lang, Language):
            ids.append(lang.pk)
        elif isinstance(lang, str) and not lang.isdigit():
            codes.append(lang)
        else:
            ids.append(int(lang))
    query = Language.objects.filter(pk__in=ids)
    if codes:
        query = query | Language.objects.filter(code__in=codes)
    return list(query.values_list("pk", flat=True))


@transaction.atomic
def profile_update(*, profile: Profile, **fields) -> Profile:
    """Change profile fields (and ``languages``: Language objects or ids).

    ``job_title`` sets ``occupation`` unless that is given too (see
    :func:`profile_fields_apply`).
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"profile_update() got unknown fields: {', '.join(sorted(unknown))}")
    languages = profile_fields_apply(profile=profile, fields=fields)
    profile.full_clean()
    profile.save()
    if languages is not None:
        profile.languages.set(language_ids(languages))
    if MATCHING_FIELDS & set(fields):
        profile_changed_notify(user_ids=[profile.user_id])
    return profile


@transaction.atomic
def profile_avatar_set(*, profile: Profile, avatar: ProcessedAvatar) -> Profile:
    """Store an avatar already checked by ``avatars.process_avatar``; drop the old file."""
    old_name = profile.avatar.name if profile.avatar else ""
    profile.avatar.save(avatar.name, avatar.file, save=False)
    profile.full_clean()
    profile.save(update_fields=["avatar", "updated_at"])
    if old_name and old_name != profile.avatar.name:
        storage = profile.avatar.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return profile


@transaction.atomic
def profile_avatar_remove(*, profile: Profile) -> Profile:
    if profile.avatar:
        old_name, storage = profile.avatar.name, profile.avatar.storage
        profile.avatar = ""
        profile.save(update_fields=["avatar", "updated_at"])
        transaction.on_commit(lambda: storage.delete(old_name))
    return profile


@transaction.atomic
def profile_onboarding_complete(*, profile: Profile) -> Profile:
    """Mark onboarding as finished (idempotent: the first time counts)."""
    if profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
        profile.save(update_fields=["onboarded_at", "updated_at"])
        profile_changed_notify(user_ids=[profile.user_id])
    return profile


# --- Skills --------------------------------------------------------------------


def _normalise_skill_name(name: str) -> str:
    return re.sub(r"\s+", " ", name or "").strip()


def skill_slug_unique(*, name: str, exclude_pk: int | None = None) -> str:
    """A slug for ``name`` no other skill (``exclude_pk``: except this one) has yet."""
    base = slugify(name)[:120] or "skill"
    taken = set(
        Skill.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    return unique_slug(name, taken)


@transaction.atomic
def skill_get_or_create_pending(*, name: str, user: User | None) -> Skill:
    """The skill a typed name means, or a new ``pending`` one added by this member.

    Matches case-insensitively against names, then aliases (approved skills
    first), so "js" gives JavaScript and "python" gives Python.
    """
    clean = _normalise_skill_name(name)
    if not clean:
        raise ValidationError("A skill needs a name.", code="skill_empty")
    if len(clean) > SKILL_NAME_MAX:
        raise ValidationError(
            f"“{clean[:40]}…” is too long for a skill (at most {SKILL_NAME_MAX} characters).",
            code="skill_too_long",
        )
    existing = selectors.skill_find_by_name(name=clean)
    if existing is not None:
        return existing
    skill = Skill(
        name=clean,
        slug=skill_slug_unique(name=clean),
        status=Skill.Status.PENDING,
        source=Skill.Source.MEMBER,
        created_by=user,
    )
    skill.full_clean()
    skill.save()
    return skill


SkillRef = int | str


def skill_level_error(*, direction: str, level: int) -> ValidationError | None:
    """Why ``level`` is not a level for ``direction`` (``LEVEL_RANGE``), or None."""
    low, high = LEVEL_RANGE[ProfileSkill.Direction(direction)]
    if low <= level <= high:
        return None
    return ValidationError(f"Levels go from {low} to {high} (got {level}).", code="level_range")


@transaction.atomic
def profile_skills_set(
    *,
    profile: Profile,
    direction: str,
    items: Iterable[tuple[SkillRef, int]],
) -> list[ProfileSkill]:
    """Replace the skills a person offers or wants with ``items``.

    Each item is ``(skill, level)`` where ``skill`` is a Skill id (int) or a
    typed name (str). Unknown names become pending skills added by this
    member. A skill given twice keeps the last level. Returns the person's
    skills in that direction, highest level first.
    """
    direction = ProfileSkill.Direction(direction)
    wanted: dict[int, int] = {}
    errors: list[ValidationError] = []
    for ref, level in items:
        try:
            level = int(level)
        except (TypeError, ValueError):
            errors.append(ValidationError(f"“{level}” is not a level.", code="level_invalid"))
            continue
        range_error = skill_level_error(direction=direction, level=level)
        if range_error is not None:
            errors.append(range_error)
            continue
        try:
            skill = _resolve_skill(ref=ref, profile=profile, direction=direction)
        except ValidationError as exc:
            errors.append(exc)
            continue
        wanted[skill.pk] = level
    if len(wanted) > MAX_SKILLS_PER_DIRECTION:
        errors.append(
            ValidationError(
                f"Choose at most {MAX_SKILLS_PER_DIRECTION} skills.", code="too_many_skills"
            )
        )
    if errors:
        raise ValidationError(errors)

    current = {row.skill_id: row for row in profile.skills.filter(direction=direction)}
    profile.skills.filter(direction=direction).exclude(skill_id__in=wanted).delete()
    for skill_id, level in wanted.items():
        row = current.get(skill_id)
        if row is None:
            row = ProfileSkill(profile=profile, skill_id=skill_id, direction=direction)
        elif row.level == level:
            continue
        row.level = level
        row.full_clean()
        row.save()
    profile_changed_notify(user_ids=[profile.user_id])
    return list(selectors.profile_skills(profile=profile, direction=direction))


class SkillsError(Refusal):
    """Refusals for several skill directions at once: ``errors = {direction: [message, ...]}``."""

    default_code = "skills_invalid"

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors=errors)


@transaction.atomic
def profile_skills_update(
    *,
    profile: Profile,
    items_by_direction: dict[str, Iterable[tuple[SkillRef, int]]],
) -> dict[str, list[ProfileSkill]]:
    """``profile_skills_set`` for several directions, all or nothing."""
    result, errors = {}, {}
    for direction, items in items_by_direction.items():
        try:
            with transaction.atomic():
                result[direction] = profile_skills_set(
                    profile=profile, direction=direction, items=items
                )
        except ValidationError as exc:
            errors[direction] = exc.messages
    if errors:
        transaction.set_rollback(True)
        raise SkillsError(errors)
    return result


def _resolve_skill(*, ref: SkillRef, profile: Profile, direction: str) -> Skill:
    if isinstance(ref, int):
        skill = selectors.skills_visible_to(user=profile.user).filter(pk=ref).first()
        if skill is None:
            # A skill already on this profile stays choosable even if it is
            # someone else's pending tag (it may have been merged into it).
            skill = Skill.objects.filter(
                pk=ref, profile_skills__profile=profile, profile_skills__direction=direction
            ).first()
        if skill is None:
            raise ValidationError("That skill does not exist any more.", code="skill_unknown")
        return skill
    return skill_get_or_create_pending(name=ref, user=profile.user)


# --- Availability --------------------------------------------------------------


def _slot_label(weekday: int, start: datetime.time, end: datetime.time) -> str:
    day = dict(AvailabilitySlot._meta.get_field("weekday").choices)[weekday]
    return f"{day} {start:%H:%M}–{end:%H:%M}"


def availability_rows_checked(
    *, profile: Profile, slots: Sequence[tuple[int, datetime.time, datetime.time]]
) -> list[AvailabilitySlot]:
    """The unsaved slot rows for ``slots``, or a ValidationError with every problem.

    The rules of ``availability_set``, also used by the admin's inline.
    """
    if len(slots) > MAX_SLOTS:
        raise ValidationError(f"At most {MAX_SLOTS} weekly slots.", code="too_many_slots")
    rows = [
        AvailabilitySlot(profile=profile, weekday=day, start_time=start, end_time=end)
        for day, start, end in sorted(slots)
    ]
    errors = []
    for row in rows:
        try:
            row.full_clean(exclude=["profile"])
        except ValidationError as exc:
            errors.extend(exc.messages)
        if row.start_time and row.end_time and row.end_time <= row.start_time:
            errors.append(
                f"{_slot_label(row.weekday, row.start_time, row.end_time)}: "
                "the end must be after the start."
            )
    for previous, row in zip(rows, rows[1:], strict=False):
        if previous.weekday == row.weekday and row.start_time < previous.end_time:
            errors.append(
                f"{_slot_label(row.weekday, row.start_time, row.end_time)} overlaps "
                f"{_slot_label(previous.weekday, previous.start_time, previous.end_time)}."
            )
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    return rows


@transaction.atomic
def availability_set(
    *,
    profile: Profile,
    slots: Sequence[tuple[int, datetime.time, datetime.time]],
) -> list[AvailabilitySlot]:
    """Replace the weekly availability with ``slots`` (weekday, start, end).

    Times are in the profile's own time zone. A slot must end after it starts
    on the same day (split a window across midnight into two slots); slots
    may touch (10:00–11:00 and 11:00–12:00) but not overlap.
    """
    rows = availability_rows_checked(profile=profile, slots=slots)
    profile.availability.all().delete()
    AvailabilitySlot.objects.bulk_create(rows)
    profile_changed_notify(user_ids=[profile.user_id])
    return list(profile.availability.all())
