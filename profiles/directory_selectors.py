"""Reads for the mentor directory and the public profile page.

Decisions (also in docs/demo-data.md, "Directory"):

* The directory lists people who can be asked for mentoring: role mentor or
  both, an active account, onboarding finished (``onboarded_at`` set) and
  visibility "members". A person who chose "only people I am matched with"
  is left out of the directory, since a card would show their name and
  headline to every member.
* **Time-zone overlap** is the overlap of two working days, 09:00–17:00 in
  each person's own time zone, at today's UTC offsets (so daylight saving is
  respected). Offsets differ by ``d`` hours on a 24-hour circle, so the
  overlap is ``max(0, 8 - d)`` hours a day. The filter keeps mentors whose
  zone overlaps the viewer's by at least N hours; the set of matching zones
  is computed in Python over the IANA list and passed to the database as
  ``timezone IN (...)``, which keeps the query indexable and cheap. The
  availability slots are finer, but many people leave them empty, and the
  matching engine already scores them.
* **Has capacity now**: accepting requests, not away (``away_until`` is
  unset or in the past; the person is away through that date) and free
  long-term places left, see :func:`mentor_free_places_annotation`.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime
from functools import lru_cache

from django.core.cache import cache
from django.db import models
from django.db.models import Count, F, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone

from . import hooks
from .models import Goal, Language, Profile, ProfileSkill, Skill, User
from .timezones import is_valid_timezone, timezone_names, zone_or_utc
from .visibility import hidden_people_ids

WORKDAY_START_HOUR = 9
WORKDAY_END_HOUR = 17
WORKDAY_HOURS = WORKDAY_END_HOUR - WORKDAY_START_HOUR
MENTOR_ROLES = Profile.MENTOR_ROLES


# --- Mentorships ---------------------------------------------------------------


def mentor_free_places_annotation() -> models.Expression:
    """An expression for ``Profile`` rows: long-term places still free.

    ``capacity`` minus the mentor's active long-term mentorships (flash
    mentorships take no place), as one correlated subquery.
    """
    active = hooks.places_taken_subquery("user_id")
    if active is None:
        return models.ExpressionWrapper(F("capacity"), output_field=models.IntegerField())
    return models.ExpressionWrapper(
        F("capacity") - Coalesce(Subquery(active, output_field=models.IntegerField()), Value(0)),
        output_field=models.IntegerField(),
    )


def users_are_matched(a: User | int | None, b: User | int | None) -> bool:
    """Whether two people share an active mentorship (contact details and
    "matches only" profiles depend on it); the matching app owns the rule
    and registers it in :mod:`profiles.hooks`."""
    a_id = a if isinstance(a, int) or a is None else a.pk
    b_id = b if isinstance(b, int) or b is None else b.pk
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return hooks.users_are_matched(a_id, b_id)


# --- Time zones ---------------------------------------------------------------


def _offset_hours(name: str, at: datetime) -> float:
    offset = at.astimezone(zone_or_utc(name)).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else 0.0


def working_hours_overlap(tz_a: str, tz_b: str, *, at: datetime | None = None) -> float:
    """Hours a day that two 09:00–17:00 working days overlap (0 to 8)."""
    moment = at or timezone.now()
    diff = abs(_offset_hours(tz_a, moment) - _offset_hours(tz_b, moment)) % 24
    diff = min(diff, 24 - diff)
    return max(0.0, WORKDAY_HOURS - diff)


@lru_cache(maxsize=256)
def _zones_with_overlap(viewer_tz: str, min_hours: float, hour_key: str) -> tuple[str, ...]:
    moment = datetime.fromisoformat(hour_key)
    return tuple(
        name
        for name in timezone_names()
        if working_hours_overlap(viewer_tz, name, at=moment) >= min_hours
    )


def timezones_overlapping(viewer_tz: str, min_hours: float, *, at: datetime | None = None) -> list:
    """IANA zones whose working day overlaps ``viewer_tz``'s by ``min_hours`` or more."""
    if not is_valid_timezone(viewer_tz):
        viewer_tz = "UTC"
    moment = (at or timezone.now()).replace(minute=0, second=0, microsecond=0)
    # Offsets change at most on the hour: cache per (zone, hours, hour).
    return list(_zones_with_overlap(viewer_tz, float(min_hours), moment.isoformat()))


def viewer_timezone(user) -> str:
    """The viewer's own time zone (from their profile), or UTC."""
    profile = getattr(user, "profile", None) if getattr(user, "is_authenticated", False) else None
    tz = getattr(profile, "timezone", "") or "UTC"
    return tz if is_valid_timezone(tz) else "UTC"


# --- Skills -------------------------------------------------------------------


