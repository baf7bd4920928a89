"""Where a viewer stands with one mentor: what their profile page should offer."""

from __future__ import annotations

from dataclasses import dataclass

from matching.models import MatchRequest, Mentorship
from profiles.models import Profile
from profiles.selectors import profile_of


@dataclass(frozen=True)
class PairStanding:
    """``state`` is one of: ``mentorship`` (active), ``pending`` (a request waits),
    ``not_mentee`` (the viewer does not look for mentors), ``not_accepting`` (the
    mentor takes no requests now) or ``can_request``."""

    state: str
    mentorship: Mentorship | None = None
    request: MatchRequest | None = None


def pair_standing(*, viewer, mentor_profile: Profile) -> PairStanding:
    mentor = mentor_profile.user
    mentorship = (
        Mentorship.objects.filter(mentee=viewer, mentor=mentor, status=Mentorship.Status.ACTIVE)
        .order_by("-pk")
        .first()
    )
    if mentorship is not None:
        return PairStanding("mentorship", mentorship=mentorship)
    pending = (
        MatchRequest.objects.filter(
            mentee=viewer, mentor=mentor, status=MatchRequest.Status.PENDING
        )
        .order_by("-pk")
        .first()
    )
    if pending is not None:
        return PairStanding("pending", request=pending)
    viewer_profile = profile_of(viewer)
    if viewer_profile is not None and not viewer_profile.is_mentee:
        return PairStanding("not_mentee")
    if not mentor_profile.accepting:
        return PairStanding("not_accepting")
    return PairStanding("can_request")
