"""The iCalendar feed: a secret address made from the calendar page and shown once,
stored hashed, read without a session; it carries a reference and a link, never a
name; each fetch is logged as its owner; a reset refuses the old address at once;
it dies with its owner."""

import hashlib
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from icalendar import Calendar

from agencies.models import AccessLogEntry
from calendars.models import CalendarFeed
from tests.calendars.conftest import (
    CHILD_NAME,
    SUSPECT_NAME,
    VICTIM_NAME,
    VICTIM_UPDATE,
    WELFARE_CONTACT,
    a_bail,
    a_discussion,
    a_duty,
    a_task,
)
from tests.helpers import ACCESS_LOG_QUERIES, api_client, signed_in_client

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # Wednesday

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

_FEED_URL = re.compile(rb'value="(http://testserver/calendar/feed/([A-Za-z0-9_-]+)\.ics)"')


def _feed_made(member, path="/calendar/feed/new/") -> tuple[str, str]:
    """Made through the page, as a person does: (the path, the secret)."""
    response = signed_in_client(member).post(path)
    assert response.status_code == 200
    url, secret = _FEED_URL.search(response.content).groups()
    return url.decode().removeprefix("http://testserver"), secret.decode()


@pytest.fixture
def work(case, victim, suspect, child, officer_north):
    """One of each kind within the feed's window (two weeks back, eight ahead)."""
    return [
        a_duty(victim, VICTIM_UPDATE, datetime(2026, 12, 8, 17, 0, tzinfo=LONDON), officer_north),
        a_duty(
            suspect, WELFARE_CONTACT, datetime(2027, 1, 20, 17, 0, tzinfo=LONDON), officer_north
        ),
        a_task(case, officer_north, date(2026, 12, 10)),
        a_discussion(
            child,
            officer_north,
            datetime(2026, 12, 1, 10, 0, tzinfo=LONDON),
            conference_due_at=datetime(2026, 12, 18, 17, 0, tzinfo=LONDON),
        ),
        a_bail(
            suspect, officer_north, datetime(2026, 11, 20, 12, 0, tzinfo=LONDON), date(2026, 12, 12)
        ),
    ]


def test_the_link_is_made_once_and_only_its_hash_is_kept(officer_north):
    # when
    _, secret = _feed_made(officer_north)
    # then
    feed = CalendarFeed.objects.get()
    assert feed.user == officer_north.user
    assert feed.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in feed.secret_hash
    assert len(secret) == 43
    assert AccessLogEntry.objects.filter(action="calendars.feed.created").count() == 1
    # the calendar page no longer shows it, and offers a reset instead
    page = signed_in_client(officer_north).get("/calendar/").content.decode()
    assert secret not in page
    assert "Reset your calendar link" in page
    assert "Get a calendar link" not in page
    # a second one is refused: the first cannot be shown again
    again = signed_in_client(officer_north).post("/calendar/feed/new/")
    assert again.status_code == 409
    assert CalendarFeed.objects.get().secret_hash == feed.secret_hash


def test_the_feed_is_valid_icalendar_with_each_entry(case, work, officer_north):
    # given
    path, _ = _feed_made(officer_north)
    # when: a calendar app, with no session
    response = Client().get(path)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    assert b"\n" not in body.replace(b"\r\n", b"")
    calendar = Calendar.from_ical(body)
    assert (calendar["VERSION"], calendar["PRODID"]) == ("2.0", "-//Tideline//Calendar feed//EN")
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    update, contact, task, discussion, bail = work
    decision = discussion.decisions.get()
    assert {uid: str(event["SUMMARY"]) for uid, event in events.items()} == {
        f"duty-{update.id}@tideline": "Update the victim: NP-2026-000321",
        f"duty-{contact.id}@tideline": "Welfare contact with the suspect: NP-2026-000321",
        f"task-{task.id}@tideline": "Task due: NP-2026-000321",
        f"strategy-discussion-{discussion.id}@tideline": "Strategy discussion: NP-2026-000321",
        f"conference-due-{decision.id}@tideline": (
            "Initial child protection conference due: NP-2026-000321"
        ),
        f"bail-end-{bail.id}@tideline": "Pre-charge bail ends: NP-2026-000321",
    }
    task_event = events[f"task-{task.id}@tideline"]
    assert task_event["DTSTART"].dt == date(2026, 12, 10)
    assert task_event["DTEND"].dt == date(2026, 12, 11)
    assert str(task_event["URL"]) == f"http://testserver/cases/{case.id}/#tasks"
    assert events[f"duty-{update.id}@tideline"]["DTSTART"].dt == datetime(
        2026, 12, 8, 17, 0, tzinfo=UTC
    )
    assert b"DTSTART;VALUE=DATE:20261210\r\n" in body
    assert b"DTSTART:20261208T170000Z\r\n" in body
    assert body.count(b"DTSTAMP:20261209T100000Z\r\n") == 6


