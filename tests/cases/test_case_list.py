"""The case list (issue 18): open cases by default, a filter for closed or all; the
filter panel (selected filters, each removable, and Clear filters) without
JavaScript; the order by date received either way, in the page and the API, paged by
keyset; the shared risk level and the next duty due as columns, each read in one
query for the page's cases and only for those who may see them."""

import html
import re
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from agencies.models import AccessLogEntry, Role
from cases.list_columns import CaseListColumn, case_list_column_register, case_list_columns
from cases.models import Case, CaseStatus
from safeguarding.models import CasePriority
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)
from tests.helpers import ACCESS_LOG_QUERIES
from welfare.models import DutyKind, DutyStatus, DutyTrigger
from welfare.services.duties import duty_open

# A Monday in June 2026, mid-morning in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
CASES_API = "/api/v1/cases/"

pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def mash(db):
    from tests.factories import AgencyFactory

    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_mash(mash):
    membership = MembershipFactory(
        agency=mash, role=Role.MASH_COORDINATOR, user__username="coordinator.mash"
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


def _case(agency, reference, received_on=date(2026, 3, 2), **fields) -> Case:
    return CaseFactory(owning_agency=agency, reference=reference, received_on=received_on, **fields)


def _closed(agency, reference, received_on=date(2026, 3, 2)) -> Case:
    return _case(
        agency,
        reference,
        received_on,
        status=CaseStatus.CLOSED,
        closing_reason="no_crime",
        closed_on=received_on,
    )


def _level(case, level, rank, grade=""):
    return CasePriority.objects.create(
        case=case,
        agency_id=case.owning_agency_id,
        level=level,
        level_rank=rank,
        band=0 if level == "critical" else 1,
        agency_grade=grade,
        received_on=case.received_on,
        action_due_at=datetime(2026, 3, 30, 16, 0, tzinfo=UTC),
    )


def _duty(case, due_at, *, role="suspect", kind=DutyKind.WELFARE_SCREENING, status=None):
    party = PartyFactory(case=case, role=role)
    duty = duty_open(
        actor=None,
        case=case,
        party=party,
        kind=kind,
        trigger=DutyTrigger.EVENT,
        reason="Suspect arrested on 10 June 2026",
        due_at=due_at,
        source_key=f"test:{party.pk}:{kind}:{due_at.isoformat()}",
    )
    if status:
        duty.status = status
        duty.resolved_at = NOW
        duty.save(update_fields=["status", "resolved_at"])
    return duty


def _listed(response) -> list[str]:
    return [case.reference for case in response.context["cases"]]


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _cells(response, reference) -> list[str]:
    """The text of each cell of the row of the case `reference`."""
    page = _page(response)
    row = re.search(
        rf"<tr class=\"govuk-table__row\">\s*<th[^>]*><a[^>]*>{reference}</a>.*?</tr>", page, re.S
    )
    assert row, f"no row for {reference}"
    cells = re.findall(r"<td class=\"govuk-table__cell[^\"]*\">(.*?)</td>", row.group(0), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in cells]


def _headings(response) -> list[str]:
    head = re.search(r"<thead.*?</thead>", _page(response), re.S).group(0)
    cells = re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)
    return [
        " ".join(
            re.sub(r"<span class=\"govuk-visually-hidden\">.*?</span>|<[^>]+>", " ", c).split()
        )
        for c in cells
    ]


# --- Open cases by default


def test_the_list_shows_open_cases_unless_asked_for_closed_or_all(
    officer_north, north, browser_for
):
    # given
    _case(north, "NP-2026-000001", date(2026, 3, 1))
    _closed(north, "NP-2026-000002", date(2026, 4, 1))
    client = browser_for(officer_north)
    # when
    default = client.get("/cases/")
    closed = client.get("/cases/", {"status": "closed"})
    every = client.get("/cases/", {"status": "all"})
    # then
    assert _listed(default) == ["NP-2026-000001"]
    assert "Open cases, most recently received first" in _page(default)
    assert _listed(closed) == ["NP-2026-000002"]
    assert _listed(every) == ["NP-2026-000002", "NP-2026-000001"]