def skills_matching_term(term: str) -> QuerySet:
    """Skills a typed term means: exact name or alias first, else names containing it.

    Aliases are stored ``;``-separated in lower case, so ``"JS"`` finds
    JavaScript through ``js;ecmascript``.
    """
    term = " ".join(term.split()).lower()
    if not term:
        return Skill.objects.none()
    alias = (
        Q(aliases__iexact=term)
        | Q(aliases__istartswith=f"{term};")
        | Q(aliases__iendswith=f";{term}")
        | Q(aliases__icontains=f";{term};")
    )
    exact = Skill.objects.approved().filter(Q(name__iexact=term) | alias)
    if exact.exists():
        return exact
    return Skill.objects.approved().filter(name__icontains=term)


def skill_suggestions(term: str, *, limit: int = 12) -> list[Skill]:
    """Skills for the directory's skill box: offered by mentors first, then by name."""
    term = " ".join(term.split())
    if len(term) < 2:
        return []
    lowered = term.lower()
    return list(
        Skill.objects.approved()
        .filter(Q(name__icontains=term) | Q(aliases__icontains=lowered))
        .annotate(
            mentors=Count(
                "profile_skills",
                filter=Q(profile_skills__direction=ProfileSkill.Direction.OFFERS),
            )
        )
        .order_by("-mentors", Lower("name"))[:limit]
    )


# --- Directory ----------------------------------------------------------------


def offered_skills_prefetch() -> Prefetch:
    return Prefetch(
        "skills",
        queryset=ProfileSkill.objects.filter(direction=ProfileSkill.Direction.OFFERS)
        .select_related("skill")
        .order_by("-level", "skill__name"),
        to_attr="offered_skills",
    )


def directory_mentors(*, viewer: User | None = None) -> QuerySet:
    """Every mentor the directory may list, with what a card needs, in name order.

    With a ``viewer``, people hidden from them (blocked either way,
    suspended: see :mod:`profiles.visibility`) are left out.

    The page is one query for the rows (user, occupation and free places
    joined in), one for their offered skills and one for their languages,
    whatever the number of mentors.
    """
    return (
        Profile.objects.filter(
            role__in=MENTOR_ROLES,
            user__is_active=True,
            onboarded_at__isnull=False,
            visibility=Profile.Visibility.MEMBERS,
        )
        .exclude(user_id__in=hidden_people_ids(viewer))
        .select_related("user", "occupation")
        .prefetch_related(offered_skills_prefetch(), "languages")
        .annotate(
            free_places=mentor_free_places_annotation(),
            sort_name=Lower(Coalesce(NullIf("display_name", Value("")), "user__name")),
        )
        .order_by("sort_name", "pk")
    )


def available_now_q(*, today: date | None = None) -> Q:
    """Accepting, not away today, and a free place (needs ``free_places``)."""
    today = today or timezone.localdate()
    return (
        Q(accepting=True)
        & (Q(away_until__isnull=True) | Q(away_until__lt=today))
        & Q(free_places__gt=0)
    )


INDUSTRIES_CACHE_KEY = "directory:industries"
INDUSTRIES_CACHE_SECONDS = 60


def directory_industries() -> list[str]:
    """Industries that listed mentors name, for the industry filter.

    Every directory page shows the list, and reading it scans every mentor; it
    changes only when a profile does, so it is cached for a minute and forgotten
    when a card changes (:func:`directory_changed`). A bulk load that bypasses
    ``save()`` shows in it within the minute.
    """
    industries = cache.get_or_set(
        INDUSTRIES_CACHE_KEY,
        lambda: list(
            directory_mentors()
            .exclude(industry="")
            .order_by()
            .values_list("industry", flat=True)
            .distinct()
            .order_by("industry")
        ),
        INDUSTRIES_CACHE_SECONDS,
    )
    return list(industries)


DIRECTORY_VERSION_KEY = "directory:version"
RESULTS_CACHE_SECONDS = 60


def directory_changed(**kwargs) -> None:
    """Receiver of the changes a directory card shows (profiles, their skills and
    languages, names and active accounts): the next directory page reads afresh, its
    industries too. Free places (a mentorship started or ended) are not among them:
    every accepted request would empty every page; a card's places and the "has
    capacity now" filter may be up to ``RESULTS_CACHE_SECONDS`` behind."""
    if kwargs.get("sender") is User and not _account_change_shows(kwargs.get("update_fields")):
        return
    cache.delete(INDUSTRIES_CACHE_KEY)
    cache.set(DIRECTORY_VERSION_KEY, uuid.uuid4().hex, None)


def _account_change_shows(update_fields) -> bool:
    """A sign-in saves ``last_login`` only: nothing a card shows."""
    return update_fields is None or not set(update_fields) <= {"last_login", "password"}


