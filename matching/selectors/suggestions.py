"""Suggestions as people see them: current, open, without pairs excluded since the run."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from matching.models import (
    Format,
    Mentorship,
    PairExclusion,
    Suggestion,
)
from profiles.models import ProfileSkill
from safety import selectors as safety

from .mentorships import places_taken_subquery


def suggestions_for_mentee(*, user) -> QuerySet[Suggestion]:
    """The mentee's current, open suggestions, best first.

    Each mentor comes with their profile (and occupation) joined and their
    offered skills prefetched as ``mentor.profile.offered_skills`` (with the
    skill), so a page of suggestions costs a constant number of queries.
    """
    offered = ProfileSkill.objects.filter(direction=ProfileSkill.Direction.OFFERS).select_related(
        "skill"
    )
    return (
        Suggestion.objects.filter(
            mentee=user,
            is_current=True,
            status=Suggestion.Status.OPEN,
            mentor__is_active=True,
        )
        .select_related("mentor__profile", "mentor__profile__occupation", "run")
        .prefetch_related(
            Prefetch("mentor__profile__skills", queryset=offered, to_attr="offered_skills")
        )
        .order_by("rank", "id")
    )


def suggestions_visible_to(*, user) -> QuerySet[Suggestion]:
    """The mentee's current, open suggestions (``matching.selectors``), best first,
    without excluded pairs.

    A pair excluded after the run (a decline, an admin "do not match"), a
    block, a suspension, or a pair that became a mentorship disappears at
    once, not at the next run. A mentor whose profile is for "people I am
    matched with" only appears when a published cohort paired them.
    """
    excluded = PairExclusion.objects.filter(mentee=OuterRef("mentee"), mentor=OuterRef("mentor"))
    active = Mentorship.objects.filter(
        mentee=OuterRef("mentee"), mentor=OuterRef("mentor"), status=Mentorship.Status.ACTIVE
    )
    return (
        suggestions_for_mentee(user=user)
        .exclude(Exists(excluded))
        .exclude(Exists(active))
        .exclude(mentor_id__in=safety.hidden_people_ids(user))  # blocked / suspended: at once
        # "Only people I am matched with": shown only when the programme paired them (cohort).
        .exclude(Q(mentor__profile__visibility="matches") & ~Q(run__kind="cohort"))
        .annotate(places_taken=Coalesce(Subquery(places_taken_subquery("mentor")), 0))
        .select_related("mentor")
        .prefetch_related("mentor__profile__languages")
    )


def suggestions_filtered(
    *, user, format: str = "", language: str = "", has_capacity: bool = False
) -> QuerySet[Suggestion]:
    suggestions = suggestions_visible_to(user=user)
    if format == Format.FLASH:
        suggestions = suggestions.filter(mentor__profile__format_flash=True)
    elif format == Format.LONG_TERM:
        suggestions = suggestions.filter(mentor__profile__format_long_term=True)
    if language:
        suggestions = suggestions.filter(mentor__profile__languages__code=language).distinct()
    if has_capacity:
        suggestions = suggestions.filter(
            mentor__profile__format_long_term=True,
            mentor__profile__capacity__gt=F("places_taken"),
        )
    return suggestions


def suggestion_for_mentee(*, user, pk: int) -> Suggestion | None:
    return (
        Suggestion.objects.filter(mentee=user, pk=pk)
        .select_related("mentor", "mentor__profile")
        .first()
    )


def suggestions_current_count() -> int:
    return Suggestion.objects.filter(is_current=True, status=Suggestion.Status.OPEN).count()