def test_the_api_still_lists_open_and_closed_cases_when_no_status_is_given(
    officer_north, north, api_for
):
    # given
    _case(north, "NP-2026-000001", date(2026, 3, 1))
    _closed(north, "NP-2026-000002", date(2026, 4, 1))
    # when
    response = api_for(officer_north).get(CASES_API)
    # then
    assert [row["reference"] for row in response.json()["results"]] == [
        "NP-2026-000002",
        "NP-2026-000001",
    ]


# --- The filter panel


def test_the_panel_shows_each_selected_filter_with_a_link_that_removes_it(
    officer_north, north, browser_for
):
    # given
    _case(north, "NP-2026-000001", source="school")
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/", {"source": "school", "q": "NP", "ordering": "received_on"})
    # then
    selected = {f.label: f for f in response.context["selected_filters"]}
    assert [(f.label, f.value) for f in response.context["selected_filters"]] == [
        ("Reference, title or name", "NP"),
        ("Status", "Open"),
        ("Source", "School"),
    ]
    # Removing one keeps the others and the order, and starts at the first page.
    without_source = parse_qs(urlsplit(selected["Source"].remove_url).query)
    assert without_source == {"q": ["NP"], "status": ["open"], "ordering": ["received_on"]}
    # Removing the status filter shows open and closed cases.
    without_status = parse_qs(urlsplit(selected["Status"].remove_url).query)
    assert without_status["status"] == ["all"]
    page = _page(response)
    assert "Selected filters" in page
    assert "Remove this filter: </span>Source: School" in page
    assert 'href="/cases/?status=all&amp;ordering=received_on">Clear filters</a>' in (
        response.content.decode()
    )


def test_clear_filters_lists_every_case_and_nothing_is_selected(officer_north, north, browser_for):
    # given
    _case(north, "NP-2026-000001", date(2026, 3, 1))
    _closed(north, "NP-2026-000002", date(2026, 4, 1))
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/", {"status": "all"})
    # then
    assert response.context["selected_filters"] == []
    assert "Selected filters" not in _page(response)
    assert _listed(response) == ["NP-2026-000002", "NP-2026-000001"]