def test_the_feed_carries_no_name_and_no_free_text(case, work, officer_north):
    # given
    officer_north.user.first_name, officer_north.user.last_name = "Marmaduke", "Ostrowski-Penhallow"
    officer_north.user.save(update_fields=["first_name", "last_name"])
    path, _ = _feed_made(officer_north)
    # when
    body = Client().get(path).content
    # then
    unfolded = body.replace(b"\r\n ", b"")
    for name in (*VICTIM_NAME, *SUSPECT_NAME, *CHILD_NAME, "Marmaduke", "Ostrowski"):
        assert name.encode() not in unfolded
    # nor the case's title, the task's title or note, a duty's reason, the minutes
    for text in ("Sextortion", "Ring ", "new phone", "Owed to", "seen at school", "bailed to"):
        assert text.encode() not in unfolded


def test_each_fetch_is_logged_as_the_owner_without_the_secret(work, officer_north):
    # given
    path, secret = _feed_made(officer_north)
    last = AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    # when
    Client().get(path)
    Client().get(path)
    # then
    entries = list(AccessLogEntry.objects.filter(pk__gt=last).order_by("pk"))
    assert [(e.action, e.username, e.agency_slug, e.outcome) for e in entries] == [
        ("calendars.feed.fetched", "officer.north", "northshire-police", "allowed")
    ] * 2
    assert entries[0].endpoint == "/calendar/feed/<secret>.ics"
    assert all(secret not in str(e.endpoint) + str(e.query) for e in entries)
    assert len(entries[0].record_ids) == 6


def test_a_reset_refuses_the_old_address_and_the_new_one_works(work, officer_north):
    # given
    old_path, _ = _feed_made(officer_north)
    assert Client().get(old_path).status_code == 200
    confirm = signed_in_client(officer_north).get("/calendar/feed/reset/")
    assert confirm.status_code == 200
    assert "The old one stops working at once" in confirm.content.decode()
    # when
    new_path, _ = _feed_made(officer_north, "/calendar/feed/reset/")
    # then
    assert new_path != old_path
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200
    assert CalendarFeed.objects.count() == 1
    assert AccessLogEntry.objects.filter(action="calendars.feed.reset").count() == 1


def test_the_api_resets_the_address(work, officer_north):
    # given
    old_path, _ = _feed_made(officer_north)
    # when
    response = api_client(officer_north).post("/api/v1/calendar/feed/reset/")
    # then
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"url", "issued_at"}
    new_path = body["url"].removeprefix("http://testserver")
    assert Client().get(old_path).status_code == 404
    assert Client().get(new_path).status_code == 200


@pytest.mark.parametrize("how", ["deactivated", "no membership"])
def test_the_feed_dies_with_its_owner(work, officer_north, how):
    # given
    path, _ = _feed_made(officer_north)
    if how == "deactivated":
        officer_north.user.is_active = False
        officer_north.user.save(update_fields=["is_active"])
    else:
        officer_north.delete()
    # when
    response = Client().get(path)
    # then
    assert response.status_code == 404
    assert b"NP-2026-000321" not in response.content
    assert not AccessLogEntry.objects.filter(action="calendars.feed.fetched").exists()


def test_an_address_nobody_was_given_is_not_found(officer_north):
    _feed_made(officer_north)
    assert Client().get("/calendar/feed/not-a-secret-anyone-was-given.ics").status_code == 404


def test_a_fetch_costs_the_same_however_many_entries(
    case, victim, officer_north, django_assert_max_num_queries
):
    # given
    path, _ = _feed_made(officer_north)
    for hour in range(8, 18):
        a_duty(victim, VICTIM_UPDATE, datetime(2026, 12, 8, hour, 0, tzinfo=LONDON), officer_north)
        a_task(case, officer_north, date(2026, 12, 11))
    # when / then: the feed and its owner, the membership, five sources, the log's
    # insert (with its actor's membership)
    with django_assert_max_num_queries(8 + ACCESS_LOG_QUERIES):
        response = Client().get(path)
    assert response.content.count(b"BEGIN:VEVENT") == 20
