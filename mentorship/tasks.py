"""Site-wide tasks: the daily notification digest and the emails still owed."""

from celery import shared_task

from .digests import digests_send
from .notifications import notification_emails_send


@shared_task(name="mentorship.tasks.send_daily_digests")
def send_daily_digests() -> int:
    """Send each person's daily digest once (a re-run the same day sends nothing twice)."""
    return digests_send()


@shared_task(name="mentorship.tasks.send_pending_emails")
def send_pending_emails() -> int:
    """Send the notification emails whose sender died before mailing them (the outbox)."""
    return notification_emails_send()
