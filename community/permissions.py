"""Who may see what in the community: the one check for the programme dashboard."""

from __future__ import annotations

#: The programme manager's permission (safety's "Programme manager" role holds it).
PROGRAMME_DASHBOARD_PERMISSION = "matching.view_matchingconfig"


def can_view_programme_dashboard(user) -> bool:
    """Programme managers: active staff with the programme manager's permission.

    The views add safety's second-factor check (``staff_permission_required``).
    """
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm(PROGRAMME_DASHBOARD_PERMISSION)
    )
