"""Browser sessions: 30 minutes idle, 12 hours in all, ended on the server at
sign-out, and deleted on the server when their member is deactivated or their
authenticator reset, so that reactivation revives none of them."""

from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient

from agencies.models import AccessLogEntry, ApiToken, UserSession
from agencies.services.members import member_deactivate, member_mfa_reset, member_reactivate
from agencies.services.sessions import session_index_purge
from tests.factories import TEST_PASSWORD
from tests.helpers import current_code, signed_in_through_the_pages

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
IDLE_MESSAGE = "You were signed out after 30 minutes without activity."
ABSOLUTE_MESSAGE = "You were signed out because you signed in 12 hours ago."


pytestmark = pytest.mark.clock(START)


def is_signed_in(client: Client) -> bool:
    response = client.get("/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    return False


def sign_out_entries(username: str) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(username=username, action="agencies.sign_out")
        .order_by("sequence")
        .values_list("justification", flat=True)
    )


# --- Idle


def test_a_session_idle_for_29_minutes_is_still_signed_in(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(minutes=29, seconds=59))
    # when / then
    assert is_signed_in(client)


def test_a_session_idle_for_30_minutes_is_signed_out_on_the_server(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    session_key = client.session.session_key
    clock.shift(timedelta(minutes=30))
    # when
    response = client.get("/", follow=True)
    # then
    assert response.redirect_chain == [("/sign-in/?next=/", 302)]
    assert IDLE_MESSAGE in response.content.decode()
    assert not Session.objects.filter(session_key=session_key).exists()
    assert sign_out_entries("officer.north") == ["session idle for 30 minutes"]
    assert not is_signed_in(client)


def test_activity_restarts_the_idle_clock(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(minutes=29))
    assert is_signed_in(client)
    # when
    clock.shift(timedelta(minutes=29))
    still = is_signed_in(client)
    clock.shift(timedelta(minutes=30))
    # then
    assert still
    assert not is_signed_in(client)


def test_an_idle_api_session_is_signed_out_too(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(minutes=30))
    # when
    response = client.get("/api/v1/me/")
    # then
    assert response.status_code == 401
    assert not is_signed_in(client)


# --- Absolute


def test_a_session_ends_12_hours_after_sign_in_even_when_active(officer_north, clock):
    # given: a request every 25 minutes, the last a second before 12 hours
    client = signed_in_through_the_pages(officer_north)
    session_key = client.session.session_key
    for step in range(1, 29):
        clock.move_to(START + step * timedelta(minutes=25))
        assert is_signed_in(client), clock
    clock.move_to(START + timedelta(hours=11, minutes=59, seconds=59))
    assert is_signed_in(client)
    # when
    clock.move_to(START + timedelta(hours=12))
    response = client.get("/", follow=True)
    # then
    assert response.redirect_chain == [("/sign-in/?next=/", 302)]
    assert ABSOLUTE_MESSAGE in response.content.decode()
    assert not Session.objects.filter(session_key=session_key).exists()
    assert sign_out_entries("officer.north") == ["session reached 12 hours"]


# --- Sign-out


def test_sign_out_ends_the_session_on_the_server(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    stolen_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    # when
    response = client.post("/sign-out/", follow=True)
    # then
    assert response.redirect_chain == [("/sign-in/", 302)]
    assert "You have signed out." in response.content.decode()
    assert not Session.objects.filter(session_key=stolen_cookie).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = stolen_cookie
    assert not is_signed_in(replay)
    assert replay.get("/api/v1/me/").status_code == 401
    assert not is_signed_in(client)
    assert sign_out_entries("officer.north") == ["signed out"]


def test_sign_out_is_post_only(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    # when
    response = client.get("/sign-out/")
    # then
    assert response.status_code == 405
    assert is_signed_in(client)


def test_sign_out_needs_the_csrf_token(officer_north, clock):
    # given
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post(
        "/sign-in/",
        {"username": "officer.north", "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    code = current_code(officer_north.user.totpdevice_set.get())
    client.post("/sign-in/code/", {"code": code, "csrfmiddlewaretoken": csrf})
    assert is_signed_in(client)
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    # when
    refused = client.post("/sign-out/")
    still = is_signed_in(client)
    accepted = client.post("/sign-out/", {"csrfmiddlewaretoken": csrf})
    # then
    assert refused.status_code == 403
    assert still
    assert accepted.status_code == 302
    assert not is_signed_in(client)


def test_the_api_refuses_a_session_post_without_the_csrf_token(officer_north, clock):
    # given
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    csrf = client.cookies[settings.CSRF_COOKIE_NAME].value
    client.post(
        "/sign-in/",
        {"username": "officer.north", "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    code = current_code(officer_north.user.totpdevice_set.get())
    client.post("/sign-in/code/", {"code": code, "csrfmiddlewaretoken": csrf})
    # when
    response = client.post("/api/v1/auth/logout/", content_type="application/json")
    # then
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- Deactivation


def test_deactivation_signs_the_member_out_of_the_browser_at_once(
    officer_north, admin_north, clock
):
    # given
    client = signed_in_through_the_pages(officer_north)
    # when
    member_deactivate(actor=admin_north.user, membership=officer_north, reason="left the force")
    # then
    assert not is_signed_in(client)
    assert client.get("/api/v1/me/").status_code == 401


def test_a_session_without_the_second_factor_reaches_nothing(officer_north, clock):
    # given
    client = Client()
    client.post("/sign-in/", {"username": "officer.north", "password": TEST_PASSWORD})
    # when / then
    assert not is_signed_in(client)
    assert client.get("/api/v1/me/").status_code == 401


# --- Ending a person's sessions for good


def test_signing_in_indexes_the_session_under_its_person(officer_north, clock):
    # when
    client = signed_in_through_the_pages(officer_north)
    # then
    assert list(UserSession.objects.values_list("session_key", "user")) == [
        (client.session.session_key, officer_north.user.pk)
    ]


def test_signing_out_drops_the_sessions_index_row(officer_north, clock):
    # given
    client = signed_in_through_the_pages(officer_north)
    # when
    client.post("/sign-out/")
    # then
    assert not UserSession.objects.exists()


def test_deactivation_deletes_every_session_of_the_person_on_the_server(
    officer_north, admin_north, clock
):
    # given: two browsers of the officer's, and the admin's own
    laptop = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=30))
    phone = signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(seconds=30))
    admin = signed_in_through_the_pages(admin_north)
    officer_keys = [laptop.session.session_key, phone.session.session_key]
    # when
    member_deactivate(actor=admin_north.user, membership=officer_north, reason="left the force")
    # then
    assert not Session.objects.filter(session_key__in=officer_keys).exists()
    assert not UserSession.objects.filter(user=officer_north.user).exists()
    assert Session.objects.filter(session_key=admin.session.session_key).exists()
    assert is_signed_in(admin)
    entry = AccessLogEntry.objects.get(action="agencies.sessions.ended")
    assert entry.username == "admin.north"
    assert entry.object_id == str(officer_north.user.pk)
    assert entry.justification == "2 session(s): deactivated: left the force"


def test_reactivation_revives_no_earlier_session_or_token(officer_north, admin_north, clock):
    # given: a browser and a program of the officer's, then deactivation
    browser = signed_in_through_the_pages(officer_north)
    old_cookie = browser.cookies[settings.SESSION_COOKIE_NAME].value
    clock.shift(timedelta(seconds=30))
    token = APIClient().post(
        "/api/v1/auth/token/",
        {
            "username": "officer.north",
            "password": TEST_PASSWORD,
            "otp": current_code(officer_north.user.totpdevice_set.get()),
        },
        format="json",
    )
    assert token.status_code == 201
    member_deactivate(actor=admin_north.user, membership=officer_north, reason="suspended")
    # when
    member_reactivate(actor=admin_north.user, membership=officer_north, reason="cleared")
    # then
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    page = replay.get("/")
    assert page.status_code == 302
    assert page["Location"] == "/sign-in/?next=/"
    assert replay.get("/api/v1/me/").status_code == 401
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert program.get("/api/v1/me/").status_code == 401
    # and signing in afresh works
    clock.shift(timedelta(seconds=30))
    assert is_signed_in(signed_in_through_the_pages(officer_north))


def test_an_mfa_reset_deletes_the_persons_sessions_and_tokens(officer_north, admin_north, clock):
    # given
    browser = signed_in_through_the_pages(officer_north)
    key = browser.session.session_key
    clock.shift(timedelta(seconds=30))
    token = APIClient().post(
        "/api/v1/auth/token/",
        {
            "username": "officer.north",
            "password": TEST_PASSWORD,
            "otp": current_code(officer_north.user.totpdevice_set.get()),
        },
        format="json",
    )
    # when
    member_mfa_reset(actor=admin_north.user, membership=officer_north, reason="lost phone")
    # then
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(browser)
    program = APIClient()
    program.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}")
    assert program.get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get().revoked_reason == "MFA reset: lost phone"


def test_the_sessions_index_keeps_nothing_older_than_a_session_can_live(officer_north, clock):
    # given
    signed_in_through_the_pages(officer_north)
    clock.shift(timedelta(hours=12) - timedelta(seconds=1))
    kept = session_index_purge()
    # when
    clock.shift(timedelta(seconds=2))
    purged = session_index_purge()
    # then
    assert (kept, purged) == (0, 1)
    assert not UserSession.objects.exists()
