"""A random public id per profile, for URLs (people cannot be walked in sequence)."""

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    Profile = apps.get_model("profiles", "Profile")
    for profile in Profile.objects.filter(public_id__isnull=True).only("pk"):
        Profile.objects.filter(pk=profile.pk).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("profiles", "0003_reference_data")]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="public_id",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="profile",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, unique=True, editable=False),
        ),
    ]
