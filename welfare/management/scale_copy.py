"""Writing many rows fast through the models' own metadata: PostgreSQL COPY into the
columns each model has *now*, so a national seed follows every migration.

A row is given as the values of the fields the seed knows about; every other column
takes its field's default (computed once), its database default (the column is left
out of the COPY), or NULL where the field allows it. A new NOT NULL field with no
default stops the seed with its name, rather than writing something wrong. Values
given for a field the model no longer has are dropped, with one warning each.

What COPY does not do: a model's `save()` (so a column a service fills in Python
stays at its default) and simple-history's rows. Triggers and foreign keys run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.management.base import CommandError
from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

_warned: set[str] = set()


def _warn_once(message: str, write: Callable[[str], None]) -> None:
    if message not in _warned:
        _warned.add(message)
        write(message)


class TableWriter:
    """The COPY of one model's table, for rows given as dicts of field values."""

    def __init__(
        self,
        model: type[models.Model] | Any,
        given: Sequence[str],
        *,
        warn: Callable[[str], None] = print,
        table: str | None = None,
    ) -> None:
        self.model = model
        self.table = table or model._meta.db_table
        now = timezone.now()
        in_database = _columns_of(self.table)
        fields = []
        for f in model._meta.concrete_fields:
            if getattr(f, "generated", False):
                continue  # a GeneratedField computes itself
            if f.column not in in_database:
                _warn_once(f"{self.table}.{f.column} is not in the database: run migrate", warn)
                continue
            fields.append(f)
        by_name = {}
        for f in fields:
            by_name[f.name] = f
            by_name[f.attname] = f
        for wanted in given:
            if wanted not in by_name:
                _warn_once(
                    f"{self.table}: the model has no field '{wanted}' any more: not written", warn
                )
        self.columns: list[str] = []
        self.template: list[Any] = []
        self.slots: list[tuple[int, str, Any]] = []  # (position, given name, field)
        self.json_slots: set[int] = set()
        for f in fields:
            name: str | None = (
                f.attname if f.attname in given else (f.name if f.name in given else None)
            )
            if name is not None:
                position = len(self.columns)
                self.columns.append(f.column)
                self.template.append(None)
                self.slots.append((position, name, f))
                if isinstance(f, models.JSONField):
                    self.json_slots.add(position)
                continue
            if getattr(f, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
                continue  # the database fills it
            if isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField):
                continue  # its sequence fills it
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            elif f.has_default():
                value = f.get_db_prep_save(f.get_default(), connection)
            elif f.null:
                value = None
            else:
                raise CommandError(
                    f"{self.table}.{f.column} is NOT NULL and has no default: "
                    "seed_scale must be taught what to put in it."
                )
            self.columns.append(f.column)
            self.template.append(value)
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, values: dict[str, Any]) -> None:
        row = list(self.template)
        json_slots = self.json_slots
        for position, name, f in self.slots:
            value = values.get(name)
            if position in json_slots:
                value = f.get_db_prep_save(value, connection)
            row[position] = value
        self.rows.append(tuple(row))

    def flush(self) -> int:
        """COPY the rows gathered so far, in the caller's transaction."""
        return self.copy(connection.connection, self.take())

    def take(self) -> list[tuple]:
        """The rows gathered so far, handed over (to `copy` in another thread)."""
        rows, self.rows = self.rows, []
        return rows

    def copy(self, raw: Any, rows: list[tuple]) -> int:
        """COPY `rows` on the psycopg connection `raw` (the seed's, in its transaction:
        Django's `connection` belongs to one thread, the psycopg one to whoever holds it)."""
        if not rows:
            return 0
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        sql = f"COPY {connection.ops.quote_name(self.table)} ({columns}) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
        self.written += len(rows)
        return len(rows)


def _columns_of(table: str) -> set[str]:
    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


def sequence_catch_up(table: str, column: str) -> None:
    """After rows were written with their own numbers into a column the database
    numbers (a sequence default), move the sequence past them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s), (SELECT column_default FROM "
            "information_schema.columns WHERE table_name = %s AND column_name = %s)",
            [table, column, table, column],
        )
        owned, default = cursor.fetchone()
        name = owned
        if name is None and default and default.startswith("nextval('"):
            name = default[len("nextval('") :].split("'")[0]
        if name is None:
            return
        cursor.execute(
            f"SELECT setval(%s, (SELECT max({connection.ops.quote_name(column)}) FROM "  # noqa: S608
            f"{connection.ops.quote_name(table)}))",
            [name],
        )


def indexes_set_aside(tables: Iterable[str]) -> list[str]:
    """Drop the secondary indexes of `tables` (not those behind a primary key or a
    unique constraint) and return the statements that build them again: a bulk load
    builds each index once, sorted, instead of updating it row by row. Run inside
    the seed's transaction, so a failed seed puts them back by rolling back."""
    statements: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
              FROM pg_index i
              JOIN pg_class t ON t.oid = i.indrelid
             WHERE t.relname = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [list(tables)],
        )
        for name, definition in cursor.fetchall():
            statements.append(definition)
            cursor.execute(f"DROP INDEX {name}")
    return statements


def indexes_rebuild(statements: Iterable[str], write: Callable[[str], None]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            write(f"  {statement[:110]}")
            cursor.execute(statement)


def table_rows_up_to(table: str, most: int) -> int:
    """How many rows the table holds, counting no further than `most`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM "  # noqa: S608 (a model's table name)
            + connection.ops.quote_name(table)
            + " LIMIT %s) t",
            [most],
        )
        return int(cursor.fetchone()[0])
