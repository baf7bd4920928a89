"""Site-wide tasks: the daily notification digest, the emails still owed, and
sending webhook deliveries.

Thin: ids in, the service does the work.
"""

from __future__ import annotations

from celery import shared_task

from mentorship.services.webhooks import webhook_delivery_attempt

from .digests import digests_send
from .notifications import notification_emails_send


@shared_task(name="mentorship.tasks.send_daily_digests")
def send_daily_digests() -> int:
    """Send each person's daily digest once (a re-run the same day sends nothing twice)."""
    return digests_send()


@shared_task(name="mentorship.tasks.webhook_deliver", ignore_result=True)
def webhook_deliver(delivery_id: int) -> str:
    """One attempt; on failure, queue the next one after the backoff the service chose.

    Retries are new messages with a countdown rather than ``self.retry`` so
    that the schedule lives in the delivery row (visible on the staff page)
    and a duplicate message finds the attempt not due and does nothing.
    """
    attempt = webhook_delivery_attempt(delivery_id=delivery_id)
    if attempt is None:
        return "skipped"
    if attempt.delivered:
        return "delivered"
    if attempt.retry_in is not None:
        webhook_deliver.apply_async(args=[delivery_id], countdown=attempt.retry_in)
        return "retrying"
    return "failed"


@shared_task(name="mentorship.tasks.webhook_sweep", ignore_result=True)
def webhook_sweep() -> int:
    """Queue pending deliveries whose attempt is overdue (a message lost with the broker)."""
    from mentorship.selectors import webhook_deliveries_overdue

    ids = list(webhook_deliveries_overdue().values_list("pk", flat=True)[:500])
    for delivery_id in ids:
        webhook_deliver.delay(delivery_id)
    return len(ids)


@shared_task(name="mentorship.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Send the notification emails whose sender died before mailing them (the outbox)."""
    return notification_emails_send()
