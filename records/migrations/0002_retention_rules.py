"""The retention rules, seeded (docs/adr/0015-retention-and-disposal.md cites each
source). Rules change only by a migration like this one: a changed rule applies to
the cases scheduled after it, and a review may move a case to another rule."""

from django.db import migrations

from records.models.retention_seed import RULES

def seed(apps, schema_editor):
    rule_model = apps.get_model("records", "RetentionRule")
    for rule in RULES:
        rule_model.objects.update_or_create(code=rule["code"], defaults=rule)


def unseed(apps, schema_editor):
    apps.get_model("records", "RetentionRule").objects.filter(
        code__in=[rule["code"] for rule in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_retention")]

    operations = [migrations.RunPython(seed, unseed)]
