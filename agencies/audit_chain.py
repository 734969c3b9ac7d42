"""The access log's hash chain (ADR 0012): entries are inserted unsealed, with no
lock, and sealed into the chain afterwards, in batches, by one sealer at a time.

Writers (every read of personal data) only INSERT: the database numbers the entry
(`sequence`, a PostgreSQL sequence) and nobody waits for anybody. The sealer
(`access_log_seal`: a beat task every few seconds, `manage.py seal_audit`, and
`verify_audit` before it checks) alone takes the chain's advisory lock, reads the
waiting entries in `sequence` order, and fills in each one's previous entry's
number and hash and its own hash, in one UPDATE per batch.

Numbers have gaps: a transaction that logged a change and then rolled back used
up its number. A gap may also be an entry whose transaction has not committed yet,
and sealing past it would leave that entry out of the chain for ever. So the
sealer seals past a gap only once it is settled: either no other transaction has
written to the log since the number was given out (PostgreSQL's lock table says
so), or the entry after the gap is older than any transaction may last.
"""

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from agencies.models import AccessLogEntry

GENESIS_HASH = "0" * 64
# The number before the first entry: the first sealed entry names it as its previous.
GENESIS_SEQUENCE = 0
# An arbitrary constant that names "the access log chain" among advisory locks.
# Only the sealer takes it: writers never do.
CHAIN_LOCK_ID = 7_250_113
SEAL_BATCH = 10_000
# A number missing for longer than any transaction may run is taken as rolled back:
# a request ends sooner, and a task is killed at CELERY_TASK_TIME_LIMIT.
GAP_SETTLED_AFTER = timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 300) + 60)
# An entry still unsealed after this long means the sealer is not running.
SEALER_STALLED_AFTER = GAP_SETTLED_AFTER + timedelta(minutes=5)

TABLE = AccessLogEntry._meta.db_table
NUMBERS = f"{TABLE}_sequence_seq"  # the PostgreSQL sequence, made by migration 0006


def next_sequence() -> RawSQL:
    """The value an insert gives `sequence`: the database's next number, taken by
    the INSERT itself. SQLite has no sequences, but it has one writer at a time."""
    if connection.vendor == "postgresql":
        return RawSQL(f"nextval('{NUMBERS}')", [])  # noqa: S611 (a constant)
    numbered = f"(SELECT COALESCE(MAX(sequence), 0) + 1 FROM {TABLE})"  # noqa: S608 (constants)
    return RawSQL(numbered, [])  # noqa: S611


def ip_as_stored(value: str | None) -> str | None:
    """An address in the form the field writes it: the field rewrites IPv6
    ("2001:0DB8::1" is stored as "2001:db8::1") and PostgreSQL's inet column prints
    some addresses its own way, and the hash must not depend on which was read."""
    try:
        return AccessLogEntry._meta.get_field("ip_address").to_python(value)
    except ValidationError:
        # Not an address (only possible if the row was altered): hash it as it is.
        return value


# Added after the first entries were written: in the hashed payload only when they
# hold something, so that every entry written before them still verifies.
_LATER_FIELDS = ("query", "record_ids", "object_agency_slugs")


def _entry_payload(entry: AccessLogEntry) -> dict:
    payload = {
        "sequence": entry.sequence,
        "at": entry.at.isoformat(),
        "user_id": entry.user_id,
        "username": entry.username,
        "agency_slug": entry.agency_slug,
        "action": entry.action,
        "outcome": entry.outcome,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_agency_slug": entry.object_agency_slug,
        "endpoint": entry.endpoint,
        "method": entry.method,
        "ip_address": ip_as_stored(entry.ip_address),
        "justification": entry.justification,
    }
    for name in _LATER_FIELDS:
        value = getattr(entry, name)
        if value:
            payload[name] = value
    return payload


