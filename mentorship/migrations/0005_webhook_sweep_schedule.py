"""Default django-celery-beat schedule: re-queue overdue webhook deliveries every 5 minutes.

``mentorship.tasks.webhook_sweep`` finds pending deliveries whose attempt is
overdue (a message lost with the broker) and queues them again. Created only
when missing (matched by name), so an admin's edits survive.
"""

from django.db import migrations

NAME = "webhooks: re-queue overdue deliveries"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=NAME).exists():
        return
    every, _ = IntervalSchedule.objects.get_or_create(every=5, period="minutes")
    PeriodicTask.objects.create(
        name=NAME,
        task="mentorship.tasks.webhook_sweep",
        interval=every,
        description="Sends webhook deliveries whose queued attempt was lost.",
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0004_api_tokens_webhooks"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
