# Written by hand: PostgreSQL triggers that refuse any change to the access log.

from django.db import migrations

# The ORM already refuses updates and deletes (agencies.models.audit); these
# triggers refuse them for raw SQL too, so the only way to change an entry is to
# drop the trigger first, which needs the table owner and is itself noticed by
# `verify_audit`, because the entry's hash no longer matches.
FUNCTION = "agencies_accesslogentry_append_only"
ROW_TRIGGER = "agencies_accesslogentry_no_update_delete"
TRUNCATE_TRIGGER = "agencies_accesslogentry_no_truncate"


def _table(apps, schema_editor) -> str:
    model = apps.get_model("agencies", "AccessLogEntry")
    return schema_editor.quote_name(model._meta.db_table)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = _table(apps, schema_editor)
    schema_editor.execute(
        f"""
        CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the access log is append-only'
                USING HINT = 'Access log entries cannot be updated, deleted or truncated.';
        END;
        $$
        """
    )
    schema_editor.execute(
        f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = _table(apps, schema_editor)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {table}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {table}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
