"""The indexes that the case list and its search need at national scale (issue 15).

* `case_received`: the list's order across agencies, so that a scope of the agency's
  own cases OR those granted to it is read newest first until a page is full.
* `case_reference_upper`: a whole reference looked up case-insensitively.
* On PostgreSQL only, pg_trgm and GIN trigram indexes on UPPER() of the reference, the
  title and a person's names and aliases: `icontains` is `UPPER(col::text) LIKE
  UPPER(%s)` there, which these serve (the expression must be the lookup's exactly).
  Built CONCURRENTLY, so that writes to 5M persons carry on while they build; so this
  migration is not atomic. Elsewhere (SQLite, for the tests) `icontains` scans, as before.
"""

from django.db import migrations, models
from django.db.models.functions import Upper

TRIGRAM_INDEXES = (
    ("case_reference_trgm", "cases_case", "reference"),
    ("case_title_trgm", "cases_case", "title"),
    ("person_first_name_trgm", "cases_person", "first_name"),
    ("person_last_name_trgm", "cases_person", "last_name"),
    ("person_aliases_trgm", "cases_person", "aliases"),
)


def trigram_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} "
            f'ON {table} USING gin (UPPER("{column}") gin_trgm_ops)'
        )
    # Statistics of the new expression indexes (UPPER(reference)) exist only once the
    # table is analysed; until autovacuum gets to it, the planner guesses that a whole
    # reference matches 0.5% of the cases and walks the list instead (3 s, not 0.1 ms,
    # at a million cases).
    schema_editor.execute("ANALYZE cases_case")


def trigram_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
    # The extension stays: other database objects may have come to use it.


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cases", "0005_case_transfer"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-received_on", "-id"], name="case_received"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(Upper("reference"), name="case_reference_upper"),
        ),
        migrations.RunPython(trigram_indexes_create, trigram_indexes_drop, elidable=False),
    ]
