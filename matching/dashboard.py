"""Dashboard panels of matching: suggestions, requests waiting for a mentor, notifications.

Registered when ``MatchingConfig.ready()`` imports this module.
"""

from mentorship.dashboard import register_panel
from mentorship.models import Notification
from mentorship.notifications import request_unread_count
from mentorship.selectors import first_rows_and_count
from profiles.models import Profile
from profiles.selectors import member_takes_part, profile_of

from .models import MatchRequest
from .selectors import (
    match_requests_received,
    mentor_places,
    pending_cap,
    suggestions_visible_to,
)


def _profile(request) -> Profile | None:
    if not member_takes_part(user=request.user):
        return None  # a staff account without a profile of its own
    return profile_of(request.user)


@register_panel
def suggestions_panel(request) -> dict | None:
    profile = _profile(request)
    top, count = first_rows_and_count(suggestions_visible_to(user=request.user), 3)
    if not count and not (profile and profile.is_mentee):
        return None
    return {
        "template": "matching/includes/_panel_suggestions.html",
        "order": 10,
        "context": {
            "count": count,
            "top": top,
            "cap": pending_cap(mentee=request.user),
        },
    }


@register_panel
def requests_panel(request) -> dict | None:
    profile = _profile(request)
    pending = match_requests_received(user=request.user, status=MatchRequest.Status.PENDING)
    shown, count = first_rows_and_count(pending, 3)
    if not count and not (profile and profile.is_mentor):
        return None
    return {
        "template": "matching/includes/_panel_requests.html",
        "order": 20,
        "context": {
            "count": count,
            "requests": shown,
            "places": mentor_places(mentor=request.user),
        },
    }


@register_panel
def notifications_panel(request) -> dict | None:
    notifications = Notification.objects.filter(user=request.user)
    return {
        "template": "matching/includes/_panel_notifications.html",
        "order": 30,
        "context": {"unread": request_unread_count(request), "latest": list(notifications[:5])},
    }
