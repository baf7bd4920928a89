"""Default django-celery-beat schedule of the notification outbox (editable in the admin).

Every minute (``mentorship.tasks.send_pending_emails``): the emails whose sender
died after the notification committed and before the mail left. Created only
when missing (matched by name), so an admin's edits survive; unapplying removes it.
"""

from django.db import migrations

SCHEDULE = {
    "name": "mentorship: notification emails still owed",
    "task": "mentorship.tasks.send_pending_emails",
    "every_seconds": 60,
    "description": "Sends the notification emails a crashed process committed but never mailed.",
}


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=SCHEDULE["name"]).exists():
        return
    interval, _ = IntervalSchedule.objects.get_or_create(
        every=SCHEDULE["every_seconds"], period="seconds"
    )
    PeriodicTask.objects.create(
        name=SCHEDULE["name"],
        task=SCHEDULE["task"],
        interval=interval,
        description=SCHEDULE["description"],
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0004_notification_email_outbox"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
