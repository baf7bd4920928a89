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
