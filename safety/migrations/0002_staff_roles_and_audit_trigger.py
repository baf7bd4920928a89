"""Staff roles as groups with permissions, and the audit log's append-only trigger.

"Programme manager": the matching programme (settings, runs, cohorts,
manual match, do-not-match). "Moderator": the moderation queue,
suspensions and the audit log. Staff get a role by being put in the group
(and ``is_staff``); the permissions, not ``is_staff``, open each page.

On PostgreSQL a trigger refuses UPDATE and DELETE on the audit log for
everyone, whatever code or SQL console tries (TRUNCATE, used by test
flushes and by nobody else, is a separate statement-level event).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Programme manager": [
        ("matching", "view_matchingconfig"),
        ("matching", "change_matchingconfig"),
        ("matching", "view_matchrun"),
        ("matching", "add_matchrun"),
        ("matching", "change_matchrun"),
        ("matching", "view_suggestion"),
        ("matching", "view_matchrequest"),
        ("matching", "view_mentorship"),
        ("matching", "add_mentorship"),
        ("matching", "view_pairexclusion"),
        ("matching", "add_pairexclusion"),
        ("matching", "change_pairexclusion"),
        ("matching", "delete_pairexclusion"),
        ("profiles", "view_profile"),
    ],
    "Moderator": [
        ("safety", "moderate"),
        ("safety", "suspend_user"),
        ("safety", "view_report"),
        ("safety", "view_suspension"),
        ("safety", "view_warning"),
        ("safety", "view_mentorreview"),
        ("safety", "view_auditlog"),
        ("profiles", "view_profile"),
    ],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                group.permissions.add(permission)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLES)).delete()


TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION safety_auditlog_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'safety_auditlog is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS safety_auditlog_append_only ON safety_auditlog;
CREATE TRIGGER safety_auditlog_append_only BEFORE UPDATE OR DELETE ON safety_auditlog
    FOR EACH ROW EXECUTE FUNCTION safety_auditlog_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS safety_auditlog_append_only ON safety_auditlog;
DROP FUNCTION IF EXISTS safety_auditlog_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("safety", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("matching", "0001_initial"),
        ("profiles", "0003_reference_data"),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(add_trigger, drop_trigger),
    ]