def test_the_panel_is_a_plain_get_form_with_one_button(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    page = _page(client.get("/cases/"))
    # then: it works without JavaScript
    assert '<form method="get" action="/cases/" novalidate>' in page
    assert ">Apply filters</button>" in page
    assert 'name="status" type="radio" value="open" checked' in page


def test_a_bad_filter_is_named_in_the_error_summary_and_lists_nothing(
    officer_north, north, browser_for
):
    # given
    _case(north, "NP-2026-000001")
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/", {"received_from": "31/2/2026"})
    # then
    assert '<a href="#id_received_from">Enter a real date, for example 27/03/2026.</a>' in (
        response.content.decode()
    )
    assert response.context["cases"] == []


# --- The order


def test_the_list_sorts_by_date_received_either_way(officer_north, north, browser_for):
    # given
    _case(north, "NP-2026-000001", date(2026, 3, 1))
    _case(north, "NP-2026-000002", date(2026, 5, 1))
    _case(north, "NP-2026-000003", date(2026, 4, 1))
    client = browser_for(officer_north)
    # when
    newest = client.get("/cases/")
    oldest = client.get("/cases/", {"ordering": "received_on"})
    # then
    assert _listed(newest) == ["NP-2026-000002", "NP-2026-000003", "NP-2026-000001"]
    assert _listed(oldest) == ["NP-2026-000001", "NP-2026-000003", "NP-2026-000002"]
    assert 'aria-sort="descending"' in newest.content.decode()
    assert 'aria-sort="ascending"' in oldest.content.decode()
    assert "oldest received first" in _page(oldest)
    # The Received heading links to the other order.
    assert parse_qs(urlsplit(newest.context["received_sort_url"]).query)["ordering"] == [
        "received_on"
    ]


def test_the_oldest_first_order_pages_by_keyset_without_skipping_or_repeating(
    officer_north, north, browser_for
):
    # given: 27 cases, several received on the same day
    for number in range(1, 28):
        _case(north, f"NP-2026-{number:06d}", date(2026, 3, number % 9 + 1))
    client = browser_for(officer_north)
    # when
    first = client.get("/cases/", {"ordering": "received_on"})
    second = client.get(
        "/cases/", {"ordering": "received_on", "cursor": first.context["page"].next_cursor}
    )
    # then
    listed = _listed(first) + _listed(second)
    assert len(_listed(first)) == 25
    assert len(listed) == len(set(listed)) == 27
    received = [case.received_on for case in [*first.context["cases"], *second.context["cases"]]]
    assert received == sorted(received)


def test_the_api_sorts_by_ordering_and_its_cursor_keeps_to_it(officer_north, north, api_for):
    # given
    for number in range(1, 6):
        _case(north, f"NP-2026-{number:06d}", date(2026, 3, number))
    client = api_for(officer_north)
    # when
    first = client.get(f"{CASES_API}?ordering=received_on&page_size=2").json()
    second = client.get(first["next"]).json()
    mixed = client.get(
        f"{CASES_API}?ordering=-received_on&cursor={parse_qs(urlsplit(first['next']).query)['cursor'][0]}"
    )
    # then
    assert [row["reference"] for row in first["results"] + second["results"]] == [
        "NP-2026-000001",
        "NP-2026-000002",
        "NP-2026-000003",
        "NP-2026-000004",
    ]
    # A cursor of one order is not one for the other.
    assert mixed.status_code == 400
    assert set(mixed.json()["errors"]) == {"cursor"}


@pytest.mark.parametrize("ordering", ["reference", "", "-level"])
def test_the_api_refuses_an_order_it_does_not_offer(officer_north, api_for, ordering):
    # when
    response = api_for(officer_north).get(f"{CASES_API}?ordering={ordering}")
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"ordering": [f'"{ordering}" is not a valid choice.']}


# --- The risk level and next duty columns


def test_each_case_shows_its_shared_level_with_the_agencys_grade_and_unknown_when_unassessed(
    officer_north, north, browser_for
):
    # given
    high = _case(north, "NP-2026-000001")
    _level(high, "high", 1, grade="Priority 2")
    _case(north, "NP-2026-000002")
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/")
    # then
    assert _headings(response)[:4] == ["Case", "Status", "Risk level", "Next duty due"]
    assert _cells(response, "NP-2026-000001")[1] == "high Priority 2"
    assert 'govuk-tag--orange">high<' in response.content.decode()
    # Unknown is never shown as low.
    assert _cells(response, "NP-2026-000002")[1] == "unknown"


def test_each_case_shows_its_next_open_duty_and_how_late_it_is(officer_north, north, browser_for):
    # given
    case = _case(north, "NP-2026-000001")
    _duty(case, datetime(2026, 6, 20, 16, 0, tzinfo=UTC))
    _duty(case, datetime(2026, 6, 12, 16, 0, tzinfo=UTC))  # the Friday before: late
    _duty(case, datetime(2026, 6, 1, 16, 0, tzinfo=UTC), status=DutyStatus.MET)
    _case(north, "NP-2026-000002")
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/")
    # then
    next_due = _cells(response, "NP-2026-000001")[2]
    assert next_due.startswith("Screen the suspect for suicide risk")
    assert "12 Jun 2026, 17:00" in next_due
    assert "late" in next_due
    assert 'govuk-tag--red">' in _page(response)
    assert _cells(response, "NP-2026-000002")[2] == "None open"


def test_the_next_duty_is_one_the_reader_is_cleared_to_see(
    officer_north, north, browser_for, monkeypatch
):
    # given: generalist officers are, for this test, not cleared for suspects
    from agencies import access
    from agencies.models import Compartment

    monkeypatch.setitem(
        access.ROLE_CLEARANCES,
        Role.GENERALIST_OFFICER,
        access.ROLE_CLEARANCES[Role.GENERALIST_OFFICER] - {Compartment.SUSPECT},
    )
    case = _case(north, "NP-2026-000001")
    _duty(case, datetime(2026, 6, 16, 16, 0, tzinfo=UTC))  # about the suspect
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/")
    # then
    assert _cells(response, "NP-2026-000001")[2] == "None open"


