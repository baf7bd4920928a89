"""Export profiles as CSV in the import format, so export → import is a no-op.

Who: every person with a profile (staff accounts without one are left out).
What: the columns of ``importing.COLUMNS``; languages as ISO codes, skills as
``Name:level`` (offered and wanted in their own columns, highest level first),
goals as the titles of the person's open and in-progress goals (achieved and
dropped goals are history, not something to match on; importing only ever
adds goals, so leaving them out changes nothing on re-import). Cells that a
spreadsheet would run as a formula get a leading ``'`` (removed on import).
"""

import csv
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TextIO

from django.db.models import QuerySet

from .importing import COLUMNS, guard_formula, join_list
from .models import Goal, Profile, ProfileSkill


def profiles_for_export(*, ids: Iterable[int] | None = None) -> QuerySet[Profile]:
    profiles = Profile.objects.select_related("user").order_by("user__email")
    if ids is not None:
        profiles = profiles.filter(pk__in=list(ids))
    return profiles


def profile_export_rows(
    *, profiles: QuerySet[Profile], chunk_size: int = 1000
) -> Iterator[list[str]]:
    """The header, then one row per profile; a constant number of queries per chunk."""
    yield list(COLUMNS)
    profile_ids = list(profiles.values_list("pk", flat=True))
    for start in range(0, len(profile_ids), chunk_size):
        chunk = profile_ids[start : start + chunk_size]
        rows = (
            Profile.objects.filter(pk__in=chunk)
            .select_related("user")
            .prefetch_related("languages")
            .order_by("user__email")
        )
        skills: dict[tuple[int, str], list[str]] = defaultdict(list)
        for profile_id, direction, level, name in (
            ProfileSkill.objects.filter(profile_id__in=chunk)
            .order_by("-level", "skill__name")
            .values_list("profile_id", "direction", "level", "skill__name")
        ):
            skills[(profile_id, direction)].append(f"{name}:{level}")
        goals: dict[int, list[str]] = defaultdict(list)
        for owner_id, title in (
            Goal.objects.filter(
                owner__profile__in=chunk,
                status__in=[Goal.Status.OPEN, Goal.Status.IN_PROGRESS],
            )
            .order_by("created_at", "pk")
            .values_list("owner_id", "title")
        ):
            goals[owner_id].append(title)
        for profile in rows:
            values = {
                "email": profile.user.email,
                "name": profile.user.name,
                "role": profile.role,
                "headline": profile.headline,
                "bio": profile.bio,
                "job_title": profile.job_title,
                "industry": profile.industry,
                "years_experience": (
                    "" if profile.years_experience is None else str(profile.years_experience)
                ),
                "timezone": profile.timezone,
                "languages": join_list(sorted(lang.code for lang in profile.languages.all())),
                "skills_offered": join_list(skills[(profile.pk, ProfileSkill.Direction.OFFERS)]),
                "skills_wanted": join_list(skills[(profile.pk, ProfileSkill.Direction.WANTS)]),
                "goals": join_list(goals[profile.user_id]),
                "capacity": str(profile.capacity),
                "formats": join_list(profile.formats),
            }
            yield [guard_formula(values[column]) for column in COLUMNS]


def profiles_export_csv(*, out: TextIO, profiles: QuerySet[Profile] | None = None) -> int:
    """Write the CSV to ``out`` (open with ``newline=""``); return the number of people."""
    writer = csv.writer(out)
    count = -1
    for row in profile_export_rows(
        profiles=profiles if profiles is not None else profiles_for_export()
    ):
        writer.writerow(row)
        count += 1
    return count
