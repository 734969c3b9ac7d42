"""The outcome report: its groups (defined once, covering every code once), the
counts and percentages for a year of the caller's own agency, the page with its
chart and table, and the CSV download."""

import csv
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Outcome, OutcomeCode
from cases.outcome_groups import GROUP_OF_CODE, OUTCOME_GROUPS, outcome_group_of
from cases.reports import outcome_report, percentage_of
from tests.factories import CaseFactory, PartyFactory, UserFactory

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
REPORT = "/api/v1/reports/outcomes/"
PAGE = "/reports/outcomes/"


class OutcomeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outcome

    case = factory.SubFactory(CaseFactory)
    suspect = factory.SubFactory(PartyFactory, case=factory.SelfAttribute("..case"), role="suspect")
    code = "1"
    outcome_on = factory.LazyFunction(lambda: date(2026, 4, 1))
    rationale = "For the report."
    recorded_by = factory.SubFactory(UserFactory)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _outcomes(agency, codes, *, on=date(2026, 4, 1)) -> None:
    case = CaseFactory(owning_agency=agency)
    for code in codes:
        OutcomeFactory(case=case, code=code, outcome_on=on)


# Seven outcomes, so that the percentages need rounding.
MIXED_YEAR = ["1", "1", "1A", "3", "22", "21", "15"]


def _groups(body) -> dict:
    return {g["key"]: (g["count"], g["percentage"]) for g in body["groups"]}


# --- The groups


def test_every_offered_code_is_in_exactly_one_group():
    # given
    placed = [code for group in OUTCOME_GROUPS.values() for code in group.codes]
    # then
    assert sorted(placed) == sorted(OutcomeCode.values)
    assert len(placed) == len(set(placed))
    assert "19" not in GROUP_OF_CODE


def test_the_groups_are_in_the_order_of_the_report():
    assert [group.label for group in OUTCOME_GROUPS.values()] == [
        "Charged or summonsed",
        "Caution",
        "Community or other resolution",
        "Other",
        "Not in the public interest",
        "Outcome 21",
        "Investigation complete: no suspect identified",
        "Evidential difficulties",
        "Action by another body",
    ]


@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("1A", "charged_or_summonsed"),
        ("2", "caution"),
        ("2A", "caution"),
        ("3", "caution"),
        ("3A", "caution"),
        # 4, taken into consideration, is not a caution
        ("4", "other"),
        ("22", "community_or_other_resolution"),
        ("17", "other"),
        ("10", "not_in_public_interest"),
        ("21", "outcome_21"),
        ("18", "no_suspect_identified"),
        ("16", "evidential_difficulties"),
        ("20", "action_by_another_body"),
    ],
)
def test_a_code_belongs_to_its_group(code, group):
    assert outcome_group_of(code) == group


@pytest.mark.parametrize(
    ("count", "total", "expected"),
    [
        (1, 7, "14.3"),
        (2, 7, "28.6"),
        (3, 7, "42.9"),
        (1, 8, "12.5"),
        (0, 0, "0.0"),
        (5, 5, "100.0"),
    ],
)
def test_percentages_have_one_decimal_place(count, total, expected):
    assert percentage_of(count, total) == Decimal(expected)


# --- The API


def test_the_report_counts_a_mixed_year(api_for, officer_north, north):
    # given
    _outcomes(north, MIXED_YEAR)
    # when
    response = api_for(officer_north).get(REPORT, {"year": 2026})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["agency"], body["total"]) == (2026, "northshire-police", 7)
    assert [g["key"] for g in body["groups"]] == list(OUTCOME_GROUPS)
    assert body["groups"][0] == {
        "key": "charged_or_summonsed",
        "label": "Charged or summonsed",
        "count": 3,
        "percentage": 42.9,
    }
    assert _groups(body) == {
        "charged_or_summonsed": (3, 42.9),
        "caution": (1, 14.3),
        "community_or_other_resolution": (1, 14.3),
        "other": (0, 0.0),
        "not_in_public_interest": (0, 0.0),
        "outcome_21": (1, 14.3),
        "no_suspect_identified": (0, 0.0),
        "evidential_difficulties": (1, 14.3),
        "action_by_another_body": (0, 0.0),
    }
    codes = {c["code"]: c["count"] for c in body["codes"]}
    assert list(codes) == OutcomeCode.values
    assert {code: n for code, n in codes.items() if n} == {
        "1": 2,
        "1A": 1,
        "3": 1,
        "15": 1,
        "21": 1,
        "22": 1,
    }
    assert body["codes"][1] == {
        "code": "1A",
        "label": "1A: Charged/summonsed – alternate offence",  # noqa: RUF001 (official)
        "count": 1,
    }


