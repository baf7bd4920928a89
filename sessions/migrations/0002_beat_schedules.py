"""Default django-celery-beat schedules of the workspace (editable in the admin).

* session reminders every 5 minutes (``sessions.tasks.send_reminders``): the
  day-before and hour-before mails go out within 5 minutes of being due;
* message digests every 2 minutes (``sessions.tasks.send_message_digests``);
* the "you have not met for a while" nudge daily at 08:00 UTC
  (``sessions.tasks.send_nudges``).

Rows are created only when missing (matched by name), so an admin's edits
survive; unapplying removes them.
"""

from django.db import migrations

SCHEDULES = [
    {
        "name": "sessions: reminders a day and an hour before",
        "task": "sessions.tasks.send_reminders",
        "crontab": {"minute": "*/5", "hour": "*", "day_of_week": "*"},
        "description": "Emails both people a day and an hour before each confirmed session.",
    },
    {
        "name": "sessions: message digests",
        "task": "sessions.tasks.send_message_digests",
        "crontab": {"minute": "*/2", "hour": "*", "day_of_week": "*"},
        "description": "One email per burst of workspace messages, at most one an hour per person.",
    },
    {
        "name": "sessions: nudge quiet mentorships",
        "task": "sessions.tasks.send_nudges",
        "crontab": {"minute": "0", "hour": "8", "day_of_week": "*"},
        "description": "Nudges both sides of a long-term mentorship with no session for a few weeks.",
    },
]


def create_schedules(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for spec in SCHEDULES:
        if PeriodicTask.objects.filter(name=spec["name"]).exists():
            continue
        crontab, _ = CrontabSchedule.objects.get_or_create(
            **spec["crontab"], day_of_month="*", month_of_year="*", timezone="UTC"
        )
        PeriodicTask.objects.create(
            name=spec["name"],
            task=spec["task"],
            crontab=crontab,
            description=spec["description"],
            enabled=True,
        )


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[s["name"] for s in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring_sessions", "0001_workspace"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
