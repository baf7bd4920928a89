"""Who may see what in the community: the one check for the programme dashboard."""

from __future__ import annotations


def can_view_programme_dashboard(user) -> bool:
    """Programme managers: active staff today.

    The safety app's staff roles narrow this (say, to a "programme manager"
    role) by changing THIS function only; every dashboard view and CSV asks it.
    """
    return bool(user and user.is_authenticated and user.is_active and user.is_staff)
