"""The access log of a national dataset: two entries per case (reads by the demo
users of their agency's cases), hash-chained after the entries already there, so
that `verify_audit` passes after the seed.

THE CHAIN IS WRITTEN HERE (`_chain_rows`): each entry's hash is computed by the
audit module's own `entry_hash_compute`, in sequence order, from the last entry
already stored. If the audit module gains a bulk path (entries inserted unsealed
and sealed in batches, or a chain per agency), this function is the one place to
change: hand it the unsealed entries instead."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from agencies import audit
from agencies.models import AccessLogEntry
from welfare.management.scale_copy import TableWriter, sequence_catch_up

# Who reads which agency's cases, and how they may see them.
READERS = {
    "northshire-police": ("officer.north", "investigator.north", "supervisor.north"),
    "southshire-police": ("officer.south", "investigator.south"),
    "northshire-childrens-services": ("social.worker",),
    "northshire-mash": ("coordinator.mash",),
}
# The columns the seed writes: the model's own, so that a new one is not forgotten,
# but for the key and the fields a request's entry may add, which keep their defaults.
FIELDS = [
    field.attname
    for field in AccessLogEntry._meta.concrete_fields
    if field.attname not in {"id", "query", "record_ids", "object_agency_slugs"}
]
BATCH = 20_000


def access_log_seed(
    generator: Any, cases: list[tuple], count: int, *, progress: Callable[[int], None]
) -> int:
    """Write `count` entries about `cases` ((id, owner slug, lead id) each)."""
    if not cases or count < 1:
        return 0
    writer = TableWriter(AccessLogEntry, FIELDS)
    written = 0
    for entry in _chain_rows(_entries(generator, cases, count)):
        writer.add({name: getattr(entry, name) for name in FIELDS})
        if len(writer.rows) >= BATCH:
            written += writer.flush()
            progress(written)
    written += writer.flush()
    progress(written)
    # The log may number its entries with a database sequence: move it past ours.
    numbers_catch_up(writer.table)
    return written


def _entries(generator: Any, cases: list[tuple], count: int) -> Iterator[AccessLogEntry]:
    rng, users = generator.rng, generator.world.user
    end = timezone.now() - timedelta(minutes=5)
    start = end - timedelta(days=365)
    step = (end - start) / count
    for index in range(count):
        case_id, owner, lead = rng.choice(cases)
        username = rng.choice(READERS[owner])
        user_id = users[username]
        yield AccessLogEntry(
            at=start + step * index,
            user_id=user_id,
            username=username,
            agency_slug=owner,
            action="cases.case.viewed",
            outcome="allowed",
            object_type="case",
            object_id=str(case_id),
            object_agency_slug=owner,
            endpoint=f"/cases/{case_id}/",
            method="GET",
            ip_address="10.20.30.40",
            justification="lead officer" if lead == user_id else f"own agency ({owner})",
        )


def _chain_module() -> Any:
    """The audit module that owns the chain: agencies.audit_chain (entries sealed
    after insertion, ADR 0012) where it exists, else agencies.audit."""
    try:
        return importlib.import_module("agencies.audit_chain")
    except ImportError:
        return audit


def _chain_rows(entries: Iterator[AccessLogEntry]) -> Iterator[AccessLogEntry]:
    """THE CHAIN WRITE: the entries come out sealed, as the audit module's sealer
    would seal them (its own hash function; the previous entry's number and hash),
    continuing the stored chain. Whatever was waiting is sealed first, so that the
    seed's entries come after every entry already written."""
    chain = _chain_module()
    seal = getattr(chain, "access_log_seal", None)
    if seal is not None:
        seal()
    sealed = AccessLogEntry.objects.all()
    if any(f.name == "entry_hash" and f.null for f in AccessLogEntry._meta.fields):
        sealed = sealed.filter(entry_hash__isnull=False)
    head = sealed.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, previous = (
        head if head else (getattr(chain, "GENESIS_SEQUENCE", 0), chain.GENESIS_HASH)
    )
    for entry in entries:
        entry.previous_sequence = sequence
        sequence += 1
        entry.sequence = sequence
        entry.previous_hash = previous
        entry.entry_hash = chain.entry_hash_compute(entry)
        previous = entry.entry_hash
        yield entry


def numbers_catch_up(table: str) -> None:
    """The log may number its entries with a database sequence: move it past ours."""
    chain = _chain_module()
    name = getattr(chain, "NUMBERS", None)
    if name is None:
        sequence_catch_up(table, "sequence")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [name])
        if cursor.fetchone()[0] is not None:
            cursor.execute(
                f"SELECT setval(%s, (SELECT max(sequence) FROM {table}))",  # noqa: S608
                [name],
            )
