"""What matching adds to a person's profile page (through :mod:`profiles.hooks`)."""

from __future__ import annotations

from matching.selectors import mentor_response_rate


def response_rate_panel(request, profile) -> dict | None:
    """How a mentor answers requests, on their profile (not on mentee-only profiles)."""
    if not profile.is_mentor:
        return None
    return {
        "template": "matching/includes/_panel_profile_responsiveness.html",
        "context": {"stats": mentor_response_rate(user=profile.user)},
        "order": 10,
    }


def request_panel(request, profile) -> dict | None:
    """On a mentor's profile: the way to ask them, or where the viewer already stands.

    Without it the directory is a dead end: a mentee finds a mentor and has no
    way to ask them (the request page existed, but nothing linked to it).
    """
    if not profile.is_mentor or profile.user_id == request.user.pk:
        return None
    from matching.selectors.pair_standing import pair_standing

    return {
        "template": "matching/includes/_panel_profile_request.html",
        "context": {
            "profile": profile,
            "standing": pair_standing(viewer=request.user, mentor_profile=profile),
        },
        "order": 1,
    }
