"""Scale: a run's model stored in the database, indexes that duplicated composite ones
dropped, and a daily beat entry that prunes old runs' rows (``matching.tasks.prune_runs``,
kept ``MATCHING_RUN_RETENTION_DAYS``). The beat row is created only when missing.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


PRUNE = {
    "name": "matching: prune old runs",
    "task": "matching.tasks.prune_runs",
    "crontab": {"minute": "40", "hour": "4", "day_of_week": "*"},
    "description": "Deletes suggestion rows of old runs nobody sees or answered, and old models.",
}


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    if PeriodicTask.objects.filter(name=PRUNE["name"]).exists():
        return
    crontab, _ = CrontabSchedule.objects.get_or_create(
        **PRUNE["crontab"], day_of_month="*", month_of_year="*", timezone="UTC"
    )
    PeriodicTask.objects.create(
        name=PRUNE["name"],
        task=PRUNE["task"],
        crontab=crontab,
        description=PRUNE["description"],
        enabled=True,
    )


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=PRUNE["name"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("matching", "0008_skillmodel_beat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="matchrunchunk",
            name="run",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="chunks",
                to="matching.matchrun",
            ),
        ),
        migrations.AlterField(
            model_name="suggestion",
            name="mentee",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="suggestions_received",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="suggestion",
            name="run",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="suggestions",
                to="matching.matchrun",
            ),
        ),
        migrations.CreateModel(
            name="MatchRunModel",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("fingerprint", models.CharField(max_length=64)),
                (
                    "engine",
                    models.JSONField(
                        default=dict, help_text="The engine configuration it was fitted with."
                    ),
                ),
                (
                    "skill_model_version",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The skill-relatedness version (SkillVectorSet) it scores with; none: without.",
                        null=True,
                    ),
                ),
                ("data", models.BinaryField(blank=True)),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "run",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="model_state",
                        to="matching.matchrun",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at"],
            },
        ),
        migrations.RunPython(create_schedule, remove_schedule),
    ]
