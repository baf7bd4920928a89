"""Default django-celery-beat schedules for matching (editable in the admin).

* nightly full scoring run at 02:00 UTC (``matching.tasks.start_full_run``),
* hourly request expiry and nudges (``matching.tasks.expire_requests``),
* weekly weight learning, Sunday 03:30 UTC (``matching.tasks.learn_weights``).

Rows are created only when missing (matched by name), so an admin's edits
survive; unapplying removes them.
"""

from django.db import migrations

SCHEDULES = [
    {
        "name": "matching: nightly full scoring run",
        "task": "matching.tasks.start_full_run",
        "crontab": {"minute": "0", "hour": "2", "day_of_week": "*"},
        "description": "Re-scores every mentee against every mentor (MatchRun kind 'full').",
    },
    {
        "name": "matching: expire old requests and nudge mentors",
        "task": "matching.tasks.expire_requests",
        "crontab": {"minute": "15", "hour": "*", "day_of_week": "*"},
        "description": "Reminds mentors about waiting requests, then expires overdue ones.",
    },
    {
        "name": "matching: learn weights from outcomes",
        "task": "matching.tasks.learn_weights",
        "crontab": {"minute": "30", "hour": "3", "day_of_week": "0"},
        "description": "Fits component weights from accept/decline outcomes; the admin chooses.",
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
        ("matching", "0003_matchrunchunk"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
