"""The calendar page and GET /api/v1/calendar/: the week's entries, the days with
nothing due, moving week by week, a week that cannot be read refused naming the
field, each read logged once, and the queries each costs."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from agencies.models import AccessLogEntry
from tests.calendars.conftest import (
    SUSPECT_NAME,
    VICTIM_NAME,
    VICTIM_UPDATE,
    WELFARE_CONTACT,
    a_duty,
    a_task,
)
from tests.helpers import ACCESS_LOG_QUERIES, api_client, signed_in_client

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # Wednesday of 2026-W50

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def week_of_work(case, victim, suspect, officer_north):
    update = a_duty(
        victim, VICTIM_UPDATE, datetime(2026, 12, 8, 17, 0, tzinfo=LONDON), officer_north
    )
    contact = a_duty(
        suspect, WELFARE_CONTACT, datetime(2026, 12, 9, 9, 15, tzinfo=LONDON), officer_north
    )
    task = a_task(case, officer_north, date(2026, 12, 10))
    return update, contact, task


def _logged_since(last: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=last).order_by("pk"))


def _last() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


# --- The page


def test_the_page_shows_this_week_with_its_entries_and_empty_days(
    case, week_of_work, officer_north
):
    # given
    update, contact, task = week_of_work
    client = signed_in_client(officer_north)
    last = _last()
    # when
    response = client.get("/calendar/")
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = response.content.decode()
    assert "Your calendar: 7 December to 13 December 2026" in text
    assert "Week 2026-W50" in text
    assert "Tuesday 8 December" in text and "Sunday 13 December" in text
    assert text.count("Nothing due.") == 4  # Monday, Friday, Saturday, Sunday
    assert 'Wednesday 9 December <strong class="govuk-tag govuk-tag--blue">Today</strong>' in text
    assert ">17:00</dt>" in text and ">09:15</dt>" in text and ">All day</dt>" in text
    assert "Update the victim" in text and "Welfare contact with the suspect" in text
    assert text.count("Case NP-2026-000321") == 3
    assert f'href="/duties/{update.id}/log-contact/"' in text
    assert f'href="/cases/{case.id}/#tasks"' in text
    assert 'href="?week=2026-W49"' in text and 'href="?week=2026-W51"' in text
    # no names, no free text: the case title names the victim, the task's title too
    for name in (*VICTIM_NAME, *SUSPECT_NAME):
        assert name not in text
    assert "Ring" not in text
    # the read is logged, once, naming the records shown
    [entry] = _logged_since(last)
    assert (entry.action, entry.username, entry.endpoint, entry.object_type) == (
        "calendars.calendar.viewed",
        "officer.north",
        "/calendar/",
        "calendar",
    )
    assert sorted(entry.record_ids) == sorted(
        [f"duty:{update.id}", f"duty:{contact.id}", f"task:{task.id}"]
    )
    assert entry.object_agency_slug == "northshire-police"


def test_the_page_moves_week_by_week(week_of_work, officer_north):
    client = signed_in_client(officer_north)
    # when
    later = client.get("/calendar/?week=2026-W51")
    by_date = client.get("/calendar/?week=9/12/2026")
    # then
    assert later.status_code == 200
    text = later.content.decode()
    assert "Your calendar: 14 December to 20 December 2026" in text
    assert text.count("Nothing due.") == 7
    assert "Go to this week" in text
    assert 'href="?week=2026-W50"' in text
    assert "Update the victim" in by_date.content.decode()


def test_a_week_that_cannot_be_read_is_refused_naming_the_field(week_of_work, officer_north):
    client = signed_in_client(officer_north)
    last = _last()
    # when
    response = client.get("/calendar/?week=2026-W60")
    # then
    assert response.status_code == 400
    text = response.content.decode()
    assert '<a href="#week">Enter a week as 2026-W50' in text
    assert 'value="2026-W60"' in text
    assert "Update the victim" not in text
    assert _logged_since(last) == []


def test_an_empty_calendar_says_so_and_offers_a_link(admin_north):
    response = signed_in_client(admin_north).get("/calendar/")
    text = response.content.decode()
    assert response.status_code == 200
    assert text.count("Nothing due.") == 7
    assert "Get a calendar link" in text


def test_the_page_costs_the_same_however_many_entries(
    case, victim, officer_north, django_assert_max_num_queries
):
    client = signed_in_client(officer_north)
    client.get("/calendar/")  # warm: the session's first use
    for hour in range(8, 18):
        a_duty(victim, VICTIM_UPDATE, datetime(2026, 12, 8, hour, 0, tzinfo=LONDON), officer_north)
        a_task(case, officer_north, date(2026, 12, 11))
    # when / then: the session, its user and OTP device, the membership, the
    # navigation's counts, five sources, the feed, and the access log
    with django_assert_max_num_queries(14 + ACCESS_LOG_QUERIES):
        response = client.get("/calendar/")
    assert response.content.decode().count("Case NP-2026-000321") == 20


# --- The API


def test_the_api_answers_the_same_entries(case, week_of_work, officer_north):
    update, contact, task = week_of_work
    last = _last()
    # when
    response = api_client(officer_north).get("/api/v1/calendar/?week=2026-W50")
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert {key: body[key] for key in body if key != "entries"} == {
        "week": "2026-W50",
        "starts_on": "2026-12-07",
        "ends_on": "2026-12-13",
        "previous_week": "2026-W49",
        "next_week": "2026-W51",
    }
    case_ref = {"id": str(case.id), "reference": "NP-2026-000321"}
    assert body["entries"] == [
        {
            "id": f"duty-{update.id}@tideline",
            "kind": "duty.victim_update",
            "what": "Update the victim",
            "case": case_ref,
            "on": "2026-12-08",
            "at": "2026-12-08T17:00:00Z",
            "all_day": False,
            "link": f"/duties/{update.id}/log-contact/",
        },
        {
            "id": f"duty-{contact.id}@tideline",
            "kind": "duty.welfare_contact",
            "what": "Welfare contact with the suspect",
            "case": case_ref,
            "on": "2026-12-09",
            "at": "2026-12-09T09:15:00Z",
            "all_day": False,
            "link": f"/duties/{contact.id}/welfare-check/",
        },
        {
            "id": f"task-{task.id}@tideline",
            "kind": "task",
            "what": "Task due",
            "case": case_ref,
            "on": "2026-12-10",
            "at": None,
            "all_day": True,
            "link": f"/cases/{case.id}/#tasks",
        },
    ]
    [entry] = _logged_since(last)
    assert (entry.action, entry.endpoint, entry.query) == (
        "calendars.calendar.viewed",
        "/api/v1/calendar/",
        "week=2026-W50",
    )
    assert len(entry.record_ids) == 3


def test_the_api_refuses_a_week_it_cannot_read_naming_the_field(officer_north):
    response = api_client(officer_north).get("/api/v1/calendar/?week=W50")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["week"]


def test_the_api_costs_the_same_however_many_entries(
    case, victim, officer_north, django_assert_max_num_queries
):
    client = api_client(officer_north)
    for hour in range(8, 18):
        a_duty(victim, VICTIM_UPDATE, datetime(2026, 12, 8, hour, 0, tzinfo=LONDON), officer_north)
        a_task(case, officer_north, date(2026, 12, 11))
    # when / then: the membership, five sources and the access log
    with django_assert_max_num_queries(6 + ACCESS_LOG_QUERIES):
        response = client.get("/api/v1/calendar/")
    assert len(response.json()["entries"]) == 20
