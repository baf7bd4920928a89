"""Row locks on people, the one order every write that concerns two people takes them in.

A block or a suspension and a step of the lifecycle (a request, an accept,
a booking, a confirmation, a message) between the same people must not
interleave: otherwise the step checks "not blocked" before the block
commits, and the block's receivers look for what to end before the step
commits, and both succeed. Every such write calls :func:`people_lock` first
(safety's ``block_create`` and ``suspension_create``, matching's
``_refuse_if_unsafe``, sessions' ``_refuse_if_cannot_meet``), so the second
one waits for the first and then sees it. Ids are locked in ascending
order, so two writes about overlapping people never deadlock.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F


def people_lock(*people) -> None:
    """Lock these people's user rows until the transaction ends (call inside one).

    PostgreSQL: ``SELECT ... FOR UPDATE`` in id order. SQLite has no row
    locks: a no-op UPDATE takes the database's write lock now (with the
    ``IMMEDIATE`` transaction mode of our settings it is already held).
    """
    ids = sorted({getattr(p, "pk", p) for p in people if p is not None})
    if not ids:
        return
    users = get_user_model().objects.filter(pk__in=ids)
    if connection.vendor == "sqlite":
        users.update(is_active=F("is_active"))
        return
    list(users.select_for_update().order_by("pk").values_list("pk"))
