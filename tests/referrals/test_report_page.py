"""The referrals report page: the API's figures per (from agency, to agency,
purpose) as a GOV.UK table, a server-drawn SVG chart per agency pair, a period
chosen in a GET form (the last 90 days unless asked), and the same queries
whatever the number of referrals."""

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.authz.rows_referrals import make_referral
from tests.factories import AgencyFactory

LONDON = ZoneInfo("Europe/London")
# Thursday 2 April 2026, 12:00 (summer time).
NOW = datetime(2026, 4, 2, 12, 0, tzinfo=LONDON)
PAGE = "/reports/referrals/"
MARCH = {"from": "01/03/2026", "to": "31/03/2026"}


def _at(day: int, hour: int, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=LONDON)


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def march(north, south, harbour, mash):
    """A small fixed month: four to Harbour (two completed, one with feedback), one
    to the hub, one received from Southshire, and one in February (left out)."""
    far = _at(30, 17, month=4)

    def victim_support(**fields):
        return make_referral(
            from_agency=north, to_agency=harbour, purpose="victim_support", **fields
        )

    # Accepted the next working day; completed 9 working days on, with feedback.
    victim_support(
        state="completed",
        urgency="urgent",
        sent_at=_at(2, 10),
        decided_at=_at(3, 9),
        completed_at=_at(13, 15),
        stale_at=far,
        outcome="support_provided",
        outcome_summary="Six sessions; she is doing well.",
    )
    # Accepted the same day; completed 5 working days on without a summary.
    victim_support(
        state="completed",
        urgency="immediate",
        sent_at=_at(3, 10),
        decided_at=_at(3, 15),
        completed_at=_at(10, 11),
        outcome="unable_to_contact",
        outcome_summary="",
    )
    # Declined 3 working days on, after the decision was due.
    victim_support(
        state="declined",
        urgency="urgent",
        sent_at=_at(4, 10),
        decided_at=_at(9, 10),
        decline_reason="Outside our area.",
    )
    # Still waiting past its due day.
    victim_support(state="sent", urgency="routine", sent_at=_at(16, 10))
    make_referral(
        from_agency=north,
        to_agency=mash,
        purpose="safeguarding",
        state="accepted",
        sent_at=_at(9, 10),
        decided_at=_at(11, 9),
        stale_at=far,
    )
    make_referral(
        from_agency=south, to_agency=north, purpose="suspect_support", sent_at=_at(10, 10)
    )
    victim_support(state="sent", sent_at=_at(27, 16, month=2))


def _wide(html: str) -> str:
    """The page with only the charts' wide drawings (each is drawn for a narrow
    screen too)."""
    return re.sub(r'<svg class="tl-bar-chart__narrow".*?</svg>', "", html, flags=re.S)


def _cells(html: str, header: str) -> list[str]:
    """The data cells of the table row whose last row header is `header`."""
    row = re.search(rf">{re.escape(header)}</th>\s*(.*?)</tr>", html, flags=re.S).group(1)
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
    ]


