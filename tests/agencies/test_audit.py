"""The access log itself: append-only in the ORM and (on PostgreSQL) in the
database, hash-chained, checked by `verify_audit`, and stamped with the request
it came from."""

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import DatabaseError, connection, transaction
from django.db.models import QuerySet

from agencies.audit import (
    GENESIS_HASH,
    access_log_record,
    access_log_verify,
    entry_hash_compute,
)
from agencies.audit_chain import access_log_seal
from agencies.models import AccessLogEntry, AccessOutcome
from agencies.models.audit import AppendOnlyError
from tests.helpers import access_log_tamper

TABLE = "agencies_accesslogentry"
ROW_TRIGGER = "agencies_accesslogentry_no_update_delete"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger exists only on PostgreSQL"
)


def _three_entries(officer_north) -> list[AccessLogEntry]:
    """Three entries, sealed into the chain (as the sealer does a few seconds later)."""
    entries = [
        access_log_record(
            actor=officer_north.user,
            action="cases.case.viewed",
            object_type="case",
            object_id="5f0c6a52-1111-4e59-9d4c-000000000001",
            object_agency_slug="northshire-police",
            justification="own agency (northshire-police), role generalist_officer",
        ),
        access_log_record(
            actor=None,
            action="agencies.sign_in.failed",
            outcome=AccessOutcome.FAILED,
            username="officer.north",
            agency_slug="northshire-police",
        ),
        access_log_record(actor=officer_north.user, action="agencies.sign_out"),
    ]
    access_log_seal()
    for entry in entries:
        entry.refresh_from_db()
    return entries


