"""What this app contributes to pages of lower apps, through their hooks.

Registered in ``MentoringSessionsConfig.ready()``: the dashboard panel
(``mentorship.dashboard``), sections of profile pages (``profiles.hooks``)
and the flash-booking button on suggestion cards (``matching.hooks``).
"""

from __future__ import annotations

from django.urls import reverse

from sessions import selectors
from sessions.services.booking import mentor_settings, zone_of


def sessions_panel(request):
    if not request.user.is_authenticated:
        return None
    upcoming = list(selectors.sessions_upcoming(user=request.user)[:5])
    unread = selectors.unread_messages_count(user=request.user)
    if not upcoming and not unread:
        return None
    return {
        "template": "sessions/includes/_dashboard_panel.html",
        "context": {"upcoming": upcoming, "unread": unread, "viewer_zone": zone_of(request.user)},
        "order": 15,
    }


def profile_section(request, profile, page: str):
    if page == "detail":
        user = request.user
        can_flash = (
            user.is_authenticated
            and profile.user_id != user.pk
            and profile.is_mentor
            and profile.format_flash
            and profile.accepting
        )
        rating = selectors.mentor_rating(mentor=profile.user) if profile.is_mentor else None
        if not can_flash and rating is None:
            return None
        return {
            "template": "sessions/includes/_profile_detail_section.html",
            "context": {
                "rating": rating,
                "can_flash": can_flash,
                "flash_state": selectors.flash_booking_state(mentor=profile.user)
                if can_flash
                else None,
                "target": profile,
            },
            "order": 10,
        }
    if page == "overview":
        feed = selectors.feed_of(user=request.user)
        feed_url = (
            request.build_absolute_uri(reverse("sessions:calendar_feed", args=[feed.token]))
            if feed
            else ""
        )
        return {
            "template": "sessions/includes/_profile_overview_section.html",
            "context": {
                "feed_url": feed_url,
                "is_mentor": profile.is_mentor,
                "session_settings": mentor_settings(request.user) if profile.is_mentor else None,
                "rating": selectors.mentor_rating(mentor=request.user)
                if profile.is_mentor
                else None,
            },
            "order": 50,
        }
    return None


def flash_suggestion_action(request, suggestion):
    profile = getattr(suggestion.mentor, "profile", None)
    if profile is None or not profile.format_flash or not profile.accepting:
        return None
    return {
        "label": "Book a flash session",
        "url": reverse("sessions:flash_book", args=[profile.public_id]),
        "icon": "lightning-charge",
    }
