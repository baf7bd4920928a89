"""The staff roles: Django groups and the permissions each holds.

``safety/migrations/0002`` creates them (with its own frozen copy of this
table, as migrations must); :func:`staff_roles_ensure` re-creates them
idempotently where the migration's rows are gone (a test database flushed
by a transactional test) or after a new permission is added here.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

PROGRAMME_MANAGER = "Programme manager"
MODERATOR = "Moderator"

ROLES: dict[str, list[tuple[str, str]]] = {
    PROGRAMME_MANAGER: [
        ("matching", "view_matchingconfig"),
        ("matching", "change_matchingconfig"),
        ("matching", "view_matchrun"),
        ("matching", "add_matchrun"),
        ("matching", "change_matchrun"),
        ("matching", "view_suggestion"),
        ("matching", "view_matchrequest"),
        ("matching", "view_mentorship"),
        ("matching", "add_mentorship"),
        ("matching", "view_pairexclusion"),
        ("matching", "add_pairexclusion"),
        ("matching", "change_pairexclusion"),
        ("matching", "delete_pairexclusion"),
        ("profiles", "view_profile"),
    ],
    MODERATOR: [
        ("safety", "moderate"),
        ("safety", "suspend_user"),
        ("safety", "view_report"),
        ("safety", "view_suspension"),
        ("safety", "view_warning"),
        ("safety", "view_mentorreview"),
        ("safety", "view_auditlog"),
        ("profiles", "view_profile"),
    ],
}


def staff_roles_ensure() -> dict[str, Group]:
    """Create the role groups and give them their permissions (idempotent)."""
    groups = {}
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)
        groups[name] = group
    return groups