def test_a_granted_agency_sees_the_shared_level_but_no_duty_column(
    coordinator_mash, north, mash, browser_for
):
    # given: duties are the police force's; risk is shared with whoever sees the case
    case = _case(north, "NP-2026-000001")
    _level(case, "critical", 0, grade="Priority 1")
    _duty(case, datetime(2026, 6, 16, 16, 0, tzinfo=UTC))
    grant_case(case, mash)
    client = browser_for(coordinator_mash)
    # when
    response = client.get("/cases/")
    # then
    assert _listed(response) == ["NP-2026-000001"]
    headings = _headings(response)
    assert "Risk level" in headings
    assert "Next duty due" not in headings
    assert _cells(response, "NP-2026-000001")[1] == "critical Priority 1"


def test_the_duties_shown_are_named_in_the_access_log(officer_north, north, browser_for):
    # given
    case = _case(north, "NP-2026-000001")
    duty = _duty(case, datetime(2026, 6, 16, 16, 0, tzinfo=UTC))
    client = browser_for(officer_north)
    # when
    client.get("/cases/")
    # then
    entry = AccessLogEntry.objects.filter(user=officer_north.user).latest("id")
    assert f"case:{case.pk}" in entry.record_ids
    assert f"duty:{duty.pk}" in entry.record_ids


def test_columns_show_in_the_order_of_their_position(officer_north, north, monkeypatch):
    # given
    from cases import list_columns

    monkeypatch.setattr(list_columns, "_providers", [])
    case_list_column_register(
        "second", lambda actor, cases: CaseListColumn("Second", "t.html"), position=20
    )
    case_list_column_register(
        "first",
        lambda actor, cases: CaseListColumn("First", "t.html", {cases[0].pk: 1}),
        position=10,
    )
    case_list_column_register("hidden", lambda actor, cases: None, position=15)
    case = _case(north, "NP-2026-000001")
    # when
    columns = case_list_columns(officer_north.user, [case])
    # then
    assert [column.heading for column in columns] == ["First", "Second"]
    assert [cell.value for cell in case.cells] == [1, None]


# --- Queries


def _filled(north, count):
    for number in range(count):
        case = _case(north, f"NP-2026-{number + 1:06d}")
        _level(case, "medium", 3)
        PartyFactory(case=case, role="victim")
        _duty(case, datetime(2026, 6, 16, 16, 0, tzinfo=UTC))
        _duty(case, datetime(2026, 6, 18, 16, 0, tzinfo=UTC))


@pytest.mark.parametrize("count", [5, 25])
def test_the_page_takes_the_same_queries_for_5_or_25_cases_with_their_columns(
    officer_north, north, browser_for, django_assert_max_num_queries, count
):
    # given
    _filled(north, count)
    client = browser_for(officer_north)
    # when: what any page costs (session, user, device, membership, the menu's counts,
    # the session saved: 8), the members and teams the filters offer (2), the cases,
    # their parties (2), and the columns' reads for the page's cases: the levels, the
    # duties, the working-day calendar (3); then the access-log entry naming the
    # cases and the duties shown
    with django_assert_max_num_queries(16 + ACCESS_LOG_QUERIES):
        response = client.get("/cases/", {"ordering": "received_on"})
    # then
    assert len(response.context["cases"]) == count


@pytest.mark.parametrize("count", [5, 30])
def test_the_api_takes_the_same_queries_for_5_or_30_cases_in_either_order(
    officer_north, north, api_for, django_assert_max_num_queries, count
):
    # given
    for number in range(count):
        _case(north, f"NP-2026-{number + 1:06d}")
    client = api_for(officer_north)
    # when
    with django_assert_max_num_queries(3 + ACCESS_LOG_QUERIES):
        response = client.get(f"{CASES_API}?page_size=100&ordering=received_on&status=open")
    # then
    assert len(response.json()["results"]) == count
