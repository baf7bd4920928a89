"""Site-wide tasks: the daily notification digest."""

from celery import shared_task

from .digests import digests_send


@shared_task(name="mentorship.tasks.send_daily_digests")
def send_daily_digests() -> int:
    """Send each person's daily digest once (a re-run the same day sends nothing twice)."""
    return digests_send()
