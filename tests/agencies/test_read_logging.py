"""Every consultation of personal data is logged (DPA 2018 s.62), one entry per
request naming what it returned; every refused read is logged for the agency that
owns the record; entries written before the log named lists still verify."""

import hashlib
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from agencies.audit import (
    GENESIS_HASH,
    access_log_record,
    access_log_verify,
    access_read_record,
)
from agencies.audit_chain import access_log_seal
from agencies.models import AccessLogEntry, Role
from cases.services.documents import document_upload
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)
from tests.helpers import ACCESS_LOG_QUERIES
from tests.referrals import *  # noqa: F403 (the referral fixtures)
from tests.referrals import MONDAY_MORNING, frozen, sent

CASES_API = "/api/v1/cases/"
ACCESS_LOG_API = "/api/v1/audit/access-log/"
ACCESS_LOG_PAGE = "/audit/access-log/"
TABLE = "agencies_accesslogentry"
ROW_TRIGGER = "agencies_accesslogentry_no_update_delete"


def _written_since(last: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=last).order_by("sequence"))


def _last() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _auditor(agency):
    membership = MembershipFactory(
        agency=agency, role=Role.AUDITOR, user__username=f"auditor.{agency.slug.split('-')[0]}"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


# --- The done-when: a refused attempt, seen by the owner's auditor


def test_the_auditor_of_northshire_sees_a_southshire_officers_refused_attempt_on_a_northshire_case(
    north, officer_south, auditor_north, api_for, browser_for
):
    # given
    case = CaseFactory(owning_agency=north, reference="NP-2026-000042")
    last = _last()
    # when: officer.south asks for the northshire case
    response = api_for(officer_south).get(f"{CASES_API}{case.id}/")
    # then: the same 404 as for a case that does not exist, and one entry for it
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    [refusal] = _written_since(last)
    assert (
        refusal.outcome,
        refusal.username,
        refusal.agency_slug,
        refusal.object_type,
        refusal.object_id,
        refusal.object_agency_slug,
        refusal.method,
        refusal.endpoint,
    ) == (
        "denied",
        "officer.south",
        "southshire-police",
        "case",
        str(case.id),
        "northshire-police",
        "GET",
        f"{CASES_API}{case.id}/",
    )
    # and auditor.north sees it, on the API and on the page
    listed = api_for(auditor_north).get(ACCESS_LOG_API, {"user": "officer.south"})
    assert listed.status_code == 200
    [shown] = listed.json()["results"]
    assert (shown["sequence"], shown["username"], shown["agency_slug"], shown["outcome"]) == (
        refusal.sequence,
        "officer.south",
        "southshire-police",
        "denied",
    )
    assert shown["object_id"] == str(case.id)
    assert shown["at"]
    page = browser_for(auditor_north).get(ACCESS_LOG_PAGE, {"user": "officer.south"})
    html = page.content.decode()
    assert page.status_code == 200
    # The page names the agency, not its slug (issue 18)
    assert "officer.south" in html
    assert "Southshire Police" in html
    assert "southshire-police" not in html
    assert str(case.id) in html
    assert "Refused" in html


def test_a_refusal_answers_the_same_whether_or_not_the_case_exists(north, officer_south, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    missing = "0b5e8f0e-7a52-4c1e-9c39-6f0d1a00ffff"
    client = api_for(officer_south)
    last = _last()
    # when
    theirs = client.get(f"{CASES_API}{case.id}/")
    nothing = client.get(f"{CASES_API}{missing}/")
    # then: nothing tells the caller which exists; only the log knows whose it was
    assert (theirs.status_code, theirs.content) == (nothing.status_code, nothing.content)
    assert {key: theirs[key] for key in ("Content-Type", "Content-Length")} == {
        key: nothing[key] for key in ("Content-Type", "Content-Length")
    }
    first, second = _written_since(last)
    assert (first.outcome, first.object_agency_slug) == ("denied", "northshire-police")
    assert (second.outcome, second.object_agency_slug) == ("denied", "")


def test_the_refused_officers_own_auditor_sees_the_attempt_too(
    north, south, officer_south, api_for
):
    # given
    auditor_south = _auditor(south)
    case = CaseFactory(owning_agency=north)
    api_for(officer_south).get(f"{CASES_API}{case.id}/")
    # when
    response = api_for(auditor_south).get(ACCESS_LOG_API, {"user": "officer.south"})
    # then: what their own people tried
    [shown] = response.json()["results"]
    assert (shown["outcome"], shown["object_id"]) == ("denied", str(case.id))


# --- Lists and searches: the query and the records on the page


def test_a_case_search_names_its_query_and_the_cases_on_the_page(north, officer_north, api_for):
    # given
    older = CaseFactory(owning_agency=north, title="Bramble", received_on=date(2026, 1, 5))
    newer = CaseFactory(owning_agency=north, title="Bramble two", received_on=date(2026, 2, 5))
    CaseFactory(owning_agency=north, title="Something else")
    client = api_for(officer_north)
    client.get("/api/v1/me/")  # caches the caller's membership on the forced user
    last = _last()
    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CASES_API, {"q": "Bramble", "page_size": 1})
    # then: one entry, one insert
    assert response.status_code == 200
    [entry] = _written_since(last)
    assert sum("INSERT" in query["sql"] for query in queries.captured_queries) == 1
    assert (entry.action, entry.outcome, entry.object_type, entry.object_id) == (
        "cases.case.listed",
        "allowed",
        "case",
        "",
    )
    assert entry.query == "q=Bramble&page_size=1"
    assert entry.record_ids == [f"case:{newer.id}"]
    assert entry.object_agency_slug == "northshire-police"
    # the next page, by its cursor, names what it showed
    last = _last()
    following = client.get(response.json()["next"])
    assert following.status_code == 200
    [entry] = _written_since(last)
    assert entry.record_ids == [f"case:{older.id}"]
    assert "cursor=" in entry.query


def test_a_page_of_cases_from_two_agencies_is_seen_by_both_auditors(
    north, south, officer_north, auditor_north, api_for
):
    # given: a northshire case, and a southshire one granted to northshire
    own = CaseFactory(owning_agency=north)
    granted = CaseFactory(owning_agency=south)
    grant_case(granted, north)
    # when
    api_for(officer_north).get(CASES_API)
    # then
    entry = AccessLogEntry.objects.get(action="cases.case.listed")
    assert sorted(entry.record_ids) == sorted([f"case:{own.id}", f"case:{granted.id}"])
    assert entry.object_agency_slug == ""
    assert entry.object_agency_slugs == ["northshire-police", "southshire-police"]


def test_the_southshire_auditor_sees_that_northshire_listed_its_granted_case(
    north, south, officer_north, api_for
):
    # given
    auditor_south = _auditor(south)
    granted = CaseFactory(owning_agency=south)
    grant_case(granted, north)
    api_for(officer_north).get(CASES_API)
    # when
    response = api_for(auditor_south).get(ACCESS_LOG_API, {"user": "officer.north"})
    # then
    [shown] = response.json()["results"]
    assert shown["action"] == "cases.case.listed"
    assert f"case:{granted.id}" in shown["record_ids"]


def test_the_auditor_finds_a_case_among_the_lists_that_showed_it(
    north, officer_north, auditor_north, api_for
):
    # given: the case read on its own once, and shown in a list once
    case = CaseFactory(owning_agency=north)
    client = api_for(officer_north)
    client.get(f"{CASES_API}{case.id}/")
    client.get(CASES_API)
    # when
    response = api_for(auditor_north).get(
        ACCESS_LOG_API, {"object_type": "case", "object_id": str(case.id)}
    )
    # then
    assert [entry["action"] for entry in response.json()["results"]] == [
        "cases.case.listed",
        "cases.case.viewed",
    ]


def test_the_case_list_page_names_the_cases_it_shows(north, officer_north, browser_for):
    # given
    cases = [CaseFactory(owning_agency=north) for _ in range(3)]
    last = _last()
    # when
    response = browser_for(officer_north).get("/cases/", {"status": "open"})
    # then
    assert response.status_code == 200
    [entry] = _written_since(last)
    assert entry.action == "cases.case.listed"
    assert entry.query == "status=open"
    assert sorted(entry.record_ids) == sorted(f"case:{case.id}" for case in cases)


# --- One entry for a page that reads many things


def test_the_case_page_writes_one_entry_naming_the_case_and_its_parties(
    north, officer_north, browser_for
):
    # given
    case = CaseFactory(owning_agency=north)
    victim = PartyFactory(case=case, role="victim")
    suspect = PartyFactory(case=case, role="suspect")
    last = _last()
    # when: the People tab, which names them (issue 18: each tab logs what it shows)
    response = browser_for(officer_north).get(f"/cases/{case.id}/parties/")
    # then
    assert response.status_code == 200
    [entry] = _written_since(last)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "cases.case.viewed",
        "case",
        str(case.id),
    )
    assert {f"party:{victim.id}", f"party:{suspect.id}"} <= set(entry.record_ids)