def test_the_report_leaves_out_other_agencies_and_other_years(api_for, officer_north, north, south):
    # given
    _outcomes(north, ["1", "18"])
    _outcomes(north, ["1"], on=date(2026, 1, 1))
    _outcomes(north, ["1"], on=date(2026, 12, 31))
    _outcomes(north, ["3", "3"], on=date(2025, 12, 31))
    _outcomes(north, ["3"], on=date(2027, 1, 1))
    _outcomes(south, ["1", "1", "21"])
    # when
    body = api_for(officer_north).get(REPORT, {"year": 2026}).json()
    # then
    assert body["total"] == 4
    assert _groups(body)["charged_or_summonsed"] == (3, 75.0)
    assert _groups(body)["no_suspect_identified"] == (1, 25.0)
    assert _groups(body)["caution"] == (0, 0.0)


def test_a_year_without_outcomes_has_every_group_at_zero(api_for, officer_north, north):
    # when
    body = api_for(officer_north).get(REPORT, {"year": 2025}).json()
    # then
    assert body["total"] == 0
    assert [(g["key"], g["count"], g["percentage"]) for g in body["groups"]] == [
        (key, 0, 0.0) for key in OUTCOME_GROUPS
    ]


def test_an_auditor_may_read_the_report(api_for, auditor_north, north):
    # given
    _outcomes(north, ["1"])
    # when
    response = api_for(auditor_north).get(REPORT, {"year": 2026})
    # then
    assert response.status_code == 200
    assert response.json()["total"] == 1


def test_a_year_in_the_future_is_refused_naming_year(api_for, officer_north):
    # when
    response = api_for(officer_north).get(REPORT, {"year": 2027})
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["The year must not be in the future."]}


@pytest.mark.parametrize("query", [{}, {"year": ""}, {"year": "last"}])
def test_a_missing_or_malformed_year_is_refused_naming_year(api_for, officer_north, query):
    # when
    response = api_for(officer_north).get(REPORT, query)
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


def test_the_report_query_count_does_not_grow_with_outcomes(api_for, officer_north, north):
    # given
    api = api_for(officer_north)
    _outcomes(north, ["1", "4", "21"])
    api.get(REPORT, {"year": 2026})  # the caller's membership is then cached on them
    with CaptureQueriesContext(connection) as three:
        api.get(REPORT, {"year": 2026})
    _outcomes(north, ["1", "4", "8", "9", "15", "18", "20", "22", "21"] * 3)
    # when
    with CaptureQueriesContext(connection) as thirty:
        body = api.get(REPORT, {"year": 2026}).json()
    # then
    assert body["total"] == 30
    assert len(thirty) == len(three) == 1


def test_the_selector_counts_in_one_query(officer_north, north, django_assert_num_queries):
    # given
    _outcomes(north, MIXED_YEAR * 4)
    officer_north.user._tideline_membership = officer_north
    # when
    with django_assert_num_queries(1):
        report = outcome_report(actor=officer_north.user, year=2026)
    # then
    assert report.total == 28


# --- The page


def _wide(html: str) -> str:
    """The page with only the charts' wide drawings (each is drawn for a narrow
    screen too)."""
    return re.sub(r'<svg class="tl-bar-chart__narrow".*?</svg>', "", html, flags=re.S)


def test_the_page_shows_the_chart_and_the_table(browser_for, officer_north, north):
    # given
    _outcomes(north, MIXED_YEAR)
    # when: the current year is the default
    response = browser_for(officer_north).get(PAGE)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Outcome report 2026</h1>' in html
    assert "<figure" in html
    assert "Outcomes in 2026 by group: 7 in all." in html
    assert 'role="img"' in html
    # a bar's length is its group's share of all outcomes (3 of 7 of the 560-wide
    # track); the numbers are there as text
    assert 'width="240" height="22" fill="#1d70b8"' in html
    assert 'width="80" height="22" fill="#1d70b8"' in html
    assert "Outcome 21" in html and "Used for imagery made by young people" in html
    assert "3 (42.9%)" in html
    assert "1 (14.3%)" in html
    assert "<script" not in html.split('<main class="govuk-main-wrapper"')[1]
    assert (
        '<th scope="row" class="govuk-table__header">Charged or summonsed</th>\n'
        '          <td class="govuk-table__cell govuk-table__cell--numeric">3</td>\n'
        '          <td class="govuk-table__cell govuk-table__cell--numeric">42.9%</td>'
    ) in html
    assert (
        '<a class="govuk-link" href="/reports/outcomes/csv/?year=2026" download>'
        "Download this report as CSV (spreadsheet)</a>"
    ) in html