def _rows() -> list[tuple]:
    """Every column of every entry, read straight from the table."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {TABLE} ORDER BY sequence")
        return cursor.fetchall()


def _verify_audit_refusal() -> CommandError:
    with pytest.raises(CommandError) as refusal:
        call_command("verify_audit")
    return refusal.value


# --- The chain


def test_entries_are_chained_one_to_the_next(officer_north):
    # given
    first, second, third = _three_entries(officer_north)
    # when
    checked, chain_break = access_log_verify()
    # then
    assert (checked, chain_break) == (3, None)
    assert [first.sequence, second.sequence, third.sequence] == [1, 2, 3]
    assert first.previous_hash == GENESIS_HASH
    assert second.previous_hash == first.entry_hash
    assert third.previous_hash == second.entry_hash
    assert len({first.entry_hash, second.entry_hash, third.entry_hash}) == 3


def test_an_entry_names_its_actor_and_their_agency(officer_north):
    # when
    entry = access_log_record(
        actor=officer_north.user,
        action="cases.case.viewed",
        object_type="case",
        object_id="5f0c6a52-1111-4e59-9d4c-000000000001",
        object_agency_slug="northshire-police",
    )
    # then
    stored = AccessLogEntry.objects.get(sequence=entry.sequence)
    assert stored.user_id == officer_north.user.pk
    assert stored.username == "officer.north"
    assert stored.agency_slug == "northshire-police"
    assert stored.action == "cases.case.viewed"
    assert stored.outcome == "allowed"
    assert (stored.object_type, stored.object_id, stored.object_agency_slug) == (
        "case",
        "5f0c6a52-1111-4e59-9d4c-000000000001",
        "northshire-police",
    )
    # Outside a request there is no origin to record.
    assert (stored.endpoint, stored.method, stored.ip_address) == ("", "", None)


def test_the_hash_covers_the_previous_hash_and_every_recorded_field(officer_north):
    # given
    entry = access_log_record(actor=officer_north.user, action="agencies.sign_out")
    access_log_seal()
    stored = AccessLogEntry.objects.get(sequence=entry.sequence)
    payload = {
        "sequence": 1,
        "at": stored.at.isoformat(),
        "user_id": officer_north.user.pk,
        "username": "officer.north",
        "agency_slug": "northshire-police",
        "action": "agencies.sign_out",
        "outcome": "allowed",
        "object_type": "",
        "object_id": "",
        "object_agency_slug": "",
        "endpoint": "",
        "method": "",
        "ip_address": None,
        "justification": "",
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    # then
    assert stored.entry_hash == hashlib.sha256((GENESIS_HASH + canonical).encode()).hexdigest()


def test_verify_audit_reports_an_intact_chain(officer_north):
    # given
    _three_entries(officer_north)
    stdout = StringIO()
    # when
    call_command("verify_audit", stdout=stdout)
    # then
    assert stdout.getvalue() == "Access log intact: 3 entries checked.\n"


def test_verify_audit_on_an_empty_log(db):
    # given
    stdout = StringIO()
    # when
    call_command("verify_audit", stdout=stdout)
    # then
    assert stdout.getvalue() == "Access log intact: 0 entries checked.\n"


# --- The ORM refuses every change


def test_saving_an_existing_entry_is_refused(officer_north):
    # given
    _three_entries(officer_north)
    before = _rows()
    entry = AccessLogEntry.objects.get(sequence=2)
    entry.action = "agencies.sign_in.succeeded"
    # when
    with pytest.raises(AppendOnlyError, match="append-only: entries cannot be updated"):
        entry.save()
    # then
    assert _rows() == before
    assert access_log_verify() == (3, None)


def test_saving_an_existing_entry_with_update_fields_is_refused(officer_north):
    # given
    _three_entries(officer_north)
    before = _rows()
    entry = AccessLogEntry.objects.get(sequence=2)
    entry.outcome = AccessOutcome.ALLOWED
    # when
    with pytest.raises(AppendOnlyError):
        entry.save(update_fields=["outcome"])
    # then
    assert _rows() == before


def test_deleting_an_entry_is_refused(officer_north):
    # given
    _three_entries(officer_north)
    before = _rows()
    entry = AccessLogEntry.objects.get(sequence=2)
    # when
    with pytest.raises(AppendOnlyError, match="append-only: entries cannot be deleted"):
        entry.delete()
    # then
    assert _rows() == before
    assert access_log_verify() == (3, None)


def test_a_queryset_update_is_refused(officer_north):
    # given
    _three_entries(officer_north)
    before = _rows()
    # when
    with pytest.raises(AppendOnlyError, match="append-only: entries cannot be updated"):
        AccessLogEntry.objects.filter(username="officer.north").update(justification="")
    # then
    assert _rows() == before


def test_a_queryset_delete_is_refused(officer_north):
    # given
    _three_entries(officer_north)
    before = _rows()
    # when
    with pytest.raises(AppendOnlyError, match="append-only: entries cannot be deleted"):
        AccessLogEntry.objects.filter(sequence__gte=2).delete()
    # then
    assert _rows() == before


def test_a_bulk_update_is_refused(officer_north):
    # given
    entries = _three_entries(officer_north)
    before = _rows()
    for entry in entries:
        entry.action = "rewritten"
    # when
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.bulk_update(entries, ["action"])
    # then
    assert _rows() == before


# --- verify_audit finds what was changed behind the ORM's back


def test_verify_audit_names_an_entry_changed_in_the_database(officer_north):
    # given
    _three_entries(officer_north)
    access_log_tamper(
        f"UPDATE {TABLE} SET action=%s WHERE sequence=%s", ["agencies.sign_in.succeeded", 2]
    )
    # when
    refusal = _verify_audit_refusal()
    # then
    assert refusal.returncode == 1
    assert str(refusal) == "Access log broken at entry #2: its contents do not match its hash."
    assert access_log_verify()[0] == 1


def test_verify_audit_names_the_next_entry_when_a_changed_entry_was_rehashed(officer_north):
    # given: the tamperer also recomputed the changed entry's own hash
    _three_entries(officer_north)
    second = AccessLogEntry.objects.get(sequence=2)
    second.outcome = AccessOutcome.ALLOWED
    access_log_tamper(
        f"UPDATE {TABLE} SET outcome=%s, entry_hash=%s WHERE sequence=%s",
        ["allowed", entry_hash_compute(second), 2],
    )
    # when
    refusal = _verify_audit_refusal()
    # then
    assert refusal.returncode == 1
    assert str(refusal) == (
        "Access log broken at entry #3: its previous-hash does not match the entry before it."
    )


def test_verify_audit_names_an_entry_deleted_from_the_middle(officer_north):
    # given
    _three_entries(officer_north)
    access_log_tamper(f"DELETE FROM {TABLE} WHERE sequence=%s", [2])
    # when
    refusal = _verify_audit_refusal()
    # then
    assert refusal.returncode == 1
    assert str(refusal) == (
        "Access log broken at entry #3: entry 2 is missing (the chain jumps to 3)."
    )


def test_verify_audit_names_a_missing_first_entry(officer_north):
    # given
    _three_entries(officer_north)
    access_log_tamper(f"DELETE FROM {TABLE} WHERE sequence=%s", [1])
    # when
    refusal = _verify_audit_refusal()
    # then
    assert str(refusal) == (
        "Access log broken at entry #2: entry 1 is missing (the chain jumps to 2)."
    )


def test_verify_audit_exits_1_from_the_command_line(officer_north, capsys):
    # given
    _three_entries(officer_north)
    access_log_tamper(f"UPDATE {TABLE} SET username=%s WHERE sequence=%s", ["someone.else", 3])
    # when
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(["manage.py", "verify_audit"])
    # then
    assert exit_.value.code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "CommandError: Access log broken at entry #3: its contents do not match its hash.\n"
    )


# --- PostgreSQL refuses changes even from raw SQL


@pytest.mark.postgres
@postgresql_only
@pytest.mark.parametrize(
    ("sql", "params"),
    [
        (f"UPDATE {TABLE} SET action=%s WHERE sequence=%s", ["agencies.sign_in.succeeded", 2]),
        (f"DELETE FROM {TABLE} WHERE sequence=%s", [2]),
        (f"DELETE FROM {TABLE}", []),
        (f"TRUNCATE {TABLE}", []),
    ],
    ids=["update", "delete-one", "delete-all", "truncate"],
)
def test_the_database_refuses_raw_changes(officer_north, sql, params):
    # given
    _three_entries(officer_north)
    before = _rows()
    # when
    with (
        pytest.raises(DatabaseError, match="the access log is append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)
    # then
    assert _rows() == before
    assert access_log_verify() == (3, None)


@pytest.mark.postgres
@postgresql_only
def test_the_database_refuses_an_update_that_bypasses_the_append_only_queryset(officer_north):
    # given
    _three_entries(officer_north)
    before = _rows()
    plain_queryset = QuerySet(model=AccessLogEntry)
    # when
    with pytest.raises(DatabaseError, match="the access log is append-only"), transaction.atomic():
        plain_queryset.filter(sequence=2).update(action="agencies.sign_in.succeeded")
    # then
    assert _rows() == before


@pytest.mark.postgres
@postgresql_only
def test_the_refusal_is_the_triggers_own_exception(officer_north):
    # given
    _three_entries(officer_north)
    # when
    with (
        pytest.raises(DatabaseError) as refusal,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence=%s", [1])
    # then: P0001 is plpgsql's RAISE EXCEPTION, not some other failure
    assert refusal.value.__cause__.sqlstate == "P0001"
    assert str(refusal.value).startswith("the access log is append-only\n")
    assert len(_rows()) == 3


# --- Where the request came from


def test_a_denied_api_call_records_its_endpoint_method_and_address(officer_north, api_for):
    # given
    client = api_for(officer_north)
    before = AccessLogEntry.objects.count()
    # when
    response = client.get("/api/v1/audit/access-log/")
    # then
    assert response.status_code == 403
    assert AccessLogEntry.objects.count() == before + 1
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry.action == "audit.access_log.view"
    assert entry.outcome == "denied"
    assert entry.username == "officer.north"
    assert entry.agency_slug == "northshire-police"
    assert entry.user_id == officer_north.user.pk
    assert entry.justification == "role not permitted"
    assert entry.endpoint == "/api/v1/audit/access-log/"
    assert entry.method == "GET"
    assert entry.ip_address == "127.0.0.1"
    assert access_log_verify() == (before + 1, None)


def test_an_allowed_page_view_records_its_origin(auditor_north, browser_for):
    # given
    client = browser_for(auditor_north)
    # when
    response = client.get("/audit/access-log/", REMOTE_ADDR="198.51.100.23")
    # then
    assert response.status_code == 200
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert (entry.action, entry.outcome, entry.username) == (
        "audit.access_log.viewed",
        "allowed",
        "auditor.north",
    )
    assert (entry.endpoint, entry.method, entry.ip_address) == (
        "/audit/access-log/",
        "GET",
        "198.51.100.23",
    )


def test_an_ipv6_address_is_stored_in_its_short_form_and_still_verifies(officer_north, api_for):
    # given: the database stores IPv6 addresses in one canonical form
    client = api_for(officer_north)
    # when
    response = client.get("/api/v1/audit/access-log/", REMOTE_ADDR="2001:0DB8:0000::0042")
    # then
    assert response.status_code == 403
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry.ip_address == "2001:db8::42"
    assert access_log_verify() == (1, None)


def test_an_address_that_is_not_an_ip_address_is_recorded_as_none(officer_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    response = client.get("/api/v1/audit/access-log/", REMOTE_ADDR="not-an-address")
    # then
    assert response.status_code == 403
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert (entry.endpoint, entry.method, entry.ip_address) == (
        "/api/v1/audit/access-log/",
        "GET",
        None,
    )
    assert access_log_verify() == (1, None)
