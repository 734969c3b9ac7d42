"""Reading the access log: GET /api/v1/audit/access-log/ and the /audit/access-log/
page. Only auditors read it, and an auditor sees only what concerns their own
agency: what its people did, and who touched its records."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import User

from agencies.audit import access_log_record, access_log_verify
from agencies.audit_chain import access_log_seal
from agencies.models import AccessLogEntry, AccessOutcome, Role
from tests.factories import MembershipFactory, TOTPDeviceFactory

API = "/api/v1/audit/access-log/"
PAGE = "/audit/access-log/"
LONDON = ZoneInfo("Europe/London")
NORTH_CASE = "0b5e8f0e-7a52-4c1e-9c39-6f0d1a000001"
OTHER_NORTH_CASE = "0b5e8f0e-7a52-4c1e-9c39-6f0d1a000002"
SOUTH_CASE = "0b5e8f0e-7a52-4c1e-9c39-6f0d1a000003"
LEDGER_AT = datetime(2026, 7, 14, 9, 30, tzinfo=LONDON)


@pytest.fixture
def auditor_south(south):
    membership = MembershipFactory(
        agency=south, role=Role.AUDITOR, user__username="auditor.south", user__password=None
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def ledger(officer_north, officer_south):
    """Entries of both forces, by sequence:

    1. officer.north viewed a northshire case;
    2. officer.south viewed a northshire case (granted to them);
    3. officer.south viewed a southshire case;
    4. a failed sign-in as officer.south;
    5. officer.north viewed another northshire case.

    All on the morning of 14 July 2026 (British Summer Time).
    """
    with time_machine.travel(LEDGER_AT, tick=False):
        entries = _ledger(officer_north, officer_south)
    access_log_seal()
    for entry in entries:
        entry.refresh_from_db()
    return entries


def _ledger(officer_north, officer_south) -> list[AccessLogEntry]:
    return [
        access_log_record(
            actor=officer_north.user,
            action="cases.case.viewed",
            object_type="case",
            object_id=NORTH_CASE,
            object_agency_slug="northshire-police",
        ),
        access_log_record(
            actor=officer_south.user,
            action="cases.case.viewed",
            object_type="case",
            object_id=NORTH_CASE,
            object_agency_slug="northshire-police",
            justification="granted to southshire-police",
        ),
        access_log_record(
            actor=officer_south.user,
            action="cases.case.viewed",
            object_type="case",
            object_id=SOUTH_CASE,
            object_agency_slug="southshire-police",
        ),
        access_log_record(
            actor=None,
            action="agencies.sign_in.failed",
            outcome=AccessOutcome.FAILED,
            username="officer.south",
            agency_slug="southshire-police",
        ),
        access_log_record(
            actor=officer_north.user,
            action="cases.case.viewed",
            object_type="case",
            object_id=OTHER_NORTH_CASE,
            object_agency_slug="northshire-police",
        ),
    ]


def _sequences(response) -> list[int]:
    return [entry["sequence"] for entry in response.json()["results"]]


def _last_entry() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-sequence").first()


def _page_sequences(response) -> list[int]:
    """The sequence numbers in the page's table, top to bottom."""
    html = response.content.decode()
    return [
        int(number) for number in re.findall(r'<span class="govuk-body-s">Entry (\d+)</span>', html)
    ]


def _record_on(moment: datetime, *, actor, object_id: str) -> AccessLogEntry:
    with time_machine.travel(moment, tick=False):
        return access_log_record(
            actor=actor,
            action="cases.case.viewed",
            object_type="case",
            object_id=object_id,
            object_agency_slug="northshire-police",
        )


# --- What an auditor sees


