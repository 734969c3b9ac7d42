"""Home, "Your work today" (issue 18): counts first (overdue, due today, later this
week), then each role's own work, then the reader's items most urgent first; empty
sections left out; the profile on its own page; a victim update logged in two
clicks; the counts capped and the queries pinned."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agencies.models import AccessLogEntry
from common import counts
from tests.calendars.conftest import a_duty, a_task
from welfare.models import DutyKind, DutyStatus

LONDON = ZoneInfo("Europe/London")
# Wednesday 9 December 2026, 10:00: the week runs to Sunday 13 December.
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=LONDON)

pytestmark = [pytest.mark.django_db, pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def work(officer_north, victim, suspect):
    """One victim update overdue, one due today, a task later this week, a check due
    next week (not counted)."""
    return {
        "overdue": a_duty(victim, DutyKind.VICTIM_UPDATE, NOW - timedelta(days=1), officer_north),
        "today": a_duty(victim, DutyKind.VICTIM_UPDATE, NOW + timedelta(hours=7), officer_north),
        "task": a_task(victim.case, officer_north, date(2026, 12, 11)),
        "next_week": a_duty(suspect, DutyKind.FAMILY_PACK, NOW + timedelta(days=7), officer_north),
    }


def _home(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_home_leads_with_the_counts_then_the_items_most_urgent_first(
    work, officer_north, browser_for
):
    html = _home(browser_for(officer_north))
    # the counts, before anything else
    assert "1 overdue</strong>, 1 due today and 1 due later this week." in html
    assert html.index("Your work by when it is due") < html.index("Your work, most urgent first")
    # the items: overdue, then today's, then the week's; next week's not at all
    order = [
        html.index(f"/duties/{work['overdue'].pk}/log-contact/"),
        html.index(f"/duties/{work['today'].pk}/log-contact/"),
        html.index(f"/tasks/{work['task'].pk}/complete/"),
    ]
    assert order == sorted(order)
    assert str(work["next_week"].pk) not in html
    # the profile is no longer on home
    assert "Your agency" not in html and ">Team</dt>" not in html
    # every record shown is in the access log
    entry = AccessLogEntry.objects.filter(username="officer.north").order_by("-sequence").first()
    shown = {f"duty:{work['overdue'].pk}", f"duty:{work['today'].pk}", f"task:{work['task'].pk}"}
    assert shown <= set(entry.record_ids)
    assert f"duty:{work['next_week'].pk}" not in entry.record_ids


def test_a_victim_update_is_logged_in_two_clicks_from_home(work, officer_north, browser_for):
    client = browser_for(officer_north)
    html = _home(client)
    link = f"/duties/{work['today'].pk}/log-contact/?next=/"
    assert f'href="{link}"' in html
    # click 1: the form that meets the duty
    form = client.get(link)
    assert form.status_code == 200
    # click 2: log it
    done = client.post(
        link,
        {
            "channel": "phone",
            "summary": "Told of the arrest.",
            "contacted_on": "09/12/2026",
            "contacted_time": "10:00",
            "direction": "outbound",
            "next": "/",
        },
    )
    assert (done.status_code, done["Location"]) == (302, "/")
    work["today"].refresh_from_db()
    assert work["today"].status == DutyStatus.MET


def test_nothing_due_leaves_every_section_out(admin_north, browser_for):
    html = _home(browser_for(admin_north))
    assert "Nothing is overdue, due today or due later this week." in html
    assert "<h2" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_the_counts_are_capped(monkeypatch, officer_north, victim, browser_for):
    monkeypatch.setattr(counts, "COUNT_CAP", 2)
    for days in (1, 2, 3, 4):
        a_duty(victim, DutyKind.VICTIM_UPDATE, NOW - timedelta(days=days), officer_north)
    html = _home(browser_for(officer_north))
    assert "2+ overdue</strong>" in html


def test_the_queries_do_not_grow_with_the_work(
    officer_north, victim, browser_for, django_assert_max_num_queries
):
    client = browser_for(officer_north)
    _home(client)  # warm the session and the working-day calendar

    def with_duties(first: int, number: int) -> None:
        for hours in range(first, first + number):
            a_duty(victim, DutyKind.VICTIM_UPDATE, NOW - timedelta(hours=hours), officer_north)

    # the first and last days the later duties fall on, so both read the same calendar
    with_duties(1, 1)
    with_duties(21, 1)
    with django_assert_max_num_queries(25) as one:
        _home(client)
    with_duties(2, 19)
    with django_assert_max_num_queries(len(one.captured_queries)):
        _home(client)


def test_the_supervisor_sees_the_teams_checks_first_as_cards(
    officer_north, supervisor_north, suspect, victim, browser_for
):
    missed = a_duty(suspect, DutyKind.WELFARE_CHECK, NOW - timedelta(hours=3), officer_north)
    overdue = a_duty(victim, DutyKind.VICTIM_UPDATE, NOW - timedelta(days=2), officer_north)
    html = _home(browser_for(supervisor_north))
    checks = html.index("48-hour welfare checks")
    team = html.index("Your team&#x27;s overdue duties")
    assert html.index("Your work by when it is due") < checks < team
    section = html[checks:team]
    assert f"/duties/{missed.pk}/welfare-check/" in section
    assert "Missed by 3 hours" in section
    # one summary card a check: no table to scroll sideways on a phone
    assert "govuk-summary-card" in section and "<table" not in section
    assert f"/duties/{overdue.pk}/log-contact/" in html[team:]


def test_the_profile_has_its_own_page(admin_north, officer_north, browser_for):
    admin = browser_for(admin_north).get("/profile/").content.decode()
    assert admin_north.full_name in admin
    assert "Agency admin" in admin and "Northshire Police" in admin
    assert 'href="/people/"' in admin
    officer = browser_for(officer_north).get("/profile/").content.decode()
    assert "Generalist officer" in officer and 'href="/people/"' not in officer
