"""The suspect welfare statistics: the counts for a year of the caller's own
agency, suppression as published through the API, the refusals, the query ceiling
and the page with its charts."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.welfare.reports.factories import Builder
from welfare.models import DutyKind, DutyStatus
from welfare.reports import suspect_welfare_statistics

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
REPORT = "/api/v1/reports/suspect-welfare/"
PAGE = "/reports/suspect-welfare/"
IN_2026 = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
IN_2025 = datetime(2025, 11, 3, 10, 0, tzinfo=UTC)
CHECK = DutyKind.WELFARE_CHECK
CONTACT = DutyKind.WELFARE_CONTACT


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _suspects(build, *, at_risk=0, unknown=0, not_at_risk=0, not_screened=0, when=IN_2026):
    for _ in range(at_risk):
        # a later screening found them not at risk: still counted as at risk
        build.suspect(contact_at=when, results=["at_risk", "not_at_risk"])
    for _ in range(unknown):
        build.suspect(contact_at=when, kind="voluntary_interview", results=["unknown"])
    for _ in range(not_at_risk):
        build.suspect(contact_at=when, kind="searched", results=["not_at_risk"])
    for _ in range(not_screened):
        build.suspect(contact_at=when)


def _duties(build, kind, *, on_time=0, late=0, missed_open=0, declined=0, not_yet_due=0):
    due = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)
    for _ in range(on_time):
        build.duty(kind, due_at=due, status=DutyStatus.MET, resolved_at=due)  # to the second
    for _ in range(late):
        build.duty(kind, due_at=due, status=DutyStatus.MET, resolved_at=due + timedelta(minutes=1))
    for _ in range(missed_open):
        build.duty(kind, due_at=due)
    for _ in range(declined):
        build.duty(kind, due_at=due, status=DutyStatus.DECLINED, resolved_at=due)
    for _ in range(not_yet_due):
        build.duty(kind, due_at=NOW + timedelta(days=3))


def _realistic_year(north, south):
    build = Builder(north)
    _suspects(build, at_risk=5, unknown=5, not_at_risk=7, not_screened=5)
    # told twice in the year: one suspect
    twice = build.suspect(contact_at=IN_2026, results=["not_at_risk"])
    build.event(twice, "arrested", IN_2026 + timedelta(days=30))
    # not counted: first told in another year; an event that is not a first contact
    _suspects(build, at_risk=2, not_screened=3, when=IN_2025)
    charged_only = build.suspect(contact_at=None)
    build.event(charged_only, "charged", IN_2026)
    for _ in range(6):
        build.safety_plan(IN_2026)
    build.safety_plan(IN_2025)
    _duties(build, CHECK, on_time=6, missed_open=3, declined=2)
    build.duty(CHECK, due_at=IN_2025)
    _duties(build, CONTACT, on_time=7, late=5, not_yet_due=5)
    for _ in range(5):
        build.incident(kind="self_harm", stage="within_48_hours", occurred_at=IN_2026)
        build.incident(kind="suicide_attempt", stage="in_custody", occurred_at=IN_2026)
    build.incident(kind="death", stage="after_charge", occurred_at=IN_2025)
    # another force's year, all of it left out
    other = Builder(south)
    _suspects(other, at_risk=9, not_screened=9)
    other.safety_plan(IN_2026)
    _duties(other, CHECK, late=6)
    other.incident(kind="death", stage="after_outcome", occurred_at=IN_2026)


def _figure(body, key):
    return (body[key]["display"], body[key]["share_display"])


# --- The counts


def test_the_statistics_count_a_realistic_year(api_for, officer_north, north, south):
    # given
    _realistic_year(north, south)
    # when
    response = api_for(officer_north).get(REPORT, {"year": 2026})
    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["year"], body["agency"], body["threshold"]) == (2026, "northshire-police", 5)
    assert body["suspects"] == {
        "key": "suspects",
        "label": "Suspects who learnt of an investigation",
        "value": 23,
        "suppressed": False,
        "display": "23",
        "share": None,
        "share_display": "",
    }
    assert _figure(body, "screened") == ("18", "78.3%")
    assert body["screened"]["share"] == 78.3
    assert _figure(body, "not_screened") == ("5", "21.7%")
    assert _figure(body, "at_risk_or_unknown") == ("10", "43.5%")
    assert _figure(body, "at_risk") == ("5", "21.7%")
    assert _figure(body, "unknown") == ("5", "21.7%")
    assert _figure(body, "not_at_risk") == ("8", "34.8%")
    assert body["safety_plans"]["value"] == 6
    checks = {part: body["welfare_checks"][part]["value"] for part in body["welfare_checks"]}
    # the 2 declined are theirs, not missed: both fewer than 5, suppressed
    assert checks == {
        "due": 11,
        "on_time": 6,
        "late": 0,
        "not_reached": 0,
        "declined": None,
        "missed": None,
        "not_yet_due": 0,
    }
    assert body["welfare_checks"]["on_time"]["share_display"] == "54.5%"
    contacts = {part: body["welfare_contacts"][part]["value"] for part in body["welfare_contacts"]}
    assert contacts == {
        "due": 17,
        "on_time": 7,
        "late": 5,
        "not_reached": 0,
        "declined": 0,
        "missed": 0,
        "not_yet_due": 5,
    }
    assert body["incidents"]["value"] == 10
    assert [(f["key"], f["value"]) for f in body["incidents_by_stage"]] == [
        ("before_arrest", 0),
        ("in_custody", 5),
        ("within_48_hours", 5),
        ("under_investigation", 0),
        ("after_charge", 0),
        ("after_outcome", 0),
    ]
    assert [(f["key"], f["value"], f["share_display"]) for f in body["incidents_by_kind"]] == [
        ("self_harm", 5, "50.0%"),
        ("suicide_attempt", 5, "50.0%"),
        ("death", 0, "0.0%"),
    ]


def test_the_statistics_name_no_one(api_for, officer_north, north, south):
    # given
    _realistic_year(north, south)
    case = Builder(north).case
    # when
    text = api_for(officer_north).get(REPORT, {"year": 2026}).content.decode()
    # then: no names, no references, no ids
    assert "Fictional" not in text
    assert "Alex" not in text
    assert case.reference not in text
    assert not re.search(r"[0-9a-f]{8}-[0-9a-f]{4}-", text)


def test_the_year_runs_by_the_clock_in_london(api_for, officer_north, north):
    # given: Europe/London is on GMT at new year
    build = Builder(north)
    for _ in range(5):
        build.suspect(contact_at=datetime(2026, 1, 1, 0, 0, tzinfo=UTC))
        build.suspect(contact_at=datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC))
    # when
    body = api_for(officer_north).get(REPORT, {"year": 2026}).json()
    # then
    assert body["suspects"]["value"] == 5


def test_another_agencys_figures_are_left_out(api_for, officer_south, north, south):
    # given: everything is north's
    _realistic_year(north, north)
    # when
    body = api_for(officer_south).get(REPORT, {"year": 2026}).json()
    # then
    assert body["agency"] == "southshire-police"
    assert body["suspects"]["value"] == 0
    assert body["safety_plans"]["value"] == 0
    assert body["welfare_checks"]["due"]["value"] == 0
    assert body["incidents"]["value"] == 0


def test_the_current_year_is_the_default(api_for, officer_north, north):
    # given
    _suspects(Builder(north), not_screened=5)
    # when
    body = api_for(officer_north).get(REPORT).json()
    # then
    assert (body["year"], body["suspects"]["value"]) == (2026, 5)


# --- Suppression, as published


@pytest.mark.parametrize(
    ("plans", "value", "display", "suppressed"),
    [(0, 0, "0", False), (4, None, "fewer than 5", True), (5, 5, "5", False)],
)
def test_a_count_of_4_is_suppressed_and_5_is_shown(
    api_for, officer_north, north, plans, value, display, suppressed
):
    # given
    build = Builder(north)
    for _ in range(plans):
        build.safety_plan(IN_2026)
    # when
    figure = api_for(officer_north).get(REPORT, {"year": 2026}).json()["safety_plans"]
    # then
    assert (figure["value"], figure["display"], figure["suppressed"]) == (
        value,
        display,
        suppressed,
    )


def test_a_share_of_a_suppressed_count_is_withheld(api_for, officer_north, north):
    # given: 3 at risk of 10 suspects, and the rest shown
    _suspects(Builder(north), at_risk=3, unknown=0, not_at_risk=7, not_screened=0)
    # when
    body = api_for(officer_north).get(REPORT, {"year": 2026}).json()
    # then
    assert body["at_risk"] == {
        "key": "at_risk",
        "label": "At risk",
        "value": None,
        "suppressed": True,
        "display": "fewer than 5",
        "share": None,
        "share_display": "withheld",
    }
    assert _figure(body, "suspects") == ("10", "")
    assert _figure(body, "screened") == ("10", "100.0%")
    # else 3 = 10 - 7: the one other part of "screened" is withheld with it
    assert _figure(body, "not_at_risk") == ("withheld", "withheld")


def test_a_lone_suppressed_cell_withholds_the_next_smallest(api_for, officer_north, north):
    # given: 48-hour checks 2 late, 6 on time, 9 missed: 2 = 17 - 6 - 9
    _duties(Builder(north), CHECK, on_time=6, late=2, missed_open=9)
    # when
    checks = api_for(officer_north).get(REPORT, {"year": 2026}).json()["welfare_checks"]
    # then
    shown = {part: (figure["value"], figure["display"]) for part, figure in checks.items()}
    assert shown == {
        "due": (17, "17"),
        "on_time": (None, "withheld"),
        "late": (None, "fewer than 5"),
        "not_reached": (0, "0"),
        "declined": (0, "0"),
        "missed": (9, "9"),
        "not_yet_due": (0, "0"),
    }
    assert checks["missed"]["share_display"] == "52.9%"
    assert checks["on_time"]["share_display"] == "withheld"


def test_suppression_carries_through_the_screening_tables(api_for, officer_north, north):
    # given: 2 unknown: then at risk (the one other part of "at risk or unknown")
    _suspects(Builder(north), at_risk=6, unknown=2, not_at_risk=8, not_screened=6)
    # when
    body = api_for(officer_north).get(REPORT, {"year": 2026}).json()
    # then
    assert {
        key: body[key]["display"]
        for key in (
            "suspects",
            "screened",
            "not_screened",
            "at_risk_or_unknown",
            "at_risk",
            "unknown",
            "not_at_risk",
        )
    } == {
        "suspects": "22",
        "screened": "16",
        "not_screened": "6",
        "at_risk_or_unknown": "8",
        "at_risk": "withheld",
        "unknown": "fewer than 5",
        "not_at_risk": "8",
    }


# --- Refusals


@pytest.mark.parametrize(
    ("year", "message"),
    [
        (2027, "The year must not be in the future."),
        (1999, "Enter a year from 2000 onwards."),
    ],
)
def test_a_year_out_of_range_is_refused_naming_year(api_for, officer_north, year, message):
    # when
    response = api_for(officer_north).get(REPORT, {"year": year})
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": [message]}


def test_a_malformed_year_is_refused_naming_year(api_for, officer_north):
    response = api_for(officer_north).get(REPORT, {"year": "last"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["year"]


def test_the_service_refuses_a_future_year_by_the_day_it_is_given(officer_north):
    # given: on 31 December the next year is still the future
    from common.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        suspect_welfare_statistics(
            actor=officer_north.user, year=2027, today=datetime(2026, 12, 31).date()
        )
    assert refused.value.message_dict == {"year": ["The year must not be in the future."]}


def test_an_auditor_may_read_the_statistics(api_for, auditor_north, north):
    # given
    _suspects(Builder(north), not_screened=5)
    # when
    response = api_for(auditor_north).get(REPORT, {"year": 2026})
    # then
    assert response.status_code == 200
    assert response.json()["suspects"]["value"] == 5


# --- Cost


def test_the_query_count_does_not_grow_with_suspects(api_for, officer_north, north):
    # given
    api = api_for(officer_north)
    build = Builder(north)
    _suspects(build, at_risk=1)
    _duties(build, CHECK, on_time=1)
    build.incident(kind="self_harm", stage="in_custody", occurred_at=IN_2026)
    api.get(REPORT, {"year": 2026})  # the caller's membership is then cached on them
    with CaptureQueriesContext(connection) as one:
        api.get(REPORT, {"year": 2026})
    _suspects(build, at_risk=10, unknown=10, not_at_risk=5, not_screened=4)
    _duties(build, CHECK, on_time=10, late=10, missed_open=9)
    _duties(build, CONTACT, on_time=10, declined=10, not_yet_due=10)
    for _ in range(29):
        build.incident(kind="suicide_attempt", stage="within_48_hours", occurred_at=IN_2026)
    # when
    with CaptureQueriesContext(connection) as thirty:
        body = api.get(REPORT, {"year": 2026}).json()
    # then
    assert body["suspects"]["value"] == 30
    assert len(thirty) == len(one) == 4


def test_the_statistics_are_counted_in_four_queries(
    officer_north, north, south, django_assert_max_num_queries
):
    # given
    _realistic_year(north, south)
    officer_north.user._tideline_membership = officer_north
    # when
    with django_assert_max_num_queries(4):
        statistics = suspect_welfare_statistics(actor=officer_north.user, year=2026)
    # then
    assert statistics.suspects.value == 23


# --- The page


def test_the_page_shows_the_figures_and_the_charts(browser_for, officer_north, north, south):
    # given
    _realistic_year(north, south)
    # when: the current year is the default
    response = browser_for(officer_north).get(PAGE)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Suspect welfare statistics 2026</h1>' in html
    assert html.count("<figure") == 4
    assert html.count('role="img"') == 4 * 2  # each drawn for a wide and a narrow screen
    assert "<script" not in html.split('<main class="govuk-main-wrapper"')[1]
    # a bar's length is its share: 78.3% of the 560-wide track
    assert 'width="438" height="22" fill="#1d70b8"' in html
    assert "18 (78.3%)" in html
    # incidents by stage: half each for custody and within 48 hours
    assert _wide(html).count('width="280" height="22" fill="#1d70b8"') == 2
    assert "Incidents in 2026 by stage: 10 in all." in html
    assert "withheld (fewer than 5)" in html  # the note explains it
    assert 'id="suppression-note"' in html
    assert (
        '<a class="govuk-link" href="/reports/suspect-welfare/csv/?year=2026" download>'
        "Download this report as CSV (spreadsheet)</a>"
    ) in html


def _wide(html: str) -> str:
    """The page with only the charts' wide drawings (each is drawn for a narrow
    screen too)."""
    return re.sub(r'<svg class="tl-bar-chart__narrow".*?</svg>', "", html, flags=re.S)


def _chart(html: str, key: str) -> str:
    """The wide drawing of the chart `key`, with its caption."""
    match = re.search(rf'<figcaption[^>]*id="{key}-chart-caption".*?</figure>', _wide(html), re.S)
    return match.group(0) if match else ""


def test_the_page_shows_withheld_figures_in_words_never_as_empty_bars(
    browser_for, officer_north, north
):
    # given: 3 of 10 suspects at risk (fewer than 5), so "not at risk" is withheld too
    _suspects(Builder(north), at_risk=3, not_at_risk=7)
    # when
    html = browser_for(officer_north).get(PAGE, {"year": "2026"}).content.decode()
    # then: the chart draws the one figure it may, and says the others in words, with
    # no track under them
    chart = _chart(html, "screening")
    assert chart.count('class="tl-chart__track"') == 1
    assert "10 (100.0%)" in chart
    assert chart.count('font-weight="bold"><tspan x="0" y="') == 2
    assert ">withheld (fewer than 5)</tspan>" in chart
    assert "At risk: withheld (fewer than 5)." in chart
    # the table says the same, and which was withheld to protect another
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">withheld (fewer than 5)</td>'
    ) in html
    assert (
        '<td class="govuk-table__cell govuk-table__cell--numeric">'
        "withheld (to protect a small figure)</td>"
    ) in html
    # and the number itself is nowhere
    assert not re.search(r">\s*3\s*<", html.split('id="suppression-note"')[1])


def test_a_chart_with_nothing_to_draw_is_a_sentence(browser_for, officer_north, north):
    # given: 2 incidents, so the total and every stage's share are withheld
    build = Builder(north)
    for _ in range(2):
        build.incident(kind="self_harm", stage="under_investigation", occurred_at=IN_2026)
    # when
    html = browser_for(officer_north).get(PAGE, {"year": "2026"}).content.decode()
    # then
    assert _chart(html, "incidents") == ""
    assert (
        "There is no chart of incidents by stage: every figure in it is 0 or withheld, so "
        "that no one can be identified. The table gives them."
    ) in html
    # the stage that is a term of art has its explanation beside it
    assert re.search(
        r"Released under investigation or on bail<p class=\"govuk-hint app-term-hint\">"
        r"Released from custody without bail",
        html,
    )


def test_the_page_says_when_a_year_has_nothing(browser_for, officer_north):
    # when
    html = browser_for(officer_north).get(PAGE, {"year": "2024"}).content.decode()
    # then
    assert "Suspect welfare statistics 2024" in html
    assert "No incidents were recorded in 2024." in html
    assert "<svg" not in html.split('<main class="govuk-main-wrapper"')[1]


def test_the_page_refuses_a_future_year_with_an_error_summary(browser_for, officer_north):
    # when
    response = browser_for(officer_north).get(PAGE, {"year": "2027"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_year">The year must not be in the future.</a>' in html
    assert "<title>Error: " in html
    assert "govuk-table" not in html


def test_the_page_for_an_auditor(browser_for, auditor_north):
    assert browser_for(auditor_north).get(PAGE).status_code == 200


# --- The CSV

CSV = "/reports/suspect-welfare/csv/"


def test_the_csv_writes_withheld_figures_as_withheld_never_the_number(
    browser_for, officer_north, north
):
    # given
    _suspects(Builder(north), at_risk=3, not_at_risk=7)
    # when
    response = browser_for(officer_north).get(CSV, {"year": "2026"})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="suspect-welfare-report-northshire-police-2026.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["table", "figure", "number", "share"]
    screening = {row[1]: row[2:] for row in rows if row[0].startswith("Suspects first told")}
    assert screening == {
        "Suspects who learnt of an investigation": ["10", ""],
        "Screened for suicide risk": ["10", "100.0%"],
        "At risk or unknown": ["withheld (fewer than 5)", "withheld"],
        "At risk": ["withheld (fewer than 5)", "withheld"],
        "Unknown, never at risk": ["0", "0.0%"],
        "Not at risk": ["withheld (to protect a small figure)", "withheld"],
        "Not screened": ["0", "0.0%"],
    }
    assert ["Safety plans made in 2026", "Safety plans made", "0", ""] in rows
    assert {row[0] for row in rows[1:]} >= {
        "48-hour checks due in 2026, by how they went",
        "Welfare contacts due in 2026, by how they went",
        "Incidents in 2026 by stage",
        "Incidents in 2026 by kind",
    }


def test_the_csv_is_404_for_roles_without_the_statistics(browser_for, admin_north):
    assert browser_for(admin_north).get(CSV).status_code == 404


def test_a_csv_of_a_refused_year_goes_back_to_the_page(browser_for, officer_north):
    response = browser_for(officer_north).get(CSV, {"year": "2027"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/suspect-welfare/?year=2027"
