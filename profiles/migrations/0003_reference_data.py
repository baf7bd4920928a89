"""Seed occupations, languages and the skill taxonomy from the shipped data."""

from django.db import migrations


def load(apps, schema_editor):
    from profiles.reference_data import seed_reference_data

    seed_reference_data(apps)


def unload(apps, schema_editor):
    apps.get_model("profiles", "Skill").objects.filter(source__in=["onet", "curated"]).delete()
    apps.get_model("profiles", "Language").objects.all().delete()
    apps.get_model("profiles", "Occupation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_language_occupation_goal_milestone_profile_and_more")]

    operations = [migrations.RunPython(load, unload)]