def directory_results_key(*, params, viewer, viewer_tz: str) -> str:
    """The cache key of one directory result page as ``viewer`` sees it.

    Everything the cards depend on is in it: the query string, the people
    hidden from the viewer (blocks either way, suspensions: a new block or
    suspension shows at once), the viewer's UTC offset now (overlaps and the
    overlap filter depend on offsets only, so viewers in London and Lisbon
    share pages), the hour (offsets change on the hour) and the day (who is
    away), and the directory's version, which every change of what a card
    shows replaces (:func:`directory_changed`).
    """
    version = cache.get_or_set(DIRECTORY_VERSION_KEY, lambda: uuid.uuid4().hex, None)
    now = timezone.now()
    raw = json.dumps(
        [
            version,
            sorted((k, sorted(v)) for k, v in params.lists()),
            _offset_hours(viewer_tz, now),
            sorted(hidden_people_ids(viewer)),
            now.strftime("%Y-%m-%dT%H"),
            timezone.localdate().isoformat(),
        ]
    )
    return "directory:results:" + hashlib.sha256(raw.encode()).hexdigest()


def directory_languages() -> QuerySet:
    return Language.objects.all()


def mentor_status(profile: Profile, *, today: date | None = None) -> tuple[str, str]:
    """A short availability label and its Bootstrap colour for a mentor card.

    Uses ``free_places`` when the row has it (directory), else capacity.
    """
    today = today or timezone.localdate()
    free = getattr(profile, "free_places", profile.capacity)
    if profile.away_until and profile.away_until >= today:
        return f"Away until {profile.away_until.day} {profile.away_until:%b}", "secondary"
    if not profile.accepting:
        return "Not taking requests", "secondary"
    if not profile.format_long_term:
        return "Flash sessions", "info"
    if free <= 0:
        return "Full for long-term", "warning"
    return f"{free} place{'s' if free != 1 else ''} free", "success"


# --- Profile page -------------------------------------------------------------


def profile_visible_to(*, viewer: User, profile: Profile) -> bool:
    """Whether ``viewer`` may see ``profile`` on any page that shows a person.

    The owner always may. Others need an active account behind it, not
    hidden from them (blocked either way, suspended), and either visibility
    "members" or an active mentorship with its owner.
    """
    if profile.user_id == viewer.pk:
        return True
    if not profile.user.is_active or profile.user_id in hidden_people_ids(viewer):
        return False
    if profile.visibility == Profile.Visibility.MEMBERS:
        return True
    return users_are_matched(viewer, profile.user)


def profile_for_viewer(*, viewer: User, pk: int | None = None, public_id=None) -> Profile | None:
    """The profile (by ``public_id``, or ``pk`` for internal callers) if
    ``viewer`` may see it (:func:`profile_visible_to`), else ``None`` (the view 404s)."""
    profile = (
        Profile.objects.select_related("user", "occupation")
        .prefetch_related(
            offered_skills_prefetch(),
            Prefetch(
                "skills",
                queryset=ProfileSkill.objects.filter(direction=ProfileSkill.Direction.WANTS)
                .select_related("skill")
                .order_by("-level", "skill__name"),
                to_attr="wanted_skills",
            ),
            "languages",
            "availability",
        )
        .annotate(free_places=mentor_free_places_annotation())
        .filter(**({"public_id": public_id} if public_id is not None else {"pk": pk}))
        .first()
    )
    if profile is None or not profile_visible_to(viewer=viewer, profile=profile):
        return None
    return profile


def profile_contact_visible(*, viewer: User, profile: Profile) -> bool:
    """Email and links are for the owner and people in an active mentorship with them."""
    return profile.user_id == viewer.pk or users_are_matched(viewer, profile.user_id)


def profile_goals(*, profile: Profile) -> list[Goal]:
    """The owner's goals that are still open or in progress (what they want help with)."""
    return list(
        Goal.objects.filter(
            owner_id=profile.user_id, status__in=[Goal.Status.OPEN, Goal.Status.IN_PROGRESS]
        ).order_by("target_date", "pk")
    )


def availability_in_viewer_time(*, profile: Profile, viewer_tz: str) -> list[dict]:
    """The owner's weekly slots, with the same slot in the viewer's time zone.

    Converted at this week's offsets, so daylight saving is respected.
    """
    owner_zone = zone_or_utc(profile.timezone)
    viewer_zone = zone_or_utc(viewer_tz)
    today = timezone.now().astimezone(owner_zone).date()
    monday = today.toordinal() - today.weekday()
    names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    rows = []
    for slot in profile.availability.all():
        day = date.fromordinal(monday + slot.weekday)
        start = datetime.combine(day, slot.start_time, owner_zone).astimezone(viewer_zone)
        end = datetime.combine(day, slot.end_time, owner_zone).astimezone(viewer_zone)
        rows.append(
            {
                "owner": f"{names[slot.weekday]} {slot.start_time:%H:%M}–{slot.end_time:%H:%M}",
                "viewer": f"{names[start.weekday()]} {start:%H:%M}–{end:%H:%M}",
            }
        )
    return rows
