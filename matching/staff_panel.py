"""The dashboard's way into the staff pages, for staff accounts.

Without it a staff member has to know the URLs. The safety work (issue 10)
narrows who sees which link once staff roles exist; for now every
``is_staff`` account sees them, as the pages themselves allow.
"""

from mentorship.dashboard import register_panel

from .selectors import match_run_active, match_run_latest


@register_panel
def staff_panel(request) -> dict | None:
    if not request.user.is_staff:
        return None
    return {
        "template": "matching/includes/_panel_staff.html",
        "order": 1,
        "context": {"active_run": match_run_active(), "latest_run": match_run_latest()},
    }