def entry_hash_compute(entry: AccessLogEntry) -> str:
    """The hash of the previous entry's hash and this entry's content (its number
    included), exactly as entries were hashed before sealing existed. The previous
    entry's number is not hashed: the previous hash already pins it, and leaving it
    out keeps every earlier entry, and any writer of the old kind, verifying."""
    canonical = json.dumps(_entry_payload(entry), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(((entry.previous_hash or "") + canonical).encode()).hexdigest()


# --- Inserting


def access_entries_bulk_insert(
    entries: Iterable[AccessLogEntry], *, batch_size: int = 5000, sealed: bool = False
) -> int:
    """Insert many entries at once (seeding, imports), numbered in the order given.
    Returns how many were inserted.

    Unsealed by default: `access_log_seal` chains them afterwards, which rewrites
    every row once. `sealed=True` chains them as they are inserted instead (half
    the work, and no dead rows to vacuum): each batch holds the chain's lock and a
    table lock that makes other writers wait for that batch, so use it for a load
    (the seed), not while people are reading."""
    inserted = 0
    batch: list[AccessLogEntry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= batch_size:
            inserted += _bulk_insert(batch, sealed)
            batch = []
    if batch:
        inserted += _bulk_insert(batch, sealed)
    return inserted


def _as_stored(entry: AccessLogEntry) -> None:
    """Values as they will read back from the table, so that a hash computed before
    the insert is the one `verify_audit` computes: text as text, times in UTC."""
    for field in AccessLogEntry._meta.concrete_fields:
        value = getattr(entry, field.attname)
        if isinstance(field, models.CharField) and value is not None:
            setattr(entry, field.attname, str(value))
    entry.at = entry.at.astimezone(UTC)


def _numbers_reserve(count: int) -> list[int]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nextval('{NUMBERS}') FROM generate_series(1, %s)",  # noqa: S608
                [count],
            )
            return [number for (number,) in cursor.fetchall()]
    # SQLite: one writer at a time, inside this transaction.
    last = AccessLogEntry.objects.order_by("-sequence").values_list("sequence", flat=True)
    start = (last.first() or 0) + 1
    return list(range(start, start + count))


def _bulk_insert(batch: list[AccessLogEntry], sealed: bool) -> int:
    with transaction.atomic():
        if sealed:
            _chain_lock()
            if connection.vendor == "postgresql":
                # Writers wait for this batch: no number below ours can commit later.
                with connection.cursor() as cursor:
                    cursor.execute(f"LOCK TABLE {TABLE} IN SHARE ROW EXCLUSIVE MODE")
            access_log_seal()  # what was waiting comes first in the chain
        numbers = _numbers_reserve(len(batch))
        previous = _chain_head() if sealed else None
        for entry, number in zip(batch, numbers, strict=True):
            entry.sequence = number
            entry.previous_sequence = entry.previous_hash = entry.entry_hash = None
            if previous is not None:
                _as_stored(entry)
                entry.previous_sequence = previous.sequence
                entry.previous_hash = previous.entry_hash
                entry.entry_hash = entry_hash_compute(entry)
                previous = _Head(entry.sequence, entry.entry_hash)
        AccessLogEntry.objects.bulk_create(batch)
    return len(batch)


# --- Sealing


@dataclass(frozen=True)
class _Head:
    sequence: int
    entry_hash: str


def _chain_lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_ID])


def _chain_head() -> _Head:
    last = (
        AccessLogEntry.objects.filter(entry_hash__isnull=False)
        .order_by("-sequence")
        .values_list("sequence", "entry_hash")
        .first()
    )
    return _Head(*last) if last else _Head(GENESIS_SEQUENCE, GENESIS_HASH)


def _numbers_settled_up_to() -> int | None:
    """On PostgreSQL: a number up to which every entry is either committed or never
    will be, or None when other transactions are writing to the log.

    The last number given out is read first; then, if no other transaction holds a
    write lock on the table, every transaction that took a number up to it has
    ended, and the entries read after this call include all of theirs that
    committed. (An INSERT is granted that lock before it takes its number, and keeps
    it until its transaction ends.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {NUMBERS}")  # noqa: S608 (a constant)
        (last_given,) = cursor.fetchone()
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE relation = %s::regclass"
            " AND mode = 'RowExclusiveLock' AND granted AND pid <> pg_backend_pid())",
            [TABLE],
        )
        (others_writing,) = cursor.fetchone()
    return None if others_writing else last_given


def _gap_settled(entry: AccessLogEntry, settled_up_to: int | None, now: datetime) -> bool:
    if connection.vendor != "postgresql":
        return True  # one writer at a time: whatever is missing rolled back
    if settled_up_to is not None and entry.sequence <= settled_up_to:
        return True
    # The missing number was taken before this entry's, which was taken just after
    # its `at`: the transaction holding it has been open at least this long.
    return entry.at <= now - GAP_SETTLED_AFTER


def _seal_batch(limit: int, now: datetime) -> tuple[int, bool]:
    """Seal up to `limit` waiting entries. Returns how many, and whether it stopped
    at a gap that is not settled yet."""
    with transaction.atomic():
        _chain_lock()
        settled_up_to = None
        if connection.vendor == "postgresql":
            settled_up_to = _numbers_settled_up_to()
        head = _chain_head()
        waiting = AccessLogEntry.objects.filter(
            entry_hash__isnull=True, sequence__gt=head.sequence
        ).order_by("sequence")[:limit]
        sealed: list[AccessLogEntry] = []
        previous = head
        for entry in waiting:
            if entry.sequence != previous.sequence + 1 and not _gap_settled(
                entry, settled_up_to, now
            ):
                _write_seals(sealed)
                return len(sealed), True
            entry.previous_sequence = previous.sequence
            entry.previous_hash = previous.entry_hash
            entry.entry_hash = entry_hash_compute(entry)
            sealed.append(entry)
            previous = _Head(entry.sequence, entry.entry_hash)
        _write_seals(sealed)
        return len(sealed), False


class SealRaceError(RuntimeError):
    """An entry was sealed by someone else while this sealer held the chain's lock."""


