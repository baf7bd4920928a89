"""Seed occupations, languages and the skill taxonomy from the shipped data."""

from django.db import migrations


def load(apps, schema_editor):
    from profiles.reference_data import LANGUAGES, onet_occupations, skill_seed_rows

    Occupation = apps.get_model("profiles", "Occupation")
    Language = apps.get_model("profiles", "Language")
    Skill = apps.get_model("profiles", "Skill")
    Occupation.objects.bulk_create(
        [
            Occupation(soc_code=o.soc_code, title=o.title, description=o.description)
            for o in onet_occupations()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    Language.objects.bulk_create(
        [Language(code=code, name=name) for code, name in LANGUAGES], ignore_conflicts=True
    )
    Skill.objects.bulk_create(
        [Skill(status="approved", **row) for row in skill_seed_rows()],
        ignore_conflicts=True,
        batch_size=1000,
    )


def unload(apps, schema_editor):
    apps.get_model("profiles", "Skill").objects.filter(source__in=["onet", "curated"]).delete()
    apps.get_model("profiles", "Language").objects.all().delete()
    apps.get_model("profiles", "Occupation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("profiles", "0002_language_occupation_goal_milestone_profile_and_more")]

    operations = [migrations.RunPython(load, unload)]