def test_the_page_shows_the_chart_and_the_table(browser_for, officer_north, march):
    # when
    response = browser_for(officer_north).get(PAGE, MARCH)
    # then
    assert response.status_code == 200
    html = response.content.decode()
    main = html.split('<main class="govuk-main-wrapper"')[1]
    assert '<h1 class="govuk-heading-l">Referral report</h1>' in main
    assert "1 March 2026 to 31 March 2026" in main
    # the chart: a figure with a caption, an SVG image with a label, no inline styles
    assert "<figure" in main
    assert "<figcaption" in main
    assert "6 sent in all" in main
    assert 'role="img"' in main
    assert ("to Harbour Victim Support: 4 sent, 2 completed, 1 completed with feedback.") in main
    assert "style=" not in main
    assert "<script" not in main
    # one scale: the pair with the most sent (4) fills the 560-wide track
    wide = _wide(main)
    track = re.findall(r'<rect class="tl-chart__track" x="0" y="\d+" width="(\d+)"', wide)
    bars = re.findall(r'<rect class="tl-chart__bar" x="0" y="\d+" width="(\d+)"', wide)
    assert set(track) == {"560"}
    assert bars == ["560", "280", "140", "140", "0", "0", "140", "0", "0"]
    # the full bar's value inside its end, so that it stays on the track
    assert (
        '<text class="tl-chart__value--on-bar" x="552" y="40" text-anchor="end" '
        'fill="#ffffff" font-weight="bold">4 sent</text>'
    ) in main
    # no strategy discussion here: its explanation appears only beside the term
    assert "A meeting of police, children" not in main
    assert (
        '<a class="govuk-link" href="/reports/referrals/csv/?from=2026-03-01&amp;to=2026-03-31" '
        "download>Download this report as CSV (spreadsheet)</a>"
    ) in main
    assert "1 completed with feedback" in main
    # the table: a caption, column and row headers, one row per pair and purpose
    assert '<caption class="govuk-table__caption govuk-table__caption--m"' in main
    assert main.count('<th scope="col"') == 14
    assert main.count('<th scope="colgroup"') == 3
    assert main.count('<th scope="row"') == 3 * 3 + 1
    assert _cells(main, "Victim support") == [
        "4",  # sent
        "2",  # accepted (the two completed)
        "1",  # declined
        "2",  # completed
        "2",  # decision overdue: the late decline and the one still waiting
        "0",  # threshold decision overdue
        "0",  # stale
        "1.0",  # median working days to decision: 0, 1 and 3
        "7.0",  # median working days to completion: 5 and 9
        "1",  # completed with feedback
        "50.0%",
    ]
    assert _cells(main, "Safeguarding (to the hub or children&#x27;s services)")[:4] == [
        "1",
        "1",
        "0",
        "0",
    ]
    suspect_support = _cells(main, "Support for a suspect (help to stop offending)")
    assert suspect_support[0] == "1"
    assert suspect_support[-1] == "\u2013none completed"
    assert _cells(main, "All referrals")[0] == "6"


def test_the_medians_and_shares_match_the_api(browser_for, api_for, officer_north, march):
    # given
    report = (
        api_for(officer_north)
        .get("/api/v1/reports/referrals/", {"from": "2026-03-01", "to": "2026-03-31"})
        .json()
    )
    # when
    html = browser_for(officer_north).get(PAGE, MARCH).content.decode()
    # then
    row = report["rows"][0]
    cells = _cells(html, "Victim support")
    assert cells == [
        str(row["sent"]),
        str(row["accepted"]),
        str(row["declined"]),
        str(row["completed"]),
        str(row["overdue"]["decision"]),
        str(row["overdue"]["threshold_decision"]),
        str(row["overdue"]["completion_stale"]),
        f"{row['median_working_days_to_decision']:.1f}",
        f"{row['median_working_days_to_completion']:.1f}",
        str(row["completed_with_feedback"]),
        f"{row['feedback_share']:.1f}%",
    ]
    totals = report["totals"]
    assert _cells(html, "All referrals")[0] == str(totals["sent"])


def test_the_default_period_is_the_last_90_days(browser_for, officer_north, march):
    # when
    response = browser_for(officer_north).get(PAGE)
    # then: 3 January to 2 April 2026, both included
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="03/01/2026"' in html
    assert 'value="02/04/2026"' in html
    assert "3 January 2026 to 2 April 2026" in html
    assert _cells(html, "All referrals")[0] == "7"


def test_iso_dates_are_accepted_too(browser_for, officer_north, march):
    html = browser_for(officer_north).get(PAGE, {"from": "2026-03-01", "to": "2026-03-31"})
    assert "1 March 2026 to 31 March 2026" in html.content.decode()


def test_an_empty_period_says_so_without_a_chart(browser_for, officer_north, march):
    html = (
        browser_for(officer_north)
        .get(PAGE, {"from": "01/01/2025", "to": "31/01/2025"})
        .content.decode()
    )
    assert "No referrals were sent by or to" in html
    assert "<svg" not in html.split('<main class="govuk-main-wrapper"')[1]
    assert _cells(html, "All referrals")[0] == "0"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"from": "31/03/2026", "to": "01/03/2026"},
            "to",
            "The last day must not be before the first day.",
        ),
        ({"from": "01/01/2025", "to": "31/03/2026"}, "to", "Choose a period of at most 366 days."),
        (
            {"from": "", "to": "31/03/2026"},
            "from",
            "Enter the first day of the period, for example 01/03/2026.",
        ),
        (
            {"from": "01/03/2026"},
            "to",
            "Enter the last day of the period, for example 31/03/2026.",
        ),
        (
            {"from": "1 March", "to": "31/03/2026"},
            "from",
            "Enter a real date, for example 27/03/2026.",
        ),
    ],
    ids=["from after to", "longer than a year", "no from", "no to", "not a date"],
)
def test_a_bad_period_shows_the_error_summary(browser_for, officer_north, query, field, message):
    # when
    response = browser_for(officer_north).get(PAGE, query)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    assert 'class="govuk-error-summary"' in html
    assert f'<a href="#id_{field}">{message}</a>' in html
    assert f'id="id_{field}-error"' in html
    assert "<table" not in html


