"""API tokens: issued for a password and a TOTP code, stored only as a SHA-256
hash, 30 minutes idle and 12 hours in all, revoked by logout and by
deactivation. Also the shape of the token endpoint's errors and of /me/."""

import hashlib
import json
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessFailureLog
from django.db import connection
from django.test import Client
from django_otp.oath import totp
from rest_framework.test import APIClient

from agencies.models import AccessLogEntry, AccessOutcome, ApiToken
from agencies.services.members import member_deactivate, member_mfa_reset, member_reactivate
from agencies.services.sign_in import FAILED_MESSAGE
from tests.factories import TEST_PASSWORD
from tests.helpers import current_code, signed_in_client

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"
ME_URL = "/api/v1/me/"
INVALID = "This token is not valid. Request a new one."
IDLE = "This token has expired (30 minutes unused). Request a new one."
ABSOLUTE = "This token has expired (12 hours since it was issued). Request a new one."


pytestmark = pytest.mark.clock(START)


def wrong_code(device) -> str:
    """A well-formed code that no step within the allowed drift would produce."""
    accepted = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0 - drift * device.step):06d}"
        for drift in (-1, 0, 1)
    }
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def token_request(membership, **overrides):
    device = membership.user.totpdevice_set.get()
    body = {
        "username": membership.user.username,
        "password": TEST_PASSWORD,
        "otp": current_code(device),
        **overrides,
    }
    return APIClient().post(TOKEN_URL, body, format="json")


def issued_token(membership) -> str:
    response = token_request(membership)
    assert response.status_code == 201, response.content
    return response.json()["token"]


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def raw_post(body: str):
    return Client().post(TOKEN_URL, body, content_type="application/json")


# --- Issue


def test_a_token_is_issued_for_the_right_password_and_code(officer_north, clock):
    # when
    response = token_request(officer_north)
    # then
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expires_at"}
    assert len(body["token"]) >= 40
    assert datetime.fromisoformat(body["expires_at"]) == START + timedelta(hours=12)
    token = ApiToken.objects.get()
    assert token.user == officer_north.user
    assert token.created_at == START
    assert token.last_used_at == START
    assert token.expires_at == START + timedelta(hours=12)
    assert token.revoked_at is None


def test_only_the_sha256_of_the_token_is_stored(officer_north, clock):
    # when
    raw = issued_token(officer_north)
    # then
    token = ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert not ApiToken.objects.filter(key_hash=raw).exists()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                assert not any(raw in str(value) for value in row), table


def test_issuing_a_token_is_in_the_access_log(officer_north, clock):
    # when
    issued_token(officer_north)
    # then
    entry = AccessLogEntry.objects.get(action="agencies.token.issued")
    assert entry.username == "officer.north"
    assert entry.agency_slug == "northshire-police"
    assert entry.outcome == AccessOutcome.ALLOWED
    assert entry.object_type == "api_token"
    assert entry.object_id == str(ApiToken.objects.get().id)
    assert entry.endpoint == TOKEN_URL
    assert entry.method == "POST"


@pytest.mark.parametrize(
    "overrides",
    [
        {"password": "not-the-password-at-all"},
        {"username": "nobody.north"},
        {"otp": "WRONG"},
        {"otp": "not-a-code"},
    ],
    ids=["wrong password", "unknown username", "wrong code", "malformed code"],
)
def test_every_wrong_credential_gets_the_same_401(officer_north, clock, overrides):
    # given
    if overrides.get("otp") == "WRONG":
        overrides = {"otp": wrong_code(officer_north.user.totpdevice_set.get())}
    # when
    response = token_request(officer_north, **overrides)
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": FAILED_MESSAGE}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not ApiToken.objects.exists()
    failure = AccessLogEntry.objects.get()
    assert failure.action == "agencies.sign_in.failed"
    assert failure.outcome == AccessOutcome.FAILED
    assert failure.username == overrides.get("username", "officer.north")


def test_a_code_cannot_be_used_twice(officer_north, clock):
    # given
    device = officer_north.user.totpdevice_set.get()
    code = current_code(device)
    first = token_request(officer_north, otp=code)
    # when
    second = token_request(officer_north, otp=code)
    # then
    assert first.status_code == 201
    assert second.status_code == 401
    assert ApiToken.objects.count() == 1


