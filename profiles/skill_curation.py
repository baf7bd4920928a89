"""Admin curation of the skill taxonomy: approve, merge and rename tags.

No one loses data: merging moves every ProfileSkill of the merged tags to the
target (when a person already has the target in the same direction, the
higher level wins), repoints any other app's relation to the merged tags,
and keeps the merged names as aliases of the target so searches still find
it; renaming keeps every link (rows point at the id) and keeps the old name
as an alias. Afterwards ``profile_changed`` is sent, on commit, for each
person whose skills were touched, so matching re-scores them.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from . import hooks
from .models import Profile, ProfileSkill, Skill
from .signals import profile_changed

ALIASES_MAX = Skill._meta.get_field("aliases").max_length


@dataclass
class MergeResult:
    target: Skill
    merged_names: list[str] = field(default_factory=list)
    moved: int = 0
    combined: int = 0
    dropped_aliases: list[str] = field(default_factory=list)
    affected_user_ids: set[int] = field(default_factory=set)


def _notify(user_ids: Iterable[int]) -> None:
    user_ids = sorted(set(user_ids))

    def send():
        with hooks.bulk_changes():  # one batched re-score for everyone affected
            for user_id in user_ids:
                profile_changed.send(sender=Profile, user_id=user_id)

    if user_ids:
        transaction.on_commit(send, robust=True)


def _users_of(skill_ids: Iterable[int]) -> set[int]:
    return set(
        ProfileSkill.objects.filter(skill_id__in=list(skill_ids)).values_list(
            "profile__user_id", flat=True
        )
    )


def _merge_aliases(target: Skill, names: Iterable[str]) -> tuple[str, list[str]]:
    """The target's alias string with ``names`` added (lower-case, no duplicates)."""
    aliases = list(dict.fromkeys(target.alias_list))
    own = target.name.lower()
    dropped = []
    for name in names:
        alias = " ".join(name.replace(";", " ").split()).lower()
        if not alias or alias == own or alias in aliases:
            continue
        if len(";".join([*aliases, alias])) > ALIASES_MAX:
            dropped.append(alias)
            continue
        aliases.append(alias)
    return ";".join(aliases), dropped


@transaction.atomic
def skill_approve(*, skills: Iterable[Skill]) -> int:
    """Approve pending tags; returns how many changed."""
    ids = [skill.pk for skill in skills]
    return Skill.objects.filter(pk__in=ids, status=Skill.Status.PENDING).update(
        status=Skill.Status.APPROVED
    )


def _repoint_other_relations(source: Skill, target: Skill) -> None:
    """Any other app's FK or many-to-many to ``source`` now points at ``target``."""
    for relation in Skill._meta.related_objects:
        model = relation.related_model
        if model is ProfileSkill:
            continue
        if relation.many_to_many:
            through = relation.through if hasattr(relation, "through") else None
            through = through or relation.field.remote_field.through
            skill_fk = next(
                f
                for f in through._meta.concrete_fields
                if f.is_relation and f.related_model is Skill
            )
            other_fk = next(
                f
                for f in through._meta.concrete_fields
                if f.is_relation and f is not skill_fk and f.related_model is not None
            )
            rows = through.objects.filter(**{skill_fk.name: source})
            already = set(
                through.objects.filter(**{skill_fk.name: target}).values_list(
                    other_fk.attname, flat=True
                )
            )
            rows.filter(**{f"{other_fk.attname}__in": already}).delete()
            rows.update(**{skill_fk.name: target})
        else:
            model._default_manager.filter(**{relation.field.name: source}).update(
                **{relation.field.name: target}
            )


@transaction.atomic
def skill_merge(*, sources: Iterable[Skill], target: Skill) -> MergeResult:
    """Merge ``sources`` into ``target`` and delete them, keeping their names as aliases."""
    target = Skill.objects.select_for_update().get(pk=target.pk)
    sources = [s for s in Skill.objects.filter(pk__in=[s.pk for s in sources]) if s != target]
    if not sources:
        raise ValidationError("Choose at least one skill other than the target to merge.")
    result = MergeResult(target=target)
    source_ids = [s.pk for s in sources]
    rows = list(
        ProfileSkill.objects.filter(skill_id__in=source_ids)
        .select_related("profile")
        .order_by("-level", "pk")
    )
    kept = {
        (row.profile_id, row.direction): row
        for row in ProfileSkill.objects.filter(
            skill=target, profile_id__in={row.profile_id for row in rows}
        )
    }
    for row in rows:
        result.affected_user_ids.add(row.profile.user_id)
        key = (row.profile_id, row.direction)
        existing = kept.get(key)
        if existing is None:
            row.skill = target
            row.save(update_fields=["skill"])
            kept[key] = row
            result.moved += 1
        else:
            if row.level > existing.level:
                existing.level = row.level
                existing.save(update_fields=["level"])
            row.delete()
            result.combined += 1
    names = []
    for source in sources:
        _repoint_other_relations(source, target)
        names.extend([source.name, *source.alias_list])
        result.merged_names.append(source.name)
    target.aliases, result.dropped_aliases = _merge_aliases(target, names)
    Skill.objects.filter(pk__in=source_ids).delete()
    target.full_clean()
    target.save(update_fields=["aliases"])
    _notify(result.affected_user_ids)
    return result


def _unique_slug(name: str, *, exclude_pk: int | None) -> str:
    base = slugify(name)[:120] or "skill"
    taken = set(
        Skill.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


@transaction.atomic
def skill_rename(*, skill: Skill, name: str, previous_name: str | None = None) -> Skill:
    """Give ``skill`` a new name: new slug, old name kept as an alias, links untouched.

    ``previous_name`` is for callers (the admin form) that already set
    ``skill.name``; otherwise the stored name is the previous one.
    """
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "A skill needs a name."})
    if previous_name is None:
        previous_name = Skill.objects.values_list("name", flat=True).get(pk=skill.pk)
    clash = Skill.objects.filter(name__iexact=name).exclude(pk=skill.pk).first()
    if clash is not None:
        raise ValidationError(
            {"name": f"“{clash.name}” already exists: merge this skill into it instead."}
        )
    skill.name = name
    skill.slug = _unique_slug(name, exclude_pk=skill.pk)
    if previous_name.lower() != name.lower():
        skill.aliases, _dropped = _merge_aliases(skill, [previous_name])
    skill.full_clean()
    skill.save()
    if previous_name != name:
        _notify(_users_of([skill.pk]))
    return skill


def skill_slug_for_new(*, name: str) -> str:
    return _unique_slug(name, exclude_pk=None)