def test_the_auditor_sees_their_agencys_people_and_records_only(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    # when
    response = client.get(API)
    # then: the auditor's own read is written once the page is ready, naming what it showed
    assert response.status_code == 200
    assert _sequences(response) == [5, 2, 1]
    assert response.json()["next"] is None
    assert response.json()["previous"] is None


def test_an_entry_is_shown_with_every_recorded_field(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    # when
    response = client.get(API, {"user": "officer.south"})
    # then
    assert response.status_code == 200
    assert response.json()["results"] == [
        {
            "sequence": 2,
            "at": "2026-07-14T09:30:00+01:00",
            "username": "officer.south",
            "agency_slug": "southshire-police",
            "action": "cases.case.viewed",
            "outcome": "allowed",
            "object_type": "case",
            "object_id": NORTH_CASE,
            "object_agency_slug": "northshire-police",
            "endpoint": "",
            "method": "",
            "ip_address": None,
            "justification": "granted to southshire-police",
            "query": "",
            "record_ids": [],
            "object_agency_slugs": [],
            "previous_hash": ledger[0].entry_hash,
            "entry_hash": ledger[1].entry_hash,
        }
    ]


def test_the_auditor_of_another_agency_sees_none_of_northshires_entries(
    auditor_south, api_for, ledger
):
    # given
    client = api_for(auditor_south)
    # when
    response = client.get(API)
    # then: what concerns southshire (4, 3, 2)
    assert response.status_code == 200
    assert _sequences(response) == [4, 3, 2]
    assert {entry["username"] for entry in response.json()["results"]} == {"officer.south"}


def test_the_auditor_of_another_agency_cannot_find_northshires_entries_by_filtering(
    auditor_south, api_for, ledger
):
    # given
    client = api_for(auditor_south)
    # when
    by_user = client.get(API, {"user": "officer.north"})
    by_object = client.get(API, {"object_type": "case", "object_id": OTHER_NORTH_CASE})
    # then
    assert (by_user.status_code, by_object.status_code) == (200, 200)
    assert by_user.json()["results"] == []
    assert by_object.json()["results"] == []


# --- Filters


def test_filter_by_user(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    # when
    response = client.get(API, {"user": "officer.north"})
    # then
    assert response.status_code == 200
    assert _sequences(response) == [5, 1]


def test_filter_by_object(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    # when
    response = client.get(API, {"object_type": "case", "object_id": NORTH_CASE})
    # then: who touched the case, from either force
    assert response.status_code == 200
    assert _sequences(response) == [2, 1]
    assert [entry["username"] for entry in response.json()["results"]] == [
        "officer.south",
        "officer.north",
    ]


def test_filter_by_action_prefix(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    client.get(API)
    # when
    response = client.get(API, {"action": "audit."})
    # then: the earlier read of the log (6)
    assert response.status_code == 200
    assert _sequences(response) == [6]


def test_filter_by_date_range_counts_whole_days_in_london(auditor_north, officer_north, api_for):
    # given: one entry a day, and two either side of midnight in British Summer Time
    first = _record_on(
        datetime(2026, 6, 8, 12, 0, tzinfo=LONDON), actor=officer_north.user, object_id="a"
    )
    late_on_the_9th = _record_on(
        datetime(2026, 6, 9, 23, 30, tzinfo=LONDON), actor=officer_north.user, object_id="b"
    )
    early_on_the_10th = _record_on(
        datetime(2026, 6, 10, 0, 30, tzinfo=LONDON), actor=officer_north.user, object_id="c"
    )
    last = _record_on(
        datetime(2026, 6, 11, 9, 0, tzinfo=LONDON), actor=officer_north.user, object_id="d"
    )
    client = api_for(auditor_north)
    # when
    ninth_only = client.get(API, {"date_from": "2026-06-09", "date_to": "2026-06-09"})
    from_the_10th = client.get(API, {"user": "officer.north", "date_from": "2026-06-10"})
    until_the_9th = client.get(API, {"date_to": "2026-06-09"})
    # then
    assert _sequences(ninth_only) == [late_on_the_9th.sequence]
    assert _sequences(from_the_10th) == [last.sequence, early_on_the_10th.sequence]
    assert _sequences(until_the_9th) == [late_on_the_9th.sequence, first.sequence]
    assert access_log_verify() == (7, None)


def test_a_date_to_before_date_from_is_refused(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    before = AccessLogEntry.objects.count()
    # when
    response = client.get(API, {"date_from": "2026-06-10", "date_to": "2026-06-09"})
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {"date_to": ["Must not be before date_from."]},
    }
    assert AccessLogEntry.objects.count() == before


def test_a_date_that_is_not_a_date_is_refused(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    # when
    response = client.get(API, {"date_from": "yesterday"})
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date_from"]


# --- Reading the log is itself logged


def test_reading_the_log_is_logged(auditor_north, api_for, ledger):
    # given
    client = api_for(auditor_north)
    # when
    response = client.get(API, {"user": "officer.south"})
    # then
    assert response.status_code == 200
    entry = _last_entry()
    assert entry.sequence == 6
    assert entry.action == "audit.access_log.viewed"
    assert entry.outcome == "allowed"
    assert entry.username == "auditor.north"
    assert entry.agency_slug == "northshire-police"
    assert entry.justification == "officer.south"
    assert (entry.endpoint, entry.method, entry.ip_address) == (API, "GET", "127.0.0.1")
    # What was asked, and the one entry it showed (officer.south's read of a northshire case)
    assert entry.query == "user=officer.south"
    assert entry.record_ids == [f"access_log_entry:{ledger[1].pk}"]
    assert access_log_verify() == (6, None)


# --- Nobody else reads it


@pytest.mark.parametrize("persona", ["officer_north", "admin_north"])
def test_other_roles_are_refused_the_api(persona, request, api_for, ledger):
    # given
    member = request.getfixturevalue(persona)
    client = api_for(member)
    before = AccessLogEntry.objects.count()
    # when
    response = client.get(API)
    # then
    assert response.status_code == 403
    assert "results" not in response.json()
    # The refusal is logged, and nothing else is.
    assert AccessLogEntry.objects.count() == before + 1
    refusal = _last_entry()
    assert (refusal.action, refusal.outcome, refusal.username) == (
        "audit.access_log.view",
        "denied",
        member.user.username,
    )


def test_the_api_needs_credentials(client, ledger):
    # when
    response = client.get(API)
    # then
    assert response.status_code == 401
    assert AccessLogEntry.objects.count() == 5


@pytest.mark.parametrize("persona", ["officer_north", "admin_north"])
def test_other_roles_do_not_find_the_page(persona, request, browser_for, ledger):
    # given
    client = browser_for(request.getfixturevalue(persona))
    # when
    response = client.get(PAGE)
    # then
    assert response.status_code == 404
    assert "officer.south" not in response.content.decode()
    assert AccessLogEntry.objects.count() == 5


def test_the_auditor_of_another_agency_sees_no_northshire_rows_on_the_page(
    auditor_south, browser_for, ledger
):
    # given
    client = browser_for(auditor_south)
    # when
    response = client.get(PAGE)
    # then
    assert response.status_code == 200
    assert _page_sequences(response) == [4, 3, 2]
    assert OTHER_NORTH_CASE not in response.content.decode()


# --- The page


def test_the_page_shows_the_matching_rows_only(auditor_north, browser_for, ledger):
    # given
    client = browser_for(auditor_north)
    # when
    response = client.get(PAGE, {"user": "officer.north"})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert _page_sequences(response) == [5, 1]
    assert OTHER_NORTH_CASE in html
    assert SOUTH_CASE not in html
    assert 'value="officer.north"' in html


def test_the_page_filters_by_record_and_dates(auditor_north, officer_north, browser_for):
    # given
    _record_on(datetime(2026, 3, 2, 10, 0, tzinfo=LONDON), actor=officer_north.user, object_id="a")
    wanted = _record_on(
        datetime(2026, 3, 3, 10, 0, tzinfo=LONDON), actor=officer_north.user, object_id="a"
    )
    _record_on(datetime(2026, 3, 3, 11, 0, tzinfo=LONDON), actor=officer_north.user, object_id="b")
    client = browser_for(auditor_north)
    # when
    response = client.get(
        PAGE,
        {"object_type": "case", "object_id": "a", "date_from": "3/3/2026", "date_to": "3/3/2026"},
    )
    # then
    assert response.status_code == 200
    assert _page_sequences(response) == [wanted.sequence]


def test_the_page_refuses_an_end_date_before_the_start(auditor_north, browser_for, ledger):
    # given
    client = browser_for(auditor_north)
    # when
    response = client.get(PAGE, {"date_from": "10/6/2026", "date_to": "9/6/2026"})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end date must be on or after the start date." in html
    assert _page_sequences(response) == []
    assert AccessLogEntry.objects.count() == 5


def test_the_page_says_what_happened_in_words_with_the_names_of_people_and_agencies(
    auditor_north, browser_for, ledger
):
    # given: officer.north is Northshire Police's; the entries hold codes and slugs
    client = browser_for(auditor_north)
    # when
    page = client.get(PAGE).content.decode()
    # then
    html = page[page.index("<table") : page.index("</table>")]
    assert "Viewed a case" in html
    assert "cases.case.viewed" not in html
    assert "Of Northshire Police" in html
    assert "northshire-police" not in html
    assert "officer.north" not in html
    assert ledger[0].user.get_full_name() in html
    # the table scrolls in its own labelled region, and reflows on a phone
    assert 'class="tl-table-scroll" role="region" aria-labelledby="access-log-caption"' in page
    assert "tl-table-reflow" in html


def test_the_page_offers_the_actions_and_record_types_to_choose_from(
    auditor_north, browser_for, ledger
):
    client = browser_for(auditor_north)
    html = client.get(PAGE).content.decode()
    assert '<select name="action"' in html
    assert '<optgroup label="Signing in and accounts">' in html
    assert '<option value="agencies.sign_in.failed">Failed to sign in</option>' in html
    assert '<select name="object_type"' in html
    assert '<option value="party">Person in a case</option>' in html
    assert "For example, 27/03/2026" in html


def test_the_page_filters_by_action(auditor_north, browser_for, ledger):
    client = browser_for(auditor_north)
    access_log_record(actor=None, action="agencies.sign_in.failed", username="officer.north")
    access_log_record(actor=ledger[0].user, action="agencies.sign_out")
    response = client.get(PAGE, {"action": "agencies.sign_out"})
    assert response.status_code == 200
    assert _page_sequences(response) == [7]
    assert '<option value="agencies.sign_out" selected>' in response.content.decode()


def test_the_page_refuses_an_action_or_record_type_it_does_not_offer(
    auditor_north, browser_for, ledger
):
    client = browser_for(auditor_north)
    for query in ({"action": "cases.case"}, {"object_type": "nothing_like_it"}):
        response = client.get(PAGE, query)
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
        assert _page_sequences(response) == []


def test_the_page_reads_the_names_once_whatever_it_holds(
    auditor_north, officer_north, browser_for, django_assert_max_num_queries
):
    for _ in range(3):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    client = browser_for(auditor_north)
    client.get(PAGE)  # the session's first page reads more than the next
    with django_assert_max_num_queries(30) as few:
        client.get(PAGE)
    for _ in range(30):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    with django_assert_max_num_queries(30) as many:
        client.get(PAGE)
    assert len(many.captured_queries) == len(few.captured_queries)


# --- Query count


def _fresh_client(api_for, membership):
    # A fresh user object, so that nothing cached by an earlier request is reused.
    membership.user = User.objects.get(pk=membership.user_id)
    return api_for(membership)


def test_the_list_query_count_does_not_grow_with_the_entries(
    auditor_north, officer_north, api_for, django_assert_max_num_queries
):
    # given
    for _ in range(5):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    client = _fresh_client(api_for, auditor_north)
    # Sign-in lookups, recording the read (a savepoint, on PostgreSQL the chain's
    # lock, the chain's last entry, the insert, the release), and the page itself.
    with django_assert_max_num_queries(7) as few:
        response_few = client.get(API)
    for _ in range(45):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    client = _fresh_client(api_for, auditor_north)
    # when
    with django_assert_max_num_queries(7) as many:
        response_many = client.get(API, {"page_size": 100})
    # then
    assert len(response_few.json()["results"]) == 5
    assert len(response_many.json()["results"]) == 51
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_list_pages_by_cursor_newest_first(auditor_north, officer_north, api_for):
    # given
    for _ in range(30):
        access_log_record(actor=officer_north.user, action="cases.case.viewed")
    client = api_for(auditor_north)
    # when
    first_page = client.get(API, {"page_size": 20})
    second_page = client.get(first_page.json()["next"])
    # then: each read is written after its page (31, 32), so neither moves the cursor
    assert _sequences(first_page) == list(range(30, 10, -1))
    assert _sequences(second_page) == list(range(10, 0, -1))
    assert second_page.json()["next"] is None
