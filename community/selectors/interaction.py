"""The one rule for "may these two people interact" in the community.

Every check goes through :func:`can_interact`: routing a question to a mentor,
answering a question, marking an answer helpful, booking a flash session from
an answer, seeing a question at all. The safety app (blocks, suspensions) adds
its check HERE, in one place, when it lands: ``safety.selectors`` will say
whether either person blocked the other.
"""

from __future__ import annotations


def can_interact(a, b) -> bool:
    """True when ``a`` and ``b`` (users) may interact through the community.

    Today: two different, active accounts. With safety: and neither blocked
    the other, and neither is suspended.
    """
    if a is None or b is None:
        return False
    if getattr(a, "pk", None) is None or getattr(b, "pk", None) is None:
        return False
    if a.pk == b.pk:
        return False
    return bool(a.is_active and b.is_active)


def interaction_q(viewer, *, field: str = "author"):
    """The same rule as a filter on a queryset: rows whose ``field`` person the viewer may meet.

    Today everyone (an empty ``Q``); safety adds "not blocked either way" here,
    beside :func:`can_interact`, so lists and single checks never disagree.
    """
    from django.db.models import Q

    return Q()