def test_malformed_json_is_400_naming_the_problem(officer_north, clock):
    # when
    response = raw_post('{"username": "officer.north", "password": ')
    # then
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert detail.startswith("Malformed request body: JSON parse error")
    assert not ApiToken.objects.exists()
    assert not AccessFailureLog.objects.exists()


def test_missing_fields_are_400_naming_each_field(officer_north, clock):
    # when
    response = raw_post("{}")
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "errors": {
            "username": ["This field is required."],
            "password": ["This field is required."],
            "otp": ["This field is required."],
        },
    }
    assert not AccessFailureLog.objects.exists()


def test_a_missing_code_is_400_naming_only_the_code(officer_north, clock):
    # when
    response = raw_post(json.dumps({"username": "officer.north", "password": TEST_PASSWORD}))
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"otp": ["This field is required."]}
    assert not ApiToken.objects.exists()


# --- Using a token


def test_me_describes_the_caller_exactly(officer_north, clock):
    # given
    client = bearer(issued_token(officer_north))
    # when
    response = client.get(ME_URL)
    # then
    assert response.status_code == 200
    assert response.json() == {
        "username": "officer.north",
        "full_name": officer_north.user.get_full_name(),
        "agency": {"slug": "northshire-police", "name": "Northshire Police", "kind": "police"},
        "role": "generalist_officer",
        "team": {
            "id": str(officer_north.team.id),
            "name": "Online CSA Team",
            "slug": "online-csa",
        },
    }
    assert response["Cache-Control"] == "no-store"


def test_me_shows_no_team_as_null(admin_north, clock):
    # when
    response = bearer(issued_token(admin_north)).get(ME_URL)
    # then
    assert response.json()["team"] is None
    assert response.json()["role"] == "agency_admin"


def test_me_without_credentials_is_401(db):
    # when
    response = APIClient().get(ME_URL)
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer", "Malformed Authorization header: expected 'Bearer <token>'."),
        ("Bearer one two", "Malformed Authorization header: expected 'Bearer <token>'."),
        ("Bearer not-a-token-we-issued", INVALID),
        ("Basic b2ZmaWNlci5ub3J0aDpwYXNzd29yZA==", None),
        ("Token abc", None),
    ],
)
def test_a_malformed_or_unknown_authorization_header_is_401(officer_north, clock, header, detail):
    # given
    issued_token(officer_north)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    # when
    response = client.get(ME_URL)
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    if detail is not None:
        assert response.json() == {"detail": detail}


def test_the_hash_itself_is_not_a_token(officer_north, clock):
    # given
    issued_token(officer_north)
    stored_hash = ApiToken.objects.get().key_hash
    # when
    response = bearer(stored_hash).get(ME_URL)
    # then
    assert response.status_code == 401


# --- Idle and absolute expiry


def test_a_token_unused_for_29_minutes_still_works(officer_north, clock):
    # given
    client = bearer(issued_token(officer_north))
    clock.shift(timedelta(minutes=29, seconds=59))
    # when
    response = client.get(ME_URL)
    # then
    assert response.status_code == 200


def test_a_token_unused_for_30_minutes_has_expired(officer_north, clock):
    # given
    client = bearer(issued_token(officer_north))
    clock.shift(timedelta(minutes=30))
    # when
    response = client.get(ME_URL)
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": IDLE}


def test_use_restarts_the_idle_clock(officer_north, clock):
    # given: used at 29 minutes
    client = bearer(issued_token(officer_north))
    clock.shift(timedelta(minutes=29))
    assert client.get(ME_URL).status_code == 200
    # when: 29 more minutes, then 30
    clock.shift(timedelta(minutes=29))
    still = client.get(ME_URL)
    clock.shift(timedelta(minutes=30))
    expired = client.get(ME_URL)
    # then
    assert still.status_code == 200
    assert expired.status_code == 401
    assert expired.json() == {"detail": IDLE}
    assert ApiToken.objects.get().last_used_at == START + timedelta(minutes=58)


