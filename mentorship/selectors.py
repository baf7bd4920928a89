"""Core reads: tokens, webhook endpoints and deliveries, notifications."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet, Window
from django.utils import timezone

from mentorship.models import ApiToken, Notification, WebhookDelivery, WebhookEndpoint

# An unclaimed attempt due this long ago without a message having run it is
# considered lost (its message went with the broker).
OVERDUE_AFTER = datetime.timedelta(minutes=2)


def api_tokens_for_user(*, user) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def api_token_for_owner(*, user, pk: int) -> ApiToken | None:
    return ApiToken.objects.filter(user=user, pk=pk).first()


def notifications_for_user(*, user, unread: bool = False) -> QuerySet[Notification]:
    notifications = Notification.objects.filter(user=user)
    if unread:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications


def notification_for_user(*, user, pk: int) -> Notification | None:
    return Notification.objects.filter(user=user, pk=pk).first()


def webhook_endpoints() -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.select_related("created_by").order_by("-created_at")


def webhook_deliveries_for(*, endpoint: WebhookEndpoint) -> QuerySet[WebhookDelivery]:
    return endpoint.deliveries.select_related("event").order_by("-created_at")


def webhook_deliveries_overdue(*, now=None) -> QuerySet[WebhookDelivery]:
    """Pending deliveries (of active endpoints) whose message may be lost: unclaimed
    and due more than ``OVERDUE_AFTER`` ago, or claimed by an attempt (its worker
    may have died with the message; it is due when the lease ends)."""
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        Q(claimed_until__isnull=True, next_attempt_at__lte=now - OVERDUE_AFTER)
        | Q(claimed_until__isnull=False),
        status=WebhookDelivery.Status.PENDING,
        endpoint__is_active=True,
    )


def webhook_deliveries_to_requeue(*, now=None, limit: int = 500) -> list[tuple[int, float]]:
    """(delivery id, countdown in seconds) for each overdue delivery: a claimed one
    when its lease ends, any other at once."""
    now = now or timezone.now()
    rows = webhook_deliveries_overdue(now=now).order_by("pk").values_list("pk", "claimed_until")
    return [
        (pk, max(0.0, (until - now).total_seconds()) if until else 0.0)
        for pk, until in rows[:limit]
    ]


def rows_and_count(queryset: QuerySet, start: int, stop: int) -> tuple[list, int | None]:
    """Rows ``start:stop`` of ``queryset`` and how many rows it holds in all.

    One query where it can: a window count over the whole filtered set (computed
    before ``LIMIT``) instead of a ``COUNT(*)`` and then the rows. A DISTINCT or
    combined (UNION) queryset is counted apart, since a window counts the rows
    before DISTINCT. The total is None when a slice past the first row is empty
    (no row carried it).
    """
    query = queryset.query
    if query.distinct or query.combinator:
        return list(queryset[start:stop]), queryset.count()
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[start:stop])
    if rows:
        return rows, rows[0].rows_in_all
    return rows, (0 if start == 0 else None)


def first_rows_and_count(queryset: QuerySet, n: int) -> tuple[list, int]:
    """The first ``n`` rows of ``queryset`` and how many rows it holds in all, in one query:
    a panel that shows "3 of 12" (see :func:`rows_and_count`)."""
    rows, total = rows_and_count(queryset, 0, n)
    return rows, total or 0
