"""The case record through /api/v1/cases/: opening (references, bad input, retries),
the list (filters, order, pages, query count), reading, changing, closing and
history."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection

from agencies.models import AccessLogEntry, Role
from cases.models import Case, CaseReferenceCounter, MaterialSummary, Offence
from cases.services.cases import case_create
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TeamFactory,
    TOTPDeviceFactory,
)
from tests.helpers import ACCESS_LOG_QUERIES

CASES = "/api/v1/cases/"
# A Monday in June 2026, mid-morning in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
TODAY = date(2026, 6, 15)


pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def prefixed(north, south):
    north.case_reference_prefix = "NP"
    north.save(update_fields=["case_reference_prefix"])
    south.case_reference_prefix = "SP"
    south.save(update_fields=["case_reference_prefix"])


@pytest.fixture
def investigator_north(north, north_team):
    membership = MembershipFactory(
        agency=north,
        role=Role.SPECIALIST_INVESTIGATOR,
        team=north_team,
        user__username="investigator.north",
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def _detail(case) -> str:
    return f"{CASES}{case.id}/"


def _body(**overrides) -> dict:
    return {
        "title": "Indecent images reported by NCMEC",
        "source": "nca_industry_report",
        "source_reference": "CT-12345",
        "received_on": "2026-06-10",
        **overrides,
    }


def _snapshot(case) -> dict:
    case.refresh_from_db()
    return {
        "title": case.title,
        "summary": case.summary,
        "status": case.status,
        "received_on": case.received_on,
        "opened_on": case.opened_on,
        "lead_officer_id": case.lead_officer_id,
        "team_id": case.team_id,
        "version": case.version,
        "history": case.history.count(),
    }


def _log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


# --- Opening a case: the reference


def test_opening_two_cases_numbers_them_in_sequence(prefixed, officer_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    first = client.post(CASES, _body(), format="json")
    second = client.post(CASES, _body(title="Second case"), format="json")
    # then
    assert first.status_code == 201
    assert second.status_code == 201
    assert first.json()["reference"] == "NP-2026-000001"
    assert second.json()["reference"] == "NP-2026-000002"
    assert list(CaseReferenceCounter.objects.values_list("year", "last_number")) == [(2026, 2)]


def test_a_case_received_in_another_year_starts_that_years_sequence(
    prefixed, officer_north, api_for
):
    # given
    client = api_for(officer_north)
    client.post(CASES, _body(), format="json")
    # when
    last_year = client.post(CASES, _body(received_on="2025-12-31"), format="json")
    last_year_again = client.post(CASES, _body(received_on="2025-11-03"), format="json")
    this_year = client.post(CASES, _body(), format="json")
    # then
    assert last_year.json()["reference"] == "NP-2025-000001"
    assert last_year_again.json()["reference"] == "NP-2025-000002"
    assert this_year.json()["reference"] == "NP-2026-000002"


def test_each_agency_numbers_with_its_own_prefix(prefixed, officer_north, officer_south, api_for):
    # given
    api_for(officer_north).post(CASES, _body(), format="json")
    # when
    response = api_for(officer_south).post(CASES, _body(), format="json")
    # then
    assert response.status_code == 201
    assert response.json()["reference"] == "SP-2026-000001"
    assert response.json()["owning_agency"] == "southshire-police"


def test_a_refused_case_uses_no_number(prefixed, officer_north, api_for):
    # given
    client = api_for(officer_north)
    refused = client.post(CASES, _body(received_on="2026-06-16"), format="json")
    # when
    response = client.post(CASES, _body(), format="json")
    # then
    assert refused.status_code == 400
    assert response.json()["reference"] == "NP-2026-000001"


def test_opening_a_case_answers_the_case_with_its_location_and_etag(
    prefixed, officer_north, api_for
):
    # given
    client = api_for(officer_north)
    # when
    response = client.post(
        CASES,
        _body(summary="Two uploads flagged.", lead_officer="officer.north"),
        format="json",
    )
    # then
    assert response.status_code == 201
    case = Case.objects.get()
    body = response.json()
    assert response["Location"] == f"/api/v1/cases/{case.id}/"
    assert response["ETag"] == '"1"'
    assert body == {
        "id": str(case.id),
        "reference": "NP-2026-000001",
        "title": "Indecent images reported by NCMEC",
        "summary": "Two uploads flagged.",
        "status": "open",
        "closing_reason": "",
        "closing_note": "",
        "owning_agency": "northshire-police",
        "lead_officer": {
            "username": "officer.north",
            "full_name": officer_north.user.get_full_name(),
        },
        "team": None,
        "source": "nca_industry_report",
        "source_reference": "CT-12345",
        "received_on": "2026-06-10",
        "opened_on": "2026-06-15",
        "closed_on": None,
        "version": 1,
        "created_at": body["created_at"],
        "updated_at": body["updated_at"],
    }
    assert case.created_by == officer_north.user
    history = case.history.get()
    assert (history.history_type, history.history_change_reason) == ("+", "case opened")
    assert history.history_user == officer_north.user
    [entry] = _log("cases.case.created")
    assert entry.object_id == str(case.id)
    assert entry.object_agency_slug == "northshire-police"
    assert entry.justification == "lead officer"


def test_a_case_can_be_opened_with_a_team_of_the_agency(
    prefixed, officer_north, north_team, api_for
):
    # when
    response = api_for(officer_north).post(CASES, _body(team=str(north_team.id)), format="json")
    # then
    assert response.status_code == 201
    assert response.json()["team"] == {"id": str(north_team.id), "name": "Online CSA Team"}


def test_the_reference_counter_is_locked_while_a_number_is_taken(prefixed, officer_north):
    # given: every statement that reads the counter row
    from django.test.utils import CaptureQueriesContext

    # when
    with CaptureQueriesContext(connection) as queries:
        case_create(
            actor=officer_north.user,
            title="A case",
            source="school",
            received_on=date(2026, 6, 1),
        )
    # then: on PostgreSQL the row is read FOR UPDATE; SQLite locks the whole database
    counter_reads = [
        q["sql"]
        for q in queries.captured_queries
        if "cases_casereferencecounter" in q["sql"] and q["sql"].startswith("SELECT")
    ]
    assert counter_reads
    if connection.features.has_select_for_update:
        assert all("FOR UPDATE" in sql for sql in counter_reads)


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite cannot run writers side by side"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_openings_never_share_a_reference(north, officer_north):
    # given
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    north.case_reference_prefix = "NP"
    north.save(update_fields=["case_reference_prefix"])
    user = officer_north.user

    def open_one(n: int) -> str:
        try:
            user_copy = type(user).objects.get(pk=user.pk)
            return case_create(
                actor=user_copy, title=f"Case {n}", source="school", received_on=date(2026, 6, 1)
            ).reference
        finally:
            connections.close_all()

    # when
    with ThreadPoolExecutor(max_workers=6) as pool:
        references = list(pool.map(open_one, range(12)))
    # then
    assert sorted(references) == [f"NP-2026-{n:06d}" for n in range(1, 13)]


# --- Opening a case: bad input


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_on": "2026-06-16"}, "received_on"),
        ({"opened_on": "2026-06-16"}, "opened_on"),
        ({"received_on": "2026-06-10", "opened_on": "2026-06-09"}, "opened_on"),
        ({"source": "rumour"}, "source"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"received_on": "10/06/2026"}, "received_on"),
        ({"lead_officer": "officer.south"}, "lead_officer"),
        ({"lead_officer": "admin.north"}, "lead_officer"),
    ],
    ids=[
        "received-tomorrow",
        "opened-tomorrow",
        "opened-before-received",
        "unknown-source",
        "no-title",
        "blank-title",
        "malformed-date",
        "lead-of-another-force",
        "lead-not-a-caseworker",
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_stored(
    prefixed, officer_north, officer_south, admin_north, api_for, overrides, field
):
    # given
    client = api_for(officer_north)
    # when
    response = client.post(CASES, _body(**overrides), format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Case.objects.count() == 0
    assert Case.history.count() == 0
    assert CaseReferenceCounter.objects.filter(last_number__gt=0).count() == 0
    assert _log("cases.case.created") == []


def test_a_team_of_another_agency_is_refused(prefixed, officer_north, south, api_for):
    # given
    their_team = TeamFactory(agency=south)
    # when
    response = api_for(officer_north).post(CASES, _body(team=str(their_team.id)), format="json")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"team": ["Choose a team of your agency."]}
    assert Case.objects.count() == 0


@pytest.mark.parametrize("persona", ["caseworker_harbour", "auditor_north", "admin_north"])
def test_roles_without_casework_cannot_open_a_case(prefixed, request, api_for, persona):
    # given
    client = api_for(request.getfixturevalue(persona))
    # when
    response = client.post(CASES, _body(), format="json")
    # then
    assert response.status_code == 403
    assert Case.objects.count() == 0


# --- Opening a case: retries


def test_the_same_idempotency_key_opens_one_case(prefixed, officer_north, api_for):
    # given
    client = api_for(officer_north)
    first = client.post(CASES, _body(), format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    # when
    again = client.post(CASES, _body(), format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    # then
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert again["Location"] == first["Location"]
    assert Case.objects.count() == 1
    assert CaseReferenceCounter.objects.get().last_number == 1


def test_the_same_idempotency_key_with_another_body_is_refused(prefixed, officer_north, api_for):
    # given
    client = api_for(officer_north)
    client.post(CASES, _body(), format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    # when
    response = client.post(
        CASES, _body(title="Different"), format="json", HTTP_IDEMPOTENCY_KEY="open-1"
    )
    # then
    assert response.status_code == 422
    assert list(Case.objects.values_list("title", flat=True)) == [
        "Indecent images reported by NCMEC"
    ]


def test_a_refused_create_can_be_retried_with_the_same_key(prefixed, officer_north, api_for):
    # given
    client = api_for(officer_north)
    client.post(
        CASES, _body(received_on="2026-06-16"), format="json", HTTP_IDEMPOTENCY_KEY="open-1"
    )
    # when
    response = client.post(CASES, _body(), format="json", HTTP_IDEMPOTENCY_KEY="open-1")
    # then
    assert response.status_code == 201
    assert response.json()["reference"] == "NP-2026-000001"


# --- The list


def _titles(response) -> list[str]:
    return [case["title"] for case in response.json()["results"]]


def test_the_list_holds_the_agencys_cases_newest_received_first(
    north, south, officer_north, api_for
):
    # given
    CaseFactory(owning_agency=north, title="March", received_on=date(2026, 3, 2))
    CaseFactory(owning_agency=north, title="May", received_on=date(2026, 5, 2))
    CaseFactory(owning_agency=north, title="April", received_on=date(2026, 4, 2))
    CaseFactory(owning_agency=south, title="Southshire's", received_on=date(2026, 6, 1))
    # when
    response = api_for(officer_north).get(CASES)
    # then
    assert response.status_code == 200
    assert _titles(response) == ["May", "April", "March"]
    assert set(response.json()) == {"next", "previous", "results"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=closed", ["Closed"]),
        ("status=open", ["School", "Helpline", "Led", "Team"]),
        ("source=school", ["School"]),
        ("lead=officer.north", ["Led"]),
        ("lead=nobody.at.all", []),
        ("received_from=2026-05-01", ["School", "Helpline"]),
        ("received_to=2026-02-01", ["Led", "Team", "Closed"]),
        ("received_from=2026-01-15&received_to=2026-05-01", ["Helpline", "Led"]),
        ("q=NP-2026-000003", ["Helpline"]),
        ("q=helpline", ["Helpline"]),
    ],
)
def test_the_list_filters(north, north_team, officer_north, api_for, query, expected):
    # given
    CaseFactory(owning_agency=north, title="School", source="school", received_on=date(2026, 6, 1))
    CaseFactory(
        owning_agency=north,
        title="Helpline",
        source="helpline",
        reference="NP-2026-000003",
        received_on=date(2026, 5, 1),
    )
    CaseFactory(
        owning_agency=north,
        title="Led",
        lead_officer=officer_north.user,
        received_on=date(2026, 1, 20),
    )
    CaseFactory(owning_agency=north, title="Team", team=north_team, received_on=date(2026, 1, 10))
    CaseFactory(
        owning_agency=north,
        title="Closed",
        status="closed",
        closing_reason="no_crime",
        closed_on=date(2026, 1, 10),
        received_on=date(2026, 1, 5),
    )
    # when
    response = api_for(officer_north).get(f"{CASES}?{query}")
    # then
    assert response.status_code == 200
    assert _titles(response) == expected


def test_the_list_filters_by_team(north, north_team, officer_north, api_for):
    # given
    CaseFactory(owning_agency=north, title="Team", team=north_team)
    CaseFactory(owning_agency=north, title="No team")
    # when
    response = api_for(officer_north).get(f"{CASES}?team={north_team.id}")
    # then
    assert _titles(response) == ["Team"]


def test_free_text_finds_cases_by_a_partys_names_and_aliases(north, officer_north, api_for):
    # given
    victim = PartyFactory(
        case=CaseFactory(owning_agency=north, title="First"),
        role="victim",
        person__first_name="Morwenna",
        person__last_name="Quillfeather",
        person__aliases="Wenna Q",
    )
    CaseFactory(owning_agency=north, title="Second")
    client = api_for(officer_north)
    # when
    by_first = client.get(f"{CASES}?q=morwenna")
    by_full_name = client.get(f"{CASES}?q=Morwenna Quillfeather")
    by_alias = client.get(f"{CASES}?q=wenna q")
    by_nothing = client.get(f"{CASES}?q=Nobody Quillfeather")
    # then
    assert _titles(by_first) == ["First"]
    assert _titles(by_full_name) == ["First"]
    assert _titles(by_alias) == ["First"]
    assert _titles(by_nothing) == []
    assert victim.case.title == "First"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("status=pending", "status"),
        ("source=rumour", "source"),
        ("team=not-a-uuid", "team"),
        ("received_from=2026-05-02&received_to=2026-05-01", "received_to"),
    ],
)
def test_bad_filters_are_refused_naming_the_filter(officer_north, api_for, query, field):
    # when
    response = api_for(officer_north).get(f"{CASES}?{query}")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_the_list_pages_by_cursor_without_skipping_or_repeating(north, officer_north, api_for):
    # given: several cases received on the same day
    for n in range(5):
        CaseFactory(owning_agency=north, title=f"Case {n}", received_on=date(2026, 6, n % 2 + 1))
    client = api_for(officer_north)
    # when
    seen = []
    url = f"{CASES}?page_size=2"
    while url:
        page = client.get(url).json()
        seen.extend(case["title"] for case in page["results"])
        url = page["next"]
    # then
    assert sorted(seen) == [f"Case {n}" for n in range(5)]
    assert len(seen) == 5


def _cases_with_parties(agency, count: int) -> None:
    for _ in range(count):
        case = CaseFactory(owning_agency=agency, lead_officer=None)
        for role in ("victim", "suspect", "witness"):
            PartyFactory(case=case, role=role)


@pytest.mark.parametrize("count", [5, 30])
def test_the_list_takes_the_same_queries_for_5_or_30_cases(
    north, north_team, officer_north, api_for, django_assert_max_num_queries, count
):
    # given
    _cases_with_parties(north, count)
    for case in Case.objects.all()[:3]:
        case.team = north_team
        case.lead_officer = officer_north.user
        case.save(update_fields=["team", "lead_officer"])
    client = api_for(officer_north)
    # when: the caller's membership, the content type of grants (cached after the
    # first use), the cases with their agency, lead and team; the access-log entry
    with django_assert_max_num_queries(3 + ACCESS_LOG_QUERIES):
        response = client.get(f"{CASES}?page_size=100&q=Fictional")
    # then
    assert len(response.json()["results"]) == count


# --- Reading one case


def test_reading_a_case_answers_it_with_its_etag_and_logs_the_read(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north, version=3)
    # when
    response = api_for(officer_north).get(_detail(case))
    # then
    assert response.status_code == 200
    assert response.json()["reference"] == case.reference
    assert response["ETag"] == '"3"'
    [entry] = _log("cases.case.viewed")
    assert (entry.object_type, entry.object_id) == ("case", str(case.id))
    assert entry.object_agency_slug == "northshire-police"
    assert entry.outcome == "allowed"


def test_another_forces_case_is_not_found_and_the_refusal_is_logged(south, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=south)
    # when
    response = api_for(officer_north).get(_detail(case))
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    [entry] = AccessLogEntry.objects.filter(object_id=str(case.id))
    assert (entry.action, entry.outcome, entry.object_type) == (
        "cases.case.view",
        "denied",
        "case",
    )
    assert _log("cases.case.viewed") == []


def test_a_case_that_does_not_exist_is_not_found(officer_north, api_for):
    logged = AccessLogEntry.objects.count()
    # when
    response = api_for(officer_north).get(f"{CASES}00000000-0000-0000-0000-000000000000/")
    # then
    assert response.status_code == 404
    # and the request wrote nothing to the access log but its refusal: nothing was read
    written = AccessLogEntry.objects.order_by("sequence")[logged:]
    assert {entry.outcome for entry in written} <= {"denied"}


# --- Changing a case


def test_a_change_needs_if_match(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    before = _snapshot(case)
    # when
    response = api_for(officer_north).patch(_detail(case), {"title": "Renamed"}, format="json")
    # then
    assert response.status_code == 428
    assert _snapshot(case) == before


def test_a_stale_change_is_refused(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north, version=2)
    before = _snapshot(case)
    # when
    response = api_for(officer_north).patch(
        _detail(case), {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 2
    assert _snapshot(case) == before


def test_a_change_with_a_reason_is_saved_with_its_history(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    client = api_for(officer_north)
    # when
    response = client.patch(
        _detail(case),
        {"title": "Renamed", "summary": "More known now.", "reason": "clearer title"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["title"] == "Renamed"
    case.refresh_from_db()
    assert (case.title, case.summary, case.version) == ("Renamed", "More known now.", 2)
    latest = case.history.latest()
    assert latest.history_change_reason == "clearer title"
    assert latest.history_user == officer_north.user
    [entry] = _log("cases.case.changed")
    assert entry.justification.endswith("; clearer title")


def test_a_change_without_a_reason_says_what_changed(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    # when
    api_for(officer_north).patch(
        _detail(case), {"source_reference": "X-1", "title": "T"}, format="json", HTTP_IF_MATCH="1"
    )
    # then
    assert case.history.latest().history_change_reason == "changed source_reference, title"


def test_the_lead_officer_and_team_can_be_changed_and_cleared(
    north, north_team, officer_north, api_for
):
    # given
    case = CaseFactory(owning_agency=north)
    client = api_for(officer_north)
    # when
    assigned = client.patch(
        _detail(case),
        {"lead_officer": "officer.north", "team": str(north_team.id)},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    cleared = client.patch(
        _detail(case), {"lead_officer": None, "team": None}, format="json", HTTP_IF_MATCH='"2"'
    )
    # then
    assert assigned.json()["lead_officer"]["username"] == "officer.north"
    assert assigned.json()["team"]["id"] == str(north_team.id)
    assert cleared.json()["lead_officer"] is None
    assert cleared.json()["team"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"received_on": "2026-06-16"}, "received_on"),
        ({"opened_on": "2026-03-01"}, "opened_on"),
        ({"source": "rumour"}, "source"),
        ({"title": " "}, "title"),
        ({"lead_officer": "officer.south"}, "lead_officer"),
        ({"reason": "x" * 101}, "reason"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field(
    north, officer_north, officer_south, api_for, change, field
):
    # given: received and opened on 2 March
    case = CaseFactory(owning_agency=north)
    before = _snapshot(case)
    # when
    response = api_for(officer_north).patch(
        _detail(case), change, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _snapshot(case) == before


def test_fields_that_are_not_editable_are_ignored_not_stored(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north, reference="NP-2026-000009")
    # when
    response = api_for(officer_north).patch(
        _detail(case),
        {"reference": "NP-2026-999999", "status": "closed", "title": "Renamed"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.reference, case.status, case.title) == ("NP-2026-000009", "open", "Renamed")


def test_a_closed_case_cannot_be_changed(north, officer_north, api_for):
    # given
    case = CaseFactory(
        owning_agency=north, status="closed", closing_reason="no_crime", closed_on=TODAY
    )
    before = _snapshot(case)
    # when
    response = api_for(officer_north).patch(
        _detail(case), {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "A closed case cannot be changed.", "state": "closed"}
    assert _snapshot(case) == before


def test_another_forces_case_cannot_be_changed(south, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=south)
    before = _snapshot(case)
    # when
    response = api_for(officer_north).patch(
        _detail(case), {"title": "Renamed"}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 404
    assert _snapshot(case) == before


# --- Closing a case


def _close(case) -> str:
    return f"{_detail(case)}close/"


def test_closing_a_case(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    # when
    response = api_for(officer_north).post(
        _close(case), {"closing_reason": "no_crime", "note": "Lawful images."}, format="json"
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    body = response.json()
    assert (body["status"], body["closing_reason"], body["closing_note"], body["closed_on"]) == (
        "closed",
        "no_crime",
        "Lawful images.",
        "2026-06-15",
    )
    case.refresh_from_db()
    assert (case.status, case.version) == ("closed", 2)
    latest = case.history.latest()
    assert latest.history_change_reason == "closed: no crime"
    assert latest.history_user == officer_north.user
    [entry] = _log("cases.case.closed")
    assert entry.object_id == str(case.id)


def test_closing_a_closed_case_names_its_state(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    client = api_for(officer_north)
    client.post(_close(case), {"closing_reason": "no_crime"}, format="json")
    before = _snapshot(case)
    # when
    response = client.post(_close(case), {"closing_reason": "duplicate"}, format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "This case is already closed.", "state": "closed"}
    assert _snapshot(case) == before
    assert Case.objects.get().closing_reason == "no_crime"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"closing_reason": "bored"}, "closing_reason"),
        ({}, "closing_reason"),
        ({"closing_reason": "other"}, "note"),
        ({"closing_reason": "no_crime", "closed_on": "2026-06-16"}, "closed_on"),
        ({"closing_reason": "no_crime", "closed_on": "2026-03-01"}, "closed_on"),
    ],
)
def test_a_bad_closing_is_refused_naming_the_field(north, officer_north, api_for, body, field):
    # given: opened on 2 March
    case = CaseFactory(owning_agency=north)
    before = _snapshot(case)
    # when
    response = api_for(officer_north).post(_close(case), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _snapshot(case) == before


# --- History


def _history(client, case) -> list[dict]:
    response = client.get(f"{_detail(case)}history/")
    assert response.status_code == 200
    return response.json()["results"]


def test_history_shows_each_change_with_who_and_why_newest_first(
    prefixed, officer_north, api_for, clock
):
    # given
    client = api_for(officer_north)
    case_id = client.post(CASES, _body(), format="json").json()["id"]
    case = Case.objects.get(pk=case_id)
    clock.shift(timedelta(minutes=1))
    client.patch(
        _detail(case),
        {"title": "Renamed", "reason": "clearer title"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    clock.shift(timedelta(minutes=1))
    client.post(_close(case), {"closing_reason": "duplicate"}, format="json")
    # when
    entries = _history(client, case)
    # then
    assert [
        (e["record_type"], e["change"], e["changed_by"], e["reason"], e["fields"]) for e in entries
    ] == [
        (
            "case",
            "changed",
            "officer.north",
            "closed: duplicate of another case",
            ["status", "closing_reason", "closed_on"],
        ),
        ("case", "changed", "officer.north", "clearer title", ["title"]),
        ("case", "created", "officer.north", "case opened", []),
    ]
    assert {e["record_id"] for e in entries} == {case_id}


def test_history_lists_party_and_offence_changes(north, officer_north, api_for, clock):
    # given
    client = api_for(officer_north)
    case = CaseFactory(owning_agency=north)
    clock.shift(timedelta(minutes=1))
    party = client.post(
        f"{_detail(case)}parties/",
        {"new_person": {"first_name": "Ffion", "last_name": "Fictional"}, "role": "victim"},
        format="json",
    ).json()
    clock.shift(timedelta(minutes=1))
    offence = client.post(
        f"{_detail(case)}offences/",
        {"offence_type": "sexual_extortion", "committed_from": "2026-05-01"},
        format="json",
    ).json()
    # when
    entries = _history(client, case)
    # then
    assert [(e["record_type"], e["record_id"], e["reason"]) for e in entries] == [
        ("offence", offence["id"], "offence recorded"),
        ("party", party["id"], "added as victim"),
        ("case", str(case.id), None),
    ]


def test_material_history_is_shown_only_to_roles_cleared_for_material(
    north, officer_north, investigator_north, api_for
):
    # given
    case = CaseFactory(owning_agency=north)
    MaterialSummary.objects.create(case=case, category_a_count=2, updated_by=officer_north.user)
    # when
    officers = _history(api_for(officer_north), case)
    investigators = _history(api_for(investigator_north), case)
    # then
    assert [e["record_type"] for e in officers] == ["case"]
    assert [e["record_type"] for e in investigators] == ["material", "case"]


def test_an_auditor_reads_the_history_but_not_the_case(north, auditor_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    case.title = "Renamed"
    case._change_reason = "clearer title"
    case.save()
    client = api_for(auditor_north)
    # when
    history = client.get(f"{_detail(case)}history/")
    detail = client.get(_detail(case))
    # then
    assert history.status_code == 200
    assert [e["reason"] for e in history.json()["results"]] == ["clearer title", None]
    assert detail.status_code == 404


def test_reading_history_is_logged(north, auditor_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    # when
    api_for(auditor_north).get(f"{_detail(case)}history/")
    # then
    [entry] = _log("cases.history.viewed")
    assert (entry.username, entry.object_id) == ("auditor.north", str(case.id))
    assert entry.justification == "own agency (northshire-police)"


def test_an_agency_without_a_prefix_takes_one_from_its_slug(officer_north, api_for):
    # when
    response = api_for(officer_north).post(CASES, _body(), format="json")
    # then
    assert response.status_code == 201
    assert response.json()["reference"] == "NORT-2026-000001"


def test_an_offence_recorded_with_its_parties_is_one_entry_and_a_later_link_another(
    north, officer_north, supervisor_north, api_for, clock
):
    # given
    case = CaseFactory(owning_agency=north)
    victim = PartyFactory(case=case, role="victim")
    suspect = PartyFactory(case=case, role="suspect")
    client = api_for(officer_north)
    offence_id = client.post(
        f"{_detail(case)}offences/",
        {
            "offence_type": "sexual_extortion",
            "committed_from": "2026-05-01",
            "parties": [str(victim.id)],
        },
        format="json",
    ).json()["id"]
    clock.shift(timedelta(minutes=1))
    offence = Offence.objects.get(pk=offence_id)
    offence._history_user = supervisor_north.user
    offence._change_reason = "suspect identified"
    offence.parties.add(suspect)
    # when
    entries = [e for e in _history(client, case) if e["record_type"] == "offence"]
    # then
    assert [(e["change"], e["changed_by"], e["reason"], e["fields"]) for e in entries] == [
        ("changed", "supervisor.north", "suspect identified", ["parties"]),
        ("created", "officer.north", "offence recorded", []),
    ]


def test_a_change_that_changes_nothing_keeps_the_version(north, officer_north, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    before = _snapshot(case)
    # when
    response = api_for(officer_north).patch(
        _detail(case), {"reason": "looked again"}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    assert _snapshot(case) == before
