"""Mentorships and the places a mentor uses."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet

from matching.models import (
    Mentorship,
)
from profiles.selectors import profile_of


def places_taken_subquery(mentor_ref: str) -> QuerySet:
    """A correlated count of the long-term places a mentor uses.

    ``mentor_ref`` names the outer query's column holding the mentor's user
    id (``"user_id"`` on Profile, ``"mentor"`` on Suggestion).
    """
    return (
        Mentorship.objects.holding_places()
        .filter(mentor_id=OuterRef(mentor_ref))
        .order_by()
        .values("mentor_id")
        .annotate(count=Count("pk"))
        .values("count")
    )


def users_are_matched(a, b) -> bool:
    """True when an active mentorship links the two people, in either direction.

    ``a`` and ``b`` are users or user ids; None (anonymous) is never matched.
    """
    a_id = a if isinstance(a, int) or a is None else a.pk
    b_id = b if isinstance(b, int) or b is None else b.pk
    if a_id is None or b_id is None or a_id == b_id:
        return False
    return Mentorship.objects.filter(
        Q(mentee_id=a_id, mentor_id=b_id) | Q(mentee_id=b_id, mentor_id=a_id),
        status=Mentorship.Status.ACTIVE,
    ).exists()


def mentorships_for_user(*, user) -> QuerySet[Mentorship]:
    return (
        Mentorship.objects.filter(Q(mentee=user) | Q(mentor=user))
        .select_related("mentee", "mentee__profile", "mentor", "mentor__profile")
        .order_by("status", "-started_at")
    )


def mentorship_for_party(*, user, pk: int) -> Mentorship | None:
    """One of ``user``'s mentorships, with the request it began from (its page shows both)."""
    return mentorships_for_user(user=user).select_related("request__goal").filter(pk=pk).first()


@dataclass(frozen=True)
class Places:
    taken: int
    capacity: int

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity


def mentor_places(*, mentor) -> Places:
    profile = profile_of(mentor)  # usually the viewer's own, already loaded
    taken = Mentorship.objects.holding_places().filter(mentor=mentor).count()
    return Places(taken=taken, capacity=profile.capacity if profile else 0)
