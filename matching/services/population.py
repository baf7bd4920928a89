"""Database rows -> the engine's arrays (mentees, mentors, exclusions) and the fitted model.

Decisions (hours, who is matchable) are in ``docs/matching-runs.md``.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.utils import timezone

from matching import hooks
from matching.engine import (
    EngineConfig,
    Exclusions,
    MatchModel,
    Mentees,
    Mentors,
)
from matching.models import (
    Format,
    MatchingConfig,
)
from matching.selectors import active_long_term_counts, exclusions_load, request_counts
from profiles.models import AvailabilitySlot, Goal, Profile, ProfileSkill
from profiles.timezones import zone_or_utc
from safety import selectors as safety_selectors

from . import skill_model  # the learned skill-relatedness model (issue 15)

logger = logging.getLogger(__name__)


HOURS_PER_WEEK = 168


#: Mentees who gave no availability are assumed free Mon-Fri 09:00-18:00 local.
DEFAULT_MENTEE_SLOTS = tuple((day, dtime(9, 0), dtime(18, 0)) for day in range(5))


RANDOM_STATE = 0


MENTOR_ROLES = Profile.MENTOR_ROLES


MENTEE_ROLES = Profile.MENTEE_ROLES


ACTIVE_GOALS = (Goal.Status.OPEN, Goal.Status.IN_PROGRESS)


def _zone(name: str) -> ZoneInfo:
    return zone_or_utc(name)


def utc_offset_minutes(tz_name: str, at: datetime) -> int:
    """The zone's offset from UTC at ``at`` (minutes; +330 for Asia/Kolkata)."""
    offset = at.astimezone(_zone(tz_name)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def weekly_hours_utc(
    slots: Iterable[tuple[int, dtime, dtime]], tz_name: str, at: datetime
) -> np.ndarray:
    """UTC hours of the week (Monday 00:00 UTC = 0) covered by local weekly slots.

    ``slots`` are (weekday 0=Monday, start, end) in the zone ``tz_name``; the
    zone's offset at ``at`` is used. Start and end are rounded to the nearest
    hour (half up); a slot shorter than that still marks its middle hour.
    """
    hours = np.zeros(HOURS_PER_WEEK, dtype=bool)
    offset = utc_offset_minutes(tz_name, at)
    for weekday, start, end in slots:
        a = weekday * 1440 + start.hour * 60 + start.minute - offset
        b = weekday * 1440 + end.hour * 60 + end.minute - offset
        if b <= a:
            continue
        first, last = (a + 30) // 60, (b + 30) // 60
        if last <= first:
            first, last = (a + b) // 120, (a + b) // 120 + 1
        hours[np.arange(first, last) % HOURS_PER_WEEK] = True
    return hours


@dataclass
class Population:
    """The engine's inputs built from the database, plus what runs need around them."""

    mentees: Mentees
    mentors: Mentors
    exclusions: Exclusions
    skill_categories: dict[str, str]
    loaded_at: datetime
    seconds: float = 0.0

    def mentee_rows(self, user_ids: Iterable[int]) -> np.ndarray:
        """Rows of the given mentee ids (ids that are not mentees are dropped)."""
        index = {int(uid): i for i, uid in enumerate(self.mentees.ids)}
        return np.array(sorted(index[u] for u in map(int, user_ids) if u in index), dtype=np.int64)


PROFILE_FIELDS = (
    "id",
    "user_id",
    "role",
    "headline",
    "bio",
    "strengths",
    "growth_areas",
    "years_experience",
    "industry",
    "occupation__soc_code",
    "timezone",
    "format_flash",
    "format_long_term",
    "capacity",
    "accepting",
    "away_until",
)

#: What the mentor-only facts need (:func:`mentor_facts_load`).
FACT_FIELDS = ("user_id", "capacity", "accepting", "away_until")


def _profile_rows(
    *,
    roles: Sequence[str],
    user_ids: Iterable[int] | None = None,
    fields: Sequence[str] = PROFILE_FIELDS,
) -> list[dict]:
    """Active people of ``roles`` whom matching may suggest (safety's filters applied)."""
    qs = Profile.objects.filter(user__is_active=True, role__in=roles)
    qs = qs.exclude(
        user_id__in=safety_selectors.users_not_suggestable_ids(as_mentor=roles == MENTOR_ROLES)
    )
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    return list(qs.order_by("user_id").values(*fields))


def _formats(row: dict) -> frozenset[str]:
    chosen = []
    if row["format_flash"]:
        chosen.append(Format.FLASH.value)
    if row["format_long_term"]:
        chosen.append(Format.LONG_TERM.value)
    return frozenset(chosen)


def _by_profile(qs, profile_ids: list[int] | None, *fields: str) -> dict[int, list[tuple]]:
    if profile_ids is not None:
        qs = qs.filter(profile_id__in=profile_ids)
    out: dict[int, list[tuple]] = defaultdict(list)
    for row in qs.order_by().values_list("profile_id", *fields):
        out[row[0]].append(row[1:])
    return out


def _people_fields(rows: list[dict], now: datetime) -> dict[str, Any]:
    return {
        "ids": np.array([r["user_id"] for r in rows], dtype=np.int64),
        "years_experience": np.array(
            [
                np.nan if r["years_experience"] is None else float(r["years_experience"])
                for r in rows
            ]
        ),
        "industry": [r["industry"] or "" for r in rows],
        "occupation_group": [(r["occupation__soc_code"] or "")[:2] for r in rows],
    }


def _reliability_arrays(rows: list[dict], mentor_ids: list[int] | None) -> dict[str, np.ndarray]:
    """Session evidence from the app that fills ``matching.hooks`` (sessions), as arrays.

    ``mentor_ids`` None: ``rows`` are every mentor, counted without an id list (a list of
    20,000 ids costs more to send than the counts).
    """
    found = hooks.reliability_counts(mentor_ids)
    ids = [r["user_id"] for r in rows]
    return {
        "sessions_counted": np.array([found.get(i, (0.0, 0.0))[0] for i in ids], float),
        "sessions_kept": np.array([found.get(i, (0.0, 0.0))[1] for i in ids], float),
    }


def _mentor_facts(
    rows: list[dict],
    *,
    config: MatchingConfig,
    now: datetime,
    mentor_ids: list[int] | None = None,
) -> dict[str, np.ndarray]:
    """The mentor-only facts of ``rows`` (``Mentors`` fields): places left, accepting,
    request counts (responsiveness) and session evidence (reliability, ``matching.hooks``).

    One code path for full runs (:func:`population_load`) and warm re-scores
    (:func:`mentor_facts_load`), so both score with the same components.
    """
    today = timezone.localdate()
    taken = active_long_term_counts(mentor_ids)
    counts = request_counts(mentor_ids=mentor_ids, expiry_days=config.request_expiry_days, now=now)
    return {
        "capacity_left": np.array(
            [max(r["capacity"] - taken.get(r["user_id"], 0), 0) for r in rows], dtype=np.int64
        ),
        "accepting": np.array(
            [
                bool(r["accepting"]) and not (r["away_until"] and r["away_until"] >= today)
                for r in rows
            ],
            dtype=bool,
        ),
        "requests_received": np.array(
            [counts.get(r["user_id"], (0, 0))[0] for r in rows], dtype=np.int64
        ),
        "requests_answered_in_time": np.array(
            [counts.get(r["user_id"], (0, 0))[1] for r in rows], dtype=np.int64
        ),
        **_reliability_arrays(rows, mentor_ids),
    }


def mentor_facts_load(
    *, mentor_ids: Sequence[int], config: MatchingConfig | None = None
) -> dict[str, np.ndarray]:
    """Today's mentor-only facts for ``mentor_ids`` (in that order), as a full run reads them.

    A mentor who is no longer suggestable (suspended, held for review, no
    longer an active mentor) gets no places and is not accepting: never suggested.
    """
    config = config or MatchingConfig.load()
    rows = _profile_rows(roles=MENTOR_ROLES, fields=FACT_FIELDS)
    facts = _mentor_facts(rows, config=config, now=timezone.now())
    position = {r["user_id"]: i for i, r in enumerate(rows)}
    ids = [int(i) for i in mentor_ids]
    found = np.array([position.get(i, -1) for i in ids], dtype=np.int64)
    known = found >= 0
    out = {}
    for name, values in facts.items():
        column = np.zeros(len(ids), dtype=values.dtype)
        column[known] = values[found[known]]
        out[name] = column
    return out


def population_load(
    *,
    config: MatchingConfig | None = None,
    mentee_ids: Iterable[int] | None = None,
    mentor_ids: Iterable[int] | None = None,
) -> Population:
    """Mentees and mentors as engine arrays, in a fixed number of queries.

    ``mentee_ids`` restricts the mentees, ``mentor_ids`` the mentors (both
    given: just those people, for an incremental re-score of a few).
    """
    started = time.perf_counter()
    config = config or MatchingConfig.load()
    now = timezone.now()
    mentor_ids = None if mentor_ids is None else list(mentor_ids)
    mentor_rows = _profile_rows(roles=MENTOR_ROLES, user_ids=mentor_ids)
    mentee_rows = _profile_rows(roles=MENTEE_ROLES, user_ids=mentee_ids)
    restricted = mentee_ids is not None or mentor_ids is not None
    profile_ids = (
        sorted({r["id"] for r in mentor_rows} | {r["id"] for r in mentee_rows})
        if restricted
        else None
    )

    skills = _by_profile(
        ProfileSkill.objects.all(),
        profile_ids,
        "direction",
        "level",
        "skill__name",
        "skill__category",
    )
    languages = _by_profile(Profile.languages.through.objects.all(), profile_ids, "language__name")
    slots = _by_profile(
        AvailabilitySlot.objects.all(), profile_ids, "weekday", "start_time", "end_time"
    )
    goals_qs = Goal.objects.filter(status__in=ACTIVE_GOALS)
    if restricted:
        goals_qs = goals_qs.filter(owner_id__in=[r["user_id"] for r in mentee_rows])
    goals: dict[int, list[str]] = defaultdict(list)
    for owner_id, title, description in goals_qs.order_by("owner_id", "id").values_list(
        "owner_id", "title", "description"
    ):
        goals[owner_id].append(f"{title}. {description}".strip())

    categories: dict[str, str] = {}
    wanted: dict[int, dict[str, float]] = defaultdict(dict)
    offered: dict[int, dict[str, float]] = defaultdict(dict)
    for pid, rows in skills.items():
        for direction, level, name, category in rows:
            if category:
                categories[name] = category
            target = offered if direction == ProfileSkill.Direction.OFFERS else wanted
            target[pid][name] = float(level)

    # Mentees "good enough to match": a wanted skill or an active goal.
    mentee_rows = [r for r in mentee_rows if wanted.get(r["id"]) or goals.get(r["user_id"])]

    def hours(rows: list[dict], default: Sequence | None) -> np.ndarray:
        out = np.zeros((len(rows), HOURS_PER_WEEK), dtype=bool)
        for i, r in enumerate(rows):
            own = slots.get(r["id"]) or default
            if own:
                out[i] = weekly_hours_utc(own, r["timezone"], now)
        return out

    def langs(rows: list[dict]) -> list[frozenset[str]]:
        return [frozenset(name for (name,) in languages.get(r["id"], ())) for r in rows]

    mentees = Mentees(
        **_people_fields(mentee_rows, now),
        skills=[dict(wanted.get(r["id"], {})) for r in mentee_rows],
        text=[
            " ".join([*goals.get(r["user_id"], []), r["growth_areas"] or ""]).strip()
            for r in mentee_rows
        ],
        available_hours=hours(mentee_rows, DEFAULT_MENTEE_SLOTS),
        languages=langs(mentee_rows),
        formats=[_formats(r) for r in mentee_rows],
        hours_assumed=np.array([not slots.get(r["id"]) for r in mentee_rows], dtype=bool),
    )

    mentors = Mentors(
        **_people_fields(mentor_rows, now),
        skills=[dict(offered.get(r["id"], {})) for r in mentor_rows],
        text=[
            " ".join(
                [r["headline"] or "", r["bio"] or "", r["strengths"] or ""]
                + sorted(offered.get(r["id"], {}))
            ).strip()
            for r in mentor_rows
        ],
        available_hours=hours(mentor_rows, None),
        languages=langs(mentor_rows),
        formats=[_formats(r) for r in mentor_rows],
        **_mentor_facts(mentor_rows, config=config, now=now, mentor_ids=mentor_ids),
    )
    exclusions = exclusions_load(mentee_ids=None if not restricted else mentees.ids.tolist())
    return Population(
        mentees=mentees,
        mentors=mentors,
        exclusions=exclusions,
        skill_categories=categories,
        loaded_at=now,
        seconds=time.perf_counter() - started,
    )


def model_fit(
    population: Population,
    engine_config: EngineConfig,
    skill_model_version: int | str | None = skill_model.CURRENT,
) -> MatchModel | None:
    """The engine's model fitted on everyone; None when there is nobody to match.

    ``skill_model_version``: the skill-relatedness version to score with (a
    run passes the one it recorded; default the newest; None = without).
    """
    if not len(population.mentees) or not len(population.mentors):
        return None
    return MatchModel(
        config=engine_config,
        skill_categories=population.skill_categories,
        random_state=RANDOM_STATE,
        skill_model=skill_model.skill_model_load(version=skill_model_version),
    ).fit(population.mentees, population.mentors)