def test_a_form_under_a_case_is_a_read_of_the_case(north, officer_north, browser_for):
    # given
    case = CaseFactory(owning_agency=north)
    last = _last()
    # when
    response = browser_for(officer_north).get(f"/cases/{case.id}/contacts/new/")
    # then
    assert response.status_code == 200
    [entry] = _written_since(last)
    assert (entry.action, entry.object_id, entry.object_agency_slug) == (
        "cases.case.viewed",
        str(case.id),
        "northshire-police",
    )


def test_a_list_under_a_case_is_named_by_the_case(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    party = PartyFactory(case=case, role="victim")
    last = _last()
    # when
    api_for(officer_north).get(f"{CASES_API}{case.id}/parties/")
    # then
    [entry] = _written_since(last)
    assert (entry.action, entry.object_type, entry.object_id) == (
        "cases.party.listed",
        "party",
        str(case.id),
    )
    assert entry.record_ids == [f"party:{party.id}"]


def test_a_change_writes_its_own_entry_and_no_second_one_for_the_reads_behind_it(
    north, officer_north, api_for
):
    # given
    case = CaseFactory(owning_agency=north, lead_officer=officer_north.user)
    party = PartyFactory(case=case, role="victim")
    last = _last()
    # when
    response = api_for(officer_north).post(
        f"{CASES_API}{case.id}/contacts/",
        {"party": str(party.id), "channel": "phone", "summary": "Told of the arrest."},
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    assert [entry.action for entry in _written_since(last)] == ["cases.contact.logged"]


# --- Documents: the list and the download


def test_listing_and_downloading_documents_each_write_one_entry(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north, lead_officer=officer_north.user)
    document = document_upload(
        actor=officer_north.user,
        case=case,
        uploaded_file=SimpleUploadedFile("note.txt", b"Words only.\n", "text/plain"),
        title="A note",
    )
    client = api_for(officer_north)
    last = _last()
    # when
    listed = client.get(f"{CASES_API}{case.id}/documents/")
    downloaded = client.get(f"{CASES_API}{case.id}/documents/{document.id}/download/")
    b"".join(downloaded.streaming_content)
    # then
    assert (listed.status_code, downloaded.status_code) == (200, 200)
    listing, download = _written_since(last)
    assert (listing.action, listing.record_ids) == (
        "cases.document.listed",
        [f"document:{document.id}"],
    )
    assert (download.action, download.object_type, download.object_id) == (
        "cases.document.downloaded",
        "document",
        str(document.id),
    )


# --- Referrals: the lists carry full disclosures


def test_the_inbox_and_the_sent_list_name_each_referral_they_show(
    officer_north, caseworker_harbour, north_case, harbour, victim, api_for, browser_for
):
    # given
    with frozen(MONDAY_MORNING):
        referral = sent(officer_north, north_case, harbour, [victim])
    last = _last()
    # when
    inbox_api = api_for(caseworker_harbour).get("/api/v1/referrals/inbox/")
    inbox_page = browser_for(caseworker_harbour).get("/referrals/")
    sent_api = api_for(officer_north).get("/api/v1/referrals/sent/")
    sent_page = browser_for(officer_north).get("/referrals/sent/")
    # then: one entry each, naming the referral, for the case's owner to see
    assert {r.status_code for r in (inbox_api, inbox_page, sent_api, sent_page)} == {200}
    entries = _written_since(last)
    assert [(e.username, e.record_ids) for e in entries] == [
        ("caseworker.harbour", [f"referral:{referral.id}"]),
        ("caseworker.harbour", [f"referral:{referral.id}"]),
        ("officer.north", [f"referral:{referral.id}"]),
        ("officer.north", [f"referral:{referral.id}"]),
    ]
    assert {e.object_agency_slug for e in entries} == {"northshire-police"}


def test_a_charity_refused_a_referral_it_was_not_sent_is_seen_by_the_senders_auditor(
    officer_north, caseworker_lighthouse, north_case, harbour, victim, api_for
):
    # given
    with frozen(MONDAY_MORNING):
        referral = sent(officer_north, north_case, harbour, [victim])
    last = _last()
    # when
    response = api_for(caseworker_lighthouse).get(f"/api/v1/referrals/{referral.id}/")
    # then
    assert response.status_code == 404
    [refusal] = _written_since(last)
    assert (refusal.outcome, refusal.agency_slug, refusal.object_agency_slug) == (
        "denied",
        "lighthouse-family-support",
        "northshire-police",
    )


# --- Query cost: one insert per request, and reads do not queue behind each other


@pytest.mark.parametrize("count", [2, 20])
def test_a_list_costs_the_same_whatever_its_length_and_one_insert(
    north, officer_north, api_for, django_assert_max_num_queries, count
):
    # given
    for _ in range(count):
        PartyFactory(case=CaseFactory(owning_agency=north), role="victim")
    client = api_for(officer_north)
    client.get("/api/v1/me/")  # caches the caller's membership on the forced user
    # when: the cases, their count of queries pinned, and the one access-log entry
    with django_assert_max_num_queries(2 + ACCESS_LOG_QUERIES) as queries:
        response = client.get(CASES_API, {"page_size": 100})
    # then
    assert len(response.json()["results"]) == count
    assert sum("INSERT" in query["sql"] for query in queries.captured_queries) == 1


# --- The chain: new fields hashed only when present


def _old_style_hash(entry: AccessLogEntry) -> str:
    """The hash as it was computed before the log named lists (no query, no record
    ids, no agencies list), written out here so that a change to the code cannot
    quietly change it."""
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
        "ip_address": entry.ip_address,
        "justification": entry.justification,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((entry.previous_hash + canonical).encode()).hexdigest()


def test_an_entry_written_before_the_migration_still_verifies(officer_north):
    # given: an entry hashed the old way, then entries written the new way after it
    old = AccessLogEntry(
        sequence=1,
        at=timezone.now(),
        user=officer_north.user,
        username="officer.north",
        agency_slug="northshire-police",
        action="cases.case.viewed",
        outcome="allowed",
        object_type="case",
        object_id="an-old-case",
        previous_hash=GENESIS_HASH,
    )
    old.entry_hash = _old_style_hash(old)
    old.save(force_insert=True)
    plain = access_log_record(actor=officer_north.user, action="cases.case.viewed")
    access_read_record(
        actor=officer_north.user,
        action="cases.case.listed",
        object_type="case",
        records=[CaseFactory(owning_agency=officer_north.agency)],
    )
    # then: an entry with nothing new hashes as it always did, and the chain verifies
    assert access_log_verify() == (3, None)
    plain.refresh_from_db()
    assert plain.entry_hash == _old_style_hash(plain)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("record_ids", '["case:someone-else"]'),
        ("query", "q=other"),
        ("object_agency_slugs", '["northshire-police", "southshire-police"]'),
    ],
)
def test_changing_what_a_list_entry_named_breaks_the_chain(officer_north, north, column, value):
    # given
    access_read_record(
        actor=officer_north.user,
        action="cases.case.listed",
        object_type="case",
        records=[CaseFactory(owning_agency=north)],
    )
    access_log_seal()
    entry = AccessLogEntry.objects.get()
    # when: changed behind the ORM's back (on PostgreSQL, past its trigger)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {ROW_TRIGGER}")
        cursor.execute(f"UPDATE {TABLE} SET {column} = %s", [value])
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {ROW_TRIGGER}")
    # then
    checked, broken = access_log_verify()
    assert (checked, broken.sequence) == (0, entry.sequence)
    assert broken.problem == "its contents do not match its hash"


def test_outside_a_request_a_read_is_written_at_once(officer_north, north):
    # given
    case = CaseFactory(owning_agency=north)
    # when
    access_read_record(
        actor=officer_north.user,
        action="cases.case.viewed",
        object_type="case",
        object_id=case.id,
        object_agency_slug="northshire-police",
    )
    # then
    [entry] = AccessLogEntry.objects.all()
    assert (entry.action, entry.object_id, entry.record_ids, entry.query) == (
        "cases.case.viewed",
        str(case.id),
        [],
        "",
    )
