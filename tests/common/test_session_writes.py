"""A page view reads the session; it writes the session row at most once a minute,
to move the idle clock (issue 15, 5a). The idle limit still holds, to the minute."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.helpers import signed_in_through_the_pages

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.clock(START)


def session_row_writes(queries: CaptureQueriesContext) -> int:
    return sum(
        1
        for query in queries.captured_queries
        if query["sql"].startswith(("UPDATE", "INSERT")) and '"django_session"' in query["sql"]
    )


def page_view(client: Client):
    response = client.get("/")
    assert response.status_code == 200, response
    return response


def test_ten_page_views_within_a_minute_write_the_session_row_once(officer_north, clock):
    # given: signed in at START, the first view a minute later
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=60))
    # when: ten views in the next 45 seconds
    responses = []
    with CaptureQueriesContext(connection) as queries:
        for _ in range(10):
            responses.append(page_view(client))
            clock.shift(timedelta(seconds=5))
    # then: the first moved the idle clock and renewed the cookie; the nine others
    # neither wrote nor sent a cookie
    assert session_row_writes(queries) == 1
    cookie = responses[0].cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE == 12 * 60 * 60
    assert [settings.SESSION_COOKIE_NAME in response.cookies for response in responses[1:]] == [
        False
    ] * 9


def test_views_within_the_first_minute_after_sign_in_write_nothing(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    # when
    with CaptureQueriesContext(connection) as queries:
        for _ in range(10):
            page_view(client)
            clock.shift(timedelta(seconds=5))
    # then
    assert session_row_writes(queries) == 0


def test_a_view_61_seconds_after_the_last_write_writes_again(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=60))
    page_view(client)
    session_key = client.session.session_key
    expiry_before = Session.objects.get(session_key=session_key).expire_date
    # when
    clock.shift(timedelta(seconds=61))
    with CaptureQueriesContext(connection) as queries:
        response = page_view(client)
    # then: the row's expiry moved on with the write, as the cookie's did
    assert session_row_writes(queries) == 1
    assert settings.SESSION_COOKIE_NAME in response.cookies
    expiry_after = Session.objects.get(session_key=session_key).expire_date
    assert expiry_after - expiry_before == timedelta(seconds=61)
    assert client.session["last_seen_at"] == (START + timedelta(seconds=121)).isoformat()


def test_a_view_within_the_minute_does_not_move_the_idle_clock(officer_north, clock):
    # given: signed in at START, seen again 59 s later
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=59))
    page_view(client)
    # when: 30 minutes after sign-in, 29 min 1 s after that view
    clock.move_to(START + settings.SESSION_IDLE_TIMEOUT)
    response = client.get("/")
    # then: the clock counts from the recorded minute, so the session ended: at most
    # 59 s early, never late
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")


def test_the_idle_limit_signs_out_30_minutes_after_the_recorded_activity(officer_north, clock):
    # given: activity recorded at START + 60 s
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=60))
    page_view(client)
    session_key = client.session.session_key
    # when
    clock.move_to(START + timedelta(seconds=60) + settings.SESSION_IDLE_TIMEOUT)
    response = client.get("/", follow=True)
    # then
    assert response.redirect_chain == [("/sign-in/?next=/", 302)]
    assert "You were signed out after 30 minutes without activity." in response.content.decode()
    assert not Session.objects.filter(session_key=session_key).exists()


def test_a_view_a_second_before_the_limit_keeps_the_session(officer_north, clock):
    # given: activity recorded at START + 60 s, and again 29 min 59 s later
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=60))
    page_view(client)
    clock.shift(timedelta(minutes=29, seconds=59))
    page_view(client)
    # when: 30 minutes after the first view, 1 s after the second
    clock.shift(timedelta(seconds=1))
    response = client.get("/")
    # then
    assert response.status_code == 200