def test_a_group_with_half_the_outcomes_draws_half_a_bar(browser_for, officer_north, north):
    # given: two of four outcomes charged, one caution, one Outcome 21
    _outcomes(north, ["1", "1A", "3", "21"])
    # when
    html = browser_for(officer_north).get(PAGE, {"year": "2026"}).content.decode()
    # then: half of the 560-wide track, not all of it for being the largest group
    bars = re.findall(r'<rect class="tl-chart__bar" x="0" y="\d+" width="(\d+)"', _wide(html))
    assert [int(width) for width in bars] == [280, 140, 0, 0, 0, 140, 0, 0, 0]
    assert "2 (50.0%)" in html
    assert "1 (25.0%)" in html


def test_the_page_shows_another_year(browser_for, officer_north, north):
    # given
    _outcomes(north, ["4"], on=date(2024, 5, 1))
    # when
    html = browser_for(officer_north).get(PAGE, {"year": "2024"}).content.decode()
    # then
    assert "Outcome report 2024" in html
    assert "1 (100.0%)" in html


def test_the_page_says_when_a_year_has_no_outcomes(browser_for, officer_north):
    # when
    html = browser_for(officer_north).get(PAGE, {"year": "2025"}).content.decode()
    # then
    assert "No outcomes were recorded in 2025." in html
    assert "<svg" not in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">0.0%</td>' in html


def test_the_page_refuses_a_future_year_with_an_error_summary(browser_for, officer_north):
    # when
    response = browser_for(officer_north).get(PAGE, {"year": "2027"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_year">The year must not be in the future.</a>' in html
    assert "<title>Error: " in html
    assert "govuk-table" not in html


# --- The CSV

CSV = "/reports/outcomes/csv/"


def _csv(response) -> list[list[str]]:
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(body[1:])))


def test_the_csv_download(browser_for, officer_north, north):
    # given
    _outcomes(north, MIXED_YEAR)
    # when
    response = browser_for(officer_north).get(CSV, {"year": "2026"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="outcome-report-northshire-police-2026.csv"'
    )
    assert _csv(response) == [
        ["group", "label", "count", "percentage"],
        ["charged_or_summonsed", "Charged or summonsed", "3", "42.9"],
        ["caution", "Caution", "1", "14.3"],
        ["community_or_other_resolution", "Community or other resolution", "1", "14.3"],
        ["other", "Other", "0", "0.0"],
        ["not_in_public_interest", "Not in the public interest", "0", "0.0"],
        ["outcome_21", "Outcome 21", "1", "14.3"],
        ["no_suspect_identified", "Investigation complete: no suspect identified", "0", "0.0"],
        ["evidential_difficulties", "Evidential difficulties", "1", "14.3"],
        ["action_by_another_body", "Action by another body", "0", "0.0"],
        ["total", "All outcomes", "7", "100.0"],
    ]


def test_the_csv_of_another_year_counts_that_year_only(browser_for, officer_north, north):
    # given
    _outcomes(north, ["4"], on=date(2024, 5, 1))
    _outcomes(north, ["1"])
    # when
    rows = _csv(browser_for(officer_north).get(CSV, {"year": "2024"}))
    # then
    assert rows[-1] == ["total", "All outcomes", "1", "100.0"]


def test_the_old_csv_address_leads_to_the_csv(browser_for, officer_north):
    response = browser_for(officer_north).get(PAGE, {"year": "2025", "format": "csv"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/outcomes/csv/?year=2025"


def test_a_csv_of_a_refused_year_goes_back_to_the_page_that_says_why(browser_for, officer_north):
    response = browser_for(officer_north).get(CSV, {"year": "2027"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/outcomes/?year=2027"


def test_the_csv_is_404_for_roles_without_the_report(browser_for, admin_north):
    response = browser_for(admin_north).get(CSV, {"year": "2026"})
    assert response.status_code == 404