def _write_seals(sealed: list[AccessLogEntry]) -> None:
    """Fill in the seal of each entry, once: the row must still be unsealed (the
    append-only trigger allows exactly this change and nothing else)."""
    if not sealed:
        return
    rows = [(e.sequence, e.previous_sequence, e.previous_hash, e.entry_hash) for e in sealed]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            values = ", ".join(["(%s::bigint, %s::bigint, %s::varchar, %s::varchar)"] * len(rows))
            cursor.execute(
                f"UPDATE {TABLE} AS e SET previous_sequence = v.previous_sequence,"  # noqa: S608
                " previous_hash = v.previous_hash, entry_hash = v.entry_hash"
                f" FROM (VALUES {values}) AS v(sequence, previous_sequence, previous_hash,"
                " entry_hash) WHERE e.sequence = v.sequence AND e.entry_hash IS NULL",
                [value for row in rows for value in row],
            )
            updated = cursor.rowcount
        else:
            updated = 0
            for number, previous_number, previous_hash, entry_hash in rows:
                cursor.execute(
                    f"UPDATE {TABLE} SET previous_sequence = %s, previous_hash = %s,"  # noqa: S608
                    " entry_hash = %s WHERE sequence = %s AND entry_hash IS NULL",
                    [previous_number, previous_hash, entry_hash, number],
                )
                updated += cursor.rowcount
    if updated != len(rows):
        raise SealRaceError(f"sealed {updated} of {len(rows)} entries: another sealer ran")


def access_log_seal(*, batch_size: int = SEAL_BATCH, now: datetime | None = None) -> int:
    """Seal every entry waiting to be chained, in batches (each its own transaction,
    so that a long backlog never holds the lock for long). Returns how many."""
    now = now or timezone.now()
    total = 0
    while True:
        count, stopped_at_gap = _seal_batch(batch_size, now)
        total += count
        if stopped_at_gap or count < batch_size:
            return total


# --- Verifying


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    problem: str


def _link_problem(entry: AccessLogEntry, previous_sequence: int) -> str | None:
    named = entry.previous_sequence
    if named is None:  # chained before sealing existed: numbered one after another
        named = entry.sequence - 1
    if named == previous_sequence:
        return None
    if previous_sequence < named < entry.sequence:
        return f"entry {named} is missing (the chain jumps to {entry.sequence})"
    return (
        f"it is out of order (it was chained after entry {named}, "
        f"but follows entry {previous_sequence})"
    )


def access_log_verify(*, seal: bool = True) -> tuple[int, ChainBreak | None]:
    """Seal what is waiting (unless told not to), then walk every sealed entry in
    order. Returns how many entries were checked and the first break found, if any."""
    if seal:
        access_log_seal()
    previous = _Head(GENESIS_SEQUENCE, GENESIS_HASH)
    checked = 0
    sealed = AccessLogEntry.objects.filter(entry_hash__isnull=False).order_by("sequence")
    for entry in sealed.iterator(chunk_size=2000):
        problem = _link_problem(entry, previous.sequence)
        if problem is not None:
            return checked, ChainBreak(entry.sequence, problem)
        if entry.previous_hash != previous.entry_hash:
            return checked, ChainBreak(
                entry.sequence, "its previous-hash does not match the entry before it"
            )
        if entry_hash_compute(entry) != entry.entry_hash:
            return checked, ChainBreak(entry.sequence, "its contents do not match its hash")
        checked += 1
        previous = _Head(entry.sequence, entry.entry_hash or "")
    return checked, None


@dataclass(frozen=True)
class Unsealed:
    count: int
    oldest_sequence: int
    oldest_at: datetime


def access_log_unsealed(*, older_than: timedelta = SEALER_STALLED_AFTER) -> Unsealed | None:
    """Entries that have waited too long to be sealed (the sealer is not running, or
    one committed after the entries after it were sealed), or None."""
    waiting = AccessLogEntry.objects.filter(
        entry_hash__isnull=True, at__lt=timezone.now() - older_than
    )
    oldest = waiting.order_by("sequence").values_list("sequence", "at").first()
    if oldest is None:
        return None
    return Unsealed(waiting.count(), *oldest)