def test_a_token_expires_12_hours_after_issue_even_when_in_use(officer_north, clock):
    # given: used every 25 minutes, up to a minute before 12 hours
    client = bearer(issued_token(officer_north))
    for step in range(1, 29):
        clock.move_to(START + step * timedelta(minutes=25))
        assert client.get(ME_URL).status_code == 200
    clock.move_to(START + timedelta(hours=11, minutes=59, seconds=59))
    last_good = client.get(ME_URL)
    # when
    clock.move_to(START + timedelta(hours=12))
    response = client.get(ME_URL)
    # then
    assert last_good.status_code == 200
    assert response.status_code == 401
    assert response.json() == {"detail": ABSOLUTE}


def test_an_expired_token_cannot_log_out_or_be_revived(officer_north, clock):
    # given
    client = bearer(issued_token(officer_north))
    clock.shift(timedelta(minutes=30))
    # when
    logout = client.post(LOGOUT_URL)
    # then: the failed use did not refresh it
    assert logout.status_code == 401
    assert ApiToken.objects.get().last_used_at == START


# --- Logout and deactivation


def test_logout_revokes_the_token_in_use(officer_north, clock):
    # given
    client = bearer(issued_token(officer_north))
    # when
    response = client.post(LOGOUT_URL)
    # then
    assert response.status_code == 204
    token = ApiToken.objects.get()
    assert token.revoked_at == START
    assert token.revoked_reason == "logged out"
    after = client.get(ME_URL)
    assert after.status_code == 401
    assert after.json() == {"detail": INVALID}
    assert client.post(LOGOUT_URL).status_code == 401
    entry = AccessLogEntry.objects.get(action="agencies.token.revoked")
    assert entry.username == "officer.north"
    assert entry.object_type == "api_token"
    assert entry.object_id == str(token.id)
    assert entry.justification == "logged out"


def test_logout_revokes_only_the_token_in_use(officer_north, clock):
    # given
    first = bearer(issued_token(officer_north))
    clock.shift(timedelta(seconds=30))
    second = bearer(issued_token(officer_north))
    # when
    first.post(LOGOUT_URL)
    # then
    assert first.get(ME_URL).status_code == 401
    assert second.get(ME_URL).status_code == 200


def test_deactivation_kills_tokens_and_the_browser_session_at_once(
    officer_north, admin_north, clock
):
    # given
    api = bearer(issued_token(officer_north))
    browser = signed_in_client(officer_north)
    assert api.get(ME_URL).status_code == 200
    assert browser.get("/").status_code == 200
    # when
    member_deactivate(actor=admin_north.user, membership=officer_north, reason="left the force")
    # then
    refused = api.get(ME_URL)
    assert refused.status_code == 401
    assert refused.json() == {"detail": INVALID}
    token = ApiToken.objects.get()
    assert token.revoked_at == START
    assert token.revoked_reason == "deactivated: left the force"
    home = browser.get("/")
    assert home.status_code == 302
    assert home["Location"].startswith("/sign-in/")
    assert browser.get(ME_URL).status_code == 401
    revoked = AccessLogEntry.objects.get(action="agencies.token.revoked")
    assert revoked.username == "admin.north"
    assert revoked.object_type == "user"
    assert revoked.object_id == str(officer_north.user.pk)


def test_reactivation_does_not_revive_old_tokens(officer_north, admin_north, clock):
    # given
    api = bearer(issued_token(officer_north))
    member_deactivate(actor=admin_north.user, membership=officer_north, reason="left the force")
    # when
    member_reactivate(actor=admin_north.user, membership=officer_north, reason="came back")
    # then
    assert api.get(ME_URL).status_code == 401
    clock.shift(timedelta(seconds=30))
    assert bearer(issued_token(officer_north)).get(ME_URL).status_code == 200


def test_a_deactivated_member_cannot_get_a_token(officer_north, admin_north, clock):
    # given
    member_deactivate(actor=admin_north.user, membership=officer_north, reason="left the force")
    # when
    response = token_request(officer_north)
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": FAILED_MESSAGE}
    assert not ApiToken.objects.exists()


def test_an_mfa_reset_kills_tokens(officer_north, admin_north, clock):
    # given
    api = bearer(issued_token(officer_north))
    # when
    member_mfa_reset(actor=admin_north.user, membership=officer_north, reason="lost phone")
    # then
    assert api.get(ME_URL).status_code == 401