def test_the_menu_links_to_the_report_for_those_who_may_read_it(
    browser_for, auditor_north, admin_north
):
    # The menu's Reports page (issue 18) lists it.
    auditor = browser_for(auditor_north)
    assert 'href="/reports/"' in auditor.get("/").content.decode()
    assert 'href="/reports/referrals/"' in auditor.get("/reports/").content.decode()
    assert 'href="/reports/' not in browser_for(admin_north).get("/").content.decode()


def test_the_page_costs_the_same_queries_for_2_or_10_referrals(
    browser_for, officer_north, north, harbour
):
    # given
    browser = browser_for(officer_north)

    def referrals(count: int) -> None:
        for index in range(count):
            make_referral(
                from_agency=north,
                to_agency=harbour,
                purpose="victim_support",
                state="completed" if index % 2 else "accepted",
                sent_at=_at(2 + index, 10),
                decided_at=_at(3 + index, 10),
                completed_at=_at(13 + index, 10) if index % 2 else None,
                outcome="support_provided" if index % 2 else "",
                outcome_summary="Done." if index % 2 else "",
            )

    referrals(2)
    browser.get(PAGE, MARCH)
    with CaptureQueriesContext(connection) as two:
        assert browser.get(PAGE, MARCH).status_code == 200
    referrals(8)
    # when
    with CaptureQueriesContext(connection) as ten:
        html = browser.get(PAGE, MARCH).content.decode()
    # then
    assert _cells(html, "All referrals")[0] == "10"
    assert len(ten) == len(two)


# --- The CSV

CSV = "/reports/referrals/csv/"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_the_tables_figures(browser_for, officer_north, march):
    # when
    response = browser_for(officer_north).get(CSV, MARCH)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="referral-report-northshire-police-2026-03-01-to-2026-03-31.csv"'
    )
    rows = _csv(response)
    assert rows[0][:4] == ["from agency", "to agency", "purpose", "sent"]
    assert len(rows) == 1 + 3 + 1
    victim_support = next(row for row in rows if row[2] == "Victim support")
    assert victim_support[:2] == ["Northshire Police", "Harbour Victim Support"]
    assert victim_support[3:] == ["4", "2", "1", "2", "2", "0", "0", "1.0", "7.0", "1", "50.0"]
    # none completed: no share, as the page's dash
    suspect_support = next(row for row in rows if row[2].startswith("Support for a suspect"))
    assert suspect_support[-1] == ""
    assert rows[-1][:4] == ["All referrals", "", "", "6"]


def test_the_csv_neutralises_a_name_that_would_run_as_a_formula(browser_for, officer_north, north):
    # given: an agency named (by an admin somewhere) like a formula
    formula = AgencyFactory(slug="formula", name='=HYPERLINK("http://evil")')
    make_referral(
        from_agency=north, to_agency=formula, purpose="victim_support", sent_at=_at(2, 10)
    )
    # when
    rows = _csv(browser_for(officer_north).get(CSV, MARCH))
    # then
    assert rows[1][1] == '\'=HYPERLINK("http://evil")'


def test_a_csv_of_a_refused_period_goes_back_to_the_page(browser_for, officer_north):
    response = browser_for(officer_north).get(CSV, {"from": "31/03/2026", "to": "01/03/2026"})
    assert response.status_code == 302
    assert response["Location"] == "/reports/referrals/?from=31%2F03%2F2026&to=01%2F03%2F2026"


def test_the_csv_is_404_for_roles_without_the_report(browser_for, admin_north):
    assert browser_for(admin_north).get(CSV, MARCH).status_code == 404


def test_a_strategy_discussion_row_explains_the_term(browser_for, officer_north, north, mash):
    # given
    make_referral(
        from_agency=north, to_agency=mash, purpose="strategy_discussion", sent_at=_at(2, 10)
    )
    # when
    html = browser_for(officer_north).get(PAGE, MARCH).content.decode()
    # then: beside the purpose, in its row header
    assert re.search(
        r"Strategy discussion<p class=\"govuk-hint app-term-hint\">"
        r"A meeting of police, children&#x27;s services and others",
        html,
    )
