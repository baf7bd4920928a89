"""Default django-celery-beat schedule of the daily digest (editable in the admin).

07:00 UTC every day (``mentorship.tasks.send_daily_digests``). Created only when
missing (matched by name), so an admin's edits survive; unapplying removes it.
"""

from django.db import migrations

SCHEDULE = {
    "name": "mentorship: daily notification digest",
    "task": "mentorship.tasks.send_daily_digests",
    "crontab": {"minute": "0", "hour": "7", "day_of_week": "*"},
    "description": "Emails each person who chose a digest the notifications of the last day, once.",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=SCHEDULE["name"]).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        **SCHEDULE["crontab"], day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.create(
        name=SCHEDULE["name"],
        task=SCHEDULE["task"],
        crontab=crontab,
        description=SCHEDULE["description"],
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=SCHEDULE["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("mentorship", "0002_email_preferences_digests"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
