"""Writes to profiles, skills, availability and goals.

Every function is keyword-only, ``@transaction.atomic`` and validates rows
with ``full_clean()`` before saving. After a change that matching reads
(role, skills, goals, languages, time zone, availability, capacity,
accepting, ...) it sends ``profiles.signals.profile_changed`` with the
user's id once the transaction commits, so a rolled-back change never
triggers a re-score.
"""

import datetime
import re
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from mentorship.errors import Refusal

from . import selectors
from .avatars import ProcessedAvatar
from .models import (
    AvailabilitySlot,
    Goal,
    Language,
    Milestone,
    Profile,
    ProfileSkill,
    Skill,
    User,
)
from .signals import profile_changed

# Profile fields the matching engine reads; changing any of them re-scores.
MATCHING_FIELDS = frozenset(
    {
        "role",
        "headline",
        "bio",
        "job_title",
        "occupation",
        "industry",
        "years_experience",
        "timezone",
        "languages",
        "strengths",
        "growth_areas",
        "format_flash",
        "format_long_term",
        "capacity",
        "accepting",
        "away_until",
    }
)
EDITABLE_FIELDS = MATCHING_FIELDS | {
    "display_name",
    "organisation",
    "location",
    "linkedin_url",
    "website_url",
    "visibility",
}

# Levels: what a person offers is a proficiency 1–5; what they want, a priority 1–3.
LEVEL_RANGE = {
    ProfileSkill.Direction.OFFERS: (1, 5),
    ProfileSkill.Direction.WANTS: (1, 3),
}
MAX_SKILLS_PER_DIRECTION = 30
SKILL_NAME_MAX = 60
MAX_SLOTS = 28


def _notify_profile_changed(user_id: int) -> None:
    transaction.on_commit(
        lambda: profile_changed.send(sender=Profile, user_id=user_id), robust=True
    )


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


@transaction.atomic
def profile_update(*, profile: Profile, **fields) -> Profile:
    """Change profile fields (and ``languages``: Language objects or ids).

    When ``job_title`` changes and ``occupation`` is not given, the
    occupation is set to the O*NET occupation with exactly that title (case
    insensitive), or cleared: free text stays free text.
    """
    unknown = set(fields) - EDITABLE_FIELDS
    if unknown:
        raise TypeError(f"profile_update() got unknown fields: {', '.join(sorted(unknown))}")
    languages = fields.pop("languages", None)
    if "job_title" in fields:
        fields["job_title"] = (fields["job_title"] or "").strip()
        if "occupation" not in fields:
            fields["occupation"] = selectors.occupation_for_title(title=fields["job_title"])
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    if languages is not None:
        ids = [lang.pk if isinstance(lang, Language) else int(lang) for lang in languages]
        profile.languages.set(Language.objects.filter(pk__in=ids))
    if languages is not None or MATCHING_FIELDS & set(fields):
        _notify_profile_changed(profile.user_id)
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
        _notify_profile_changed(profile.user_id)
    return profile


# --- Skills --------------------------------------------------------------------


def _normalise_skill_name(name: str) -> str:
    return re.sub(r"\s+", " ", name or "").strip()


def _unique_skill_slug(name: str) -> str:
    base = slugify(name)[:120] or "skill"
    taken = set(Skill.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


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
        slug=_unique_skill_slug(clean),
        status=Skill.Status.PENDING,
        source=Skill.Source.MEMBER,
        created_by=user,
    )
    skill.full_clean()
    skill.save()
    return skill


SkillRef = int | str


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
    low, high = LEVEL_RANGE[direction]
    wanted: dict[int, int] = {}
    errors: list[ValidationError] = []
    for ref, level in items:
        try:
            level = int(level)
        except (TypeError, ValueError):
            errors.append(ValidationError(f"“{level}” is not a level.", code="level_invalid"))
            continue
        if not low <= level <= high:
            errors.append(
                ValidationError(
                    f"Levels go from {low} to {high} (got {level}).", code="level_range"
                )
            )
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
    _notify_profile_changed(profile.user_id)
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
    profile.availability.all().delete()
    AvailabilitySlot.objects.bulk_create(rows)
    _notify_profile_changed(profile.user_id)
    return list(profile.availability.all())


# --- Goals ---------------------------------------------------------------------

GOAL_FIELDS = frozenset({"title", "description", "target_date", "status"})


@transaction.atomic
def goal_create(
    *,
    owner: User,
    title: str,
    description: str = "",
    target_date: datetime.date | None = None,
    status: str = Goal.Status.OPEN,
) -> Goal:
    goal = Goal(
        owner=owner,
        title=title.strip(),
        description=description,
        target_date=target_date,
        status=status,
    )
    goal.full_clean()
    goal.save()
    _notify_profile_changed(owner.pk)
    return goal


@transaction.atomic
def goal_update(*, goal: Goal, **fields) -> Goal:
    unknown = set(fields) - GOAL_FIELDS
    if unknown:
        raise TypeError(f"goal_update() got unknown fields: {', '.join(sorted(unknown))}")
    for name, value in fields.items():
        setattr(goal, name, value.strip() if name == "title" else value)
    goal.full_clean()
    goal.save()
    _notify_profile_changed(goal.owner_id)
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    owner_id = goal.owner_id
    goal.delete()
    _notify_profile_changed(owner_id)


def _today_for(user_id: int) -> datetime.date:
    tz_name = Profile.objects.filter(user_id=user_id).values_list("timezone", flat=True).first()
    return timezone.localdate(timezone=ZoneInfo(tz_name or "UTC"))


@transaction.atomic
def milestone_add(*, goal: Goal, title: str, due_date: datetime.date | None = None) -> Milestone:
    position = (goal.milestones.aggregate(top=Max("position"))["top"] or 0) + 1
    milestone = Milestone(goal=goal, title=title.strip(), due_date=due_date, position=position)
    milestone.full_clean()
    milestone.save()
    return milestone


@transaction.atomic
def milestone_toggle(*, milestone: Milestone, done: bool | None = None) -> Milestone:
    """Mark a milestone done today (in the owner's time zone) or not done.

    ``done=None`` flips the current state.
    """
    milestone = Milestone.objects.select_for_update().select_related("goal").get(pk=milestone.pk)
    make_done = milestone.done_at is None if done is None else done
    milestone.done_at = _today_for(milestone.goal.owner_id) if make_done else None
    milestone.full_clean()
    milestone.save(update_fields=["done_at"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone) -> None:
    milestone.delete()
