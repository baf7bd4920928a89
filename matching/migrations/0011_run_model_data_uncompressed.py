"""A run's stored model is written once and read by every worker: keep PostgreSQL from
compressing it (pglz on 92 MB took 2.7 s of the 5.3 s insert at 100,000 x 20,000, and
each read decompressed it again). The arrays inside barely compress; the JSON manifest
is already zlib-compressed by ``matching.engine.persist``."""

from django.db import migrations


def _storage(kind):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # SQLite has no storage settings
        table = schema_editor.quote_name(apps.get_model("matching", "MatchRunModel")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN data SET STORAGE {kind}")

    return run


class Migration(migrations.Migration):
    dependencies = [("matching", "0010_merge_20261201_1244")]

    operations = [migrations.RunPython(_storage("EXTERNAL"), _storage("EXTENDED"))]
