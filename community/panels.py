"""What community adds to pages of lower apps (through their hooks)."""

from __future__ import annotations

from community.permissions import can_view_programme_dashboard
from community.selectors import questions_asked_of, trust_signals


def trust_signals_panel(request, profile) -> dict | None:
    """Trust signals on a person's profile page (the same include as beside answers)."""
    signals = trust_signals([profile.user_id]).get(profile.user_id)
    return {
        "template": "community/includes/_panel_profile_trust.html",
        "context": {"signals": signals},
        "order": 20,
    }


def asked_of_you_panel(request) -> dict | None:
    """Dashboard: questions routed to this mentor and not answered by them yet."""
    user = request.user
    profile = getattr(user, "profile", None)
    if not user.is_authenticated or profile is None or not profile.is_mentor:
        return None
    return {
        "template": "community/includes/_panel_asked_of_you.html",
        "context": {"questions": questions_asked_of(viewer=user, limit=3)},
        "order": 25,
    }


def programme_panel(request) -> dict | None:
    if not can_view_programme_dashboard(request.user):
        return None
    return {"template": "community/includes/_panel_programme.html", "context": {}, "order": 90}
