"""Core reads: tokens, webhook endpoints and deliveries, notifications."""

from __future__ import annotations

import datetime

from django.db.models import Count, QuerySet, Window
from django.utils import timezone

from mentorship.models import ApiToken, Notification, WebhookDelivery, WebhookEndpoint

# An attempt claimed this long ago without a result is considered lost.
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
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING,
        endpoint__is_active=True,
        next_attempt_at__lte=now - OVERDUE_AFTER,
    )


def first_rows_and_count(queryset: QuerySet, n: int) -> tuple[list, int]:
    """The first ``n`` rows of ``queryset`` and how many rows it holds in all, in one query.

    A panel that shows "3 of 12" reads both with a window count over the
    whole filtered set, instead of a ``COUNT(*)`` and then the rows.
    """
    rows = list(queryset.annotate(rows_in_all=Window(Count("pk")))[:n])
    return rows, (rows[0].rows_in_all if rows else 0)
