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
    and a duplicate message finds the attempt not due and does nothing. A
    message that finds another attempt in flight looks again when that
    attempt's lease ends (it may be a message redelivered after its worker died).
    """
    attempt = webhook_delivery_attempt(delivery_id=delivery_id)
    if attempt is None:
        return "skipped"
    if attempt.delivered:
        return "delivered"
    if attempt.in_flight:
        webhook_deliver.apply_async(args=[delivery_id], countdown=attempt.retry_in)
        return "in flight"
    if attempt.retry_in is not None:
        webhook_deliver.apply_async(args=[delivery_id], countdown=attempt.retry_in)
        return "retrying"
    return "failed"


@shared_task(name="mentorship.tasks.webhook_sweep", ignore_result=True)
def webhook_sweep() -> int:
    """Queue pending deliveries whose message may be lost (with the broker, or with a
    worker killed mid-attempt: queued for when its claim's lease ends)."""
    from mentorship.selectors import webhook_deliveries_to_requeue

    due = webhook_deliveries_to_requeue()
    for delivery_id, countdown in due:
        webhook_deliver.apply_async(args=[delivery_id], countdown=countdown)
    return len(due)


@shared_task(name="mentorship.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Send the notification emails whose sender died before mailing them (the outbox)."""
    return notification_emails_send()
