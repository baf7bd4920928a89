"""Weekly refit of the skill-relatedness model, Sunday 04:00 UTC (editable in the admin).

``matching.tasks.fit_skill_model`` stores a new ``SkillVectorSet`` version;
runs started afterwards use it. Created only when missing (matched by name),
so an admin's edits survive; unapplying removes it.
"""

from django.db import migrations

SCHEDULE = {
    "name": "matching: refit the skill-relatedness model",
    "task": "matching.tasks.fit_skill_model",
    "crontab": {"minute": "0", "hour": "4", "day_of_week": "0"},
    "description": (
        "Learns which skills relate from the O*NET tool lists and the members' own skill "
        "lists; the next scoring run uses the new version."
    ),
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
        ("matching", "0007_skillmodel_vectorset"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
