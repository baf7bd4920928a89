"""Beat tasks of the workspace: thin, idempotent, each a call into a service.

Scheduled by the data migration ``0002_beat_schedules`` (editable in the admin).
"""

from celery import shared_task

from sessions import services


@shared_task(name="sessions.tasks.send_reminders")
def send_reminders() -> int:
    """Day-before and hour-before reminders (each exactly once)."""
    return services.reminders_send()


@shared_task(name="sessions.tasks.send_nudges")
def send_nudges() -> int:
    """Nudge long-term mentorships that have not met for a while."""
    return services.nudges_send()


@shared_task(name="sessions.tasks.send_message_digests")
def send_message_digests() -> int:
    """One mail per burst of messages, rate-limited per person."""
    return services.message_digests_send()
