"""Dashboard panel for moderators: open reports and mentors waiting for review.

Registered when ``SafetyConfig.ready()`` imports this module.
"""

from mentorship.dashboard import register_panel

from . import selectors


@register_panel
def moderation_panel(request) -> dict | None:
    user = request.user
    if not (user.is_staff and user.has_perm("safety.moderate")):
        return None
    return {
        "template": "safety/includes/_panel_moderation.html",
        "order": 5,
        "context": {
            "open_reports": selectors.open_reports_count(),
            "awaiting_review": selectors.mentors_awaiting_review().count(),
        },
    }
