"""The access log sealed in batches (ADR 0012): a read only inserts its entry, with
no lock; the sealer chains waiting entries in order; `verify_audit` still finds a
sealed entry that was changed, removed or moved."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies import audit_chain
from agencies.audit import access_log_record
from agencies.audit_chain import (
    GENESIS_HASH,
    GENESIS_SEQUENCE,
    access_entries_bulk_insert,
    access_log_seal,
    access_log_verify,
    entry_hash_compute,
)
from agencies.models import AccessLogEntry
from tests.factories import CaseFactory
from tests.helpers import access_log_tamper

TABLE = "agencies_accesslogentry"
ROW_TRIGGER = "agencies_accesslogentry_no_update_delete"
NUMBERS = "agencies_accesslogentry_sequence_seq"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="sequences and triggers exist only on PostgreSQL"
)


def _entries(officer_north, count: int) -> list[AccessLogEntry]:
    return [
        access_log_record(
            actor=officer_north.user,
            action="cases.case.viewed",
            object_type="case",
            object_id=f"case-{n}",
            object_agency_slug="northshire-police",
        )
        for n in range(count)
    ]


def _sealed(officer_north, count: int = 3) -> list[AccessLogEntry]:
    _entries(officer_north, count)
    access_log_seal()
    return list(AccessLogEntry.objects.order_by("sequence"))


def _verify_audit_refusal() -> str:
    with pytest.raises(CommandError) as refusal:
        call_command("verify_audit")
    assert refusal.value.returncode == 1
    return str(refusal.value)


def _burn_a_number() -> None:
    """On PostgreSQL, a number given out and never used: a transaction that logged and
    rolled back. (SQLite numbers by MAX + 1: its tests leave the gap by hand.)"""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT nextval('{NUMBERS}')")


def _entry_after_a_gap(officer_north) -> None:
    """An entry numbered one past the next number, which is never used."""
    if connection.vendor == "postgresql":
        _burn_a_number()
        _entries(officer_north, 1)
    else:
        last = AccessLogEntry.objects.order_by("-sequence").first()
        number = (last.sequence if last else 0) + 2
        AccessLogEntry(sequence=number, at=timezone.now(), action="x").save(force_insert=True)


# --- Writing: no lock, no read, one insert


def test_a_read_inserts_its_entry_and_takes_no_lock(officer_north, north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    client = api_for(officer_north)
    client.get("/api/v1/me/")  # caches the caller's membership on the forced user
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/cases/{case.id}/")
    # then
    assert response.status_code == 200
    statements = [query["sql"] for query in queries.captured_queries]
    assert not [sql for sql in statements if "advisory" in sql.lower()]
    touching_the_log = [sql for sql in statements if TABLE in sql]
    assert len(touching_the_log) == 1
    assert touching_the_log[0].startswith(f'INSERT INTO "{TABLE}"')
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_id) == ("cases.case.viewed", str(case.id))
    assert (entry.previous_sequence, entry.previous_hash, entry.entry_hash) == (None, None, None)


def test_the_entry_knows_its_number_from_the_insert(officer_north):
    # when
    first, second = _entries(officer_north, 2)
    # then
    assert (first.sequence, second.sequence) == (1, 2)


# --- Sealing


def test_the_sealer_chains_waiting_entries_in_order(officer_north):
    # given
    _entries(officer_north, 3)
    # when
    sealed = access_log_seal()
    # then
    first, second, third = AccessLogEntry.objects.order_by("sequence")
    assert sealed == 3
    assert (first.previous_sequence, first.previous_hash) == (GENESIS_SEQUENCE, GENESIS_HASH)
    assert (second.previous_sequence, second.previous_hash) == (1, first.entry_hash)
    assert (third.previous_sequence, third.previous_hash) == (2, second.entry_hash)
    assert third.entry_hash == entry_hash_compute(third)
    assert access_log_seal() == 0
    assert access_log_verify() == (3, None)


def test_entries_written_later_chain_onto_the_sealed_ones(officer_north):
    # given
    _sealed(officer_north, 2)
    _entries(officer_north, 2)
    # when
    sealed = access_log_seal(batch_size=1)
    # then: in batches of one, each its own transaction
    assert sealed == 2
    assert access_log_verify(seal=False) == (4, None)


def test_a_bulk_load_is_sealed_in_batches(officer_north):
    # given
    at = timezone.now() - timedelta(days=30)
    rows = (
        AccessLogEntry(at=at, username="officer.north", action="cases.case.viewed", object_id=n)
        for n in range(25)
    )
    # when
    inserted = access_entries_bulk_insert(rows, batch_size=10)
    sealed = access_log_seal(batch_size=10)
    # then
    assert (inserted, sealed) == (25, 25)
    numbers = list(AccessLogEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert numbers == list(range(1, 26))
    assert access_log_verify(seal=False) == (25, None)


def test_a_load_can_be_chained_as_it_is_inserted(officer_north):
    # given: an entry waiting, then a load that chains itself
    _entries(officer_north, 1)
    at = timezone.now() - timedelta(days=30)
    rows = [AccessLogEntry(at=at, action="cases.case.viewed", object_id=n) for n in range(7)]
    # when
    inserted = access_entries_bulk_insert(rows, batch_size=3, sealed=True)
    # then: what was waiting is sealed first, and nothing is left for the sealer
    assert inserted == 7
    assert not AccessLogEntry.objects.filter(entry_hash__isnull=True).exists()
    assert access_log_seal() == 0
    assert access_log_verify(seal=False) == (8, None)


def test_a_number_that_was_never_used_is_sealed_past(officer_north):
    # given: 1, a number rolled back, then 3 (SQLite: 2 is left unused by hand)
    _entries(officer_north, 1)
    _entry_after_a_gap(officer_north)
    # when
    sealed = access_log_seal()
    # then
    assert sealed == 2
    last = AccessLogEntry.objects.get(sequence=3)
    assert last.previous_sequence == 1
    assert access_log_verify() == (2, None)


@pytest.mark.postgres
@postgresql_only
def test_the_sealer_waits_at_a_gap_while_others_are_writing(officer_north, monkeypatch):
    # given: entry 1, a number taken by a transaction that may still commit, entry 3
    _entries(officer_north, 1)
    _burn_a_number()
    _entries(officer_north, 1)
    monkeypatch.setattr(audit_chain, "_numbers_settled_up_to", lambda: None)
    # when
    sealed_now = access_log_seal()
    # then: 1 is sealed, 3 waits for 2 ...
    assert sealed_now == 1
    assert AccessLogEntry.objects.get(sequence=3).entry_hash is None
    # ... until no transaction can still be holding 2
    later = timezone.now() + audit_chain.GAP_SETTLED_AFTER
    assert access_log_seal(now=later) == 1
    assert AccessLogEntry.objects.get(sequence=3).previous_sequence == 1


@pytest.mark.postgres
@postgresql_only
def test_with_nobody_else_writing_every_number_given_out_is_settled(officer_north):
    # given
    _entries(officer_north, 1)
    # when
    settled = audit_chain._numbers_settled_up_to()
    # then
    assert settled is not None
    assert settled >= 1


def test_an_entry_committed_after_later_ones_were_sealed_is_reported(officer_north):
    # given: entries 1 and 3 sealed, then 2 arrives long after (its transaction outlived
    # every limit)
    _entries(officer_north, 1)
    _entry_after_a_gap(officer_north)
    access_log_seal()
    AccessLogEntry(sequence=2, at=timezone.now() - timedelta(hours=1), action="late").save(
        force_insert=True
    )
    stdout, stderr = StringIO(), StringIO()
    # when
    call_command("verify_audit", stdout=stdout, stderr=stderr)
    # then: the chain is intact, but the entry outside it is named
    assert stdout.getvalue() == "Access log intact: 2 entries checked.\n"
    assert "Warning: 1 access-log entry is not sealed into the chain" in stderr.getvalue()
    assert "the oldest is #2" in stderr.getvalue()


# --- verify_audit finds a sealed entry changed, removed or moved


def test_verify_audit_names_a_modified_sealed_entry(officer_north):
    # given
    _sealed(officer_north)
    access_log_tamper(f"UPDATE {TABLE} SET object_id=%s WHERE sequence=%s", ["another-case", 2])
    # then
    assert _verify_audit_refusal() == (
        "Access log broken at entry #2: its contents do not match its hash."
    )


def test_verify_audit_names_a_deleted_sealed_entry(officer_north):
    # given
    _sealed(officer_north, 4)
    access_log_tamper(f"DELETE FROM {TABLE} WHERE sequence=%s", [3])
    # then
    assert _verify_audit_refusal() == (
        "Access log broken at entry #4: entry 3 is missing (the chain jumps to 4)."
    )


def test_verify_audit_names_a_deleted_entry_after_a_gap(officer_north):
    # given: 1, 3, 4 sealed (2 never used), then 3 deleted
    _entries(officer_north, 1)
    _entry_after_a_gap(officer_north)
    _entries(officer_north, 1)
    access_log_seal()
    access_log_tamper(f"DELETE FROM {TABLE} WHERE sequence=%s", [3])
    # then
    assert _verify_audit_refusal() == (
        "Access log broken at entry #4: entry 3 is missing (the chain jumps to 4)."
    )


def test_verify_audit_names_reordered_sealed_entries(officer_north):
    # given: entries 2 and 3 swap places
    _sealed(officer_north)
    access_log_tamper(f"UPDATE {TABLE} SET sequence=%s WHERE sequence=%s", [-3, 3])
    access_log_tamper(f"UPDATE {TABLE} SET sequence=%s WHERE sequence=%s", [3, 2])
    access_log_tamper(f"UPDATE {TABLE} SET sequence=%s WHERE sequence=%s", [2, -3])
    # then
    assert _verify_audit_refusal() == (
        "Access log broken at entry #2: it is out of order "
        "(it was chained after entry 2, but follows entry 1)."
    )


def test_verify_audit_names_an_entry_unsealed_behind_its_back(officer_north):
    # given: someone blanks a sealed entry's seal, hoping it will be sealed again
    _sealed(officer_north)
    access_log_tamper(f"UPDATE {TABLE} SET entry_hash=NULL WHERE sequence=%s", [2])
    # then: the sealer does not chain it again (it is below the head) ...
    assert _verify_audit_refusal() == (
        "Access log broken at entry #3: entry 2 is missing (the chain jumps to 3)."
    )


# --- Writers of the old kind, and the database's own guard


def test_an_entry_chained_by_its_own_writer_fits_the_chain(officer_north):
    # given: the code before ADR 0012 numbered and chained its entry itself
    last = _sealed(officer_north, 2)[-1]
    old = AccessLogEntry(
        sequence=last.sequence + 1,
        at=timezone.now(),
        username="officer.north",
        action="cases.case.viewed",
        previous_hash=last.entry_hash,
    )
    old.entry_hash = entry_hash_compute(old)
    old.save(force_insert=True)
    # when: the next entry is numbered by the database
    after = access_log_record(actor=officer_north.user, action="agencies.sign_out")
    # then
    assert after.sequence == old.sequence + 1
    assert access_log_verify() == (4, None)


@pytest.mark.postgres
@postgresql_only
@pytest.mark.parametrize(
    ("sql", "params"),
    [
        # sealing again, over a seal
        (f"UPDATE {TABLE} SET entry_hash=%s WHERE sequence=1", ["f" * 64]),
        # sealing a waiting entry while changing what it says
        (
            f"UPDATE {TABLE} SET entry_hash=%s, previous_hash=%s, previous_sequence=1,"
            " action='other' WHERE sequence=2",
            ["f" * 64, "e" * 64],
        ),
    ],
    ids=["reseal", "seal-and-change"],
)
def test_the_database_allows_sealing_and_nothing_else(officer_north, sql, params):
    # given
    _entries(officer_north, 1)
    access_log_seal()
    _entries(officer_north, 1)
    # when
    with (
        pytest.raises(DatabaseError, match="the access log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    # then
    assert access_log_verify() == (2, None)
