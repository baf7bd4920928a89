"""The one rule for "may these two people interact" in the community.

Every check goes through :func:`can_interact`: routing a question to a mentor,
answering a question, marking an answer helpful, booking a flash session from
an answer, seeing a question at all. Blocks (either way) and suspensions come
from ``safety.selectors``, here and nowhere else in the community.
"""

from __future__ import annotations

from django.db.models import Q

from safety import selectors as safety


def can_interact(a, b) -> bool:
    """True when ``a`` and ``b`` (users) may interact through the community.

    Two different, active accounts, neither blocked by the other, neither suspended.
    """
    if a is None or b is None:
        return False
    if getattr(a, "pk", None) is None or getattr(b, "pk", None) is None:
        return False
    if a.pk == b.pk:
        return False
    if not (a.is_active and b.is_active):
        return False
    return not (safety.users_blocked(a, b) or safety.is_suspended(a) or safety.is_suspended(b))


def interaction_q(viewer, *, field: str = "author"):
    """The same rule as a filter on a queryset: rows whose ``field`` person the viewer may meet.

    People blocked either way and suspended people are left out, beside
    :func:`can_interact`, so lists and single checks never disagree.
    """
    hidden = safety.hidden_people_ids(viewer) if getattr(viewer, "pk", None) else set()
    return ~Q(**{f"{field}_id__in": hidden}) if hidden else Q()
