"""The lockout: 5 failed attempts for one username within 15 minutes lock it for
30 minutes, or until an agency admin unlocks it. Wrong passwords, unknown
usernames and wrong codes all count, in the browser and the API alike."""

from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessFailureLog
from django.test import Client
from django_otp.oath import totp

from agencies.lockout import LOCKED_MESSAGE, username_is_locked
from agencies.models import AccessLogEntry, AccessOutcome, ApiToken
from agencies.services.members import member_unlock
from agencies.services.sign_in import FAILED_MESSAGE
from tests.factories import TEST_PASSWORD
from tests.helpers import current_code

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
WRONG_PASSWORD = "not-the-password-at-all"
TOKEN_URL = "/api/v1/auth/token/"


pytestmark = pytest.mark.clock(START)


def wrong_code(device) -> str:
    """A well-formed code that no step within the allowed drift would produce."""
    accepted = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0 - drift * device.step):06d}"
        for drift in (-1, 0, 1)
    }
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def password_step(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def browser_sign_in(membership):
    """The whole sign-in through the pages; returns the client and the last response."""
    client = Client()
    response = password_step(client, membership.user.username)
    if response.status_code != 302:
        return client, response
    device = membership.user.totpdevice_set.get()
    return client, client.post("/sign-in/code/", {"code": current_code(device)})


def token_request(username: str, password: str = TEST_PASSWORD, otp: str = "000000"):
    return Client().post(
        TOKEN_URL,
        {"username": username, "password": password, "otp": otp},
        content_type="application/json",
    )


def fail_in_browser(username: str, times: int) -> list:
    return [password_step(Client(), username, WRONG_PASSWORD) for _ in range(times)]


def sign_in_log(username: str) -> list[tuple[str, str]]:
    return list(
        AccessLogEntry.objects.filter(username=username, action__startswith="agencies.sign_in")
        .order_by("sequence")
        .values_list("action", "outcome")
    )


# --- The fourth failure does not lock; the fifth does


def test_four_failures_then_the_right_credentials_sign_in(officer_north, clock):
    # given
    answers = fail_in_browser("officer.north", 4)
    # when
    client, response = browser_sign_in(officer_north)
    # then
    assert [a.status_code for a in answers] == [200] * 4
    assert all(FAILED_MESSAGE in a.content.decode() for a in answers)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert not username_is_locked("officer.north")


def test_the_fifth_failure_locks_and_says_so(officer_north, clock):
    # given
    fail_in_browser("officer.north", 4)
    # when
    fifth = password_step(Client(), "officer.north", WRONG_PASSWORD)
    # then
    assert fifth.status_code == 429
    assert LOCKED_MESSAGE in fifth.content.decode()
    assert username_is_locked("officer.north")
    assert sign_in_log("officer.north") == [
        ("agencies.sign_in.failed", AccessOutcome.FAILED),
        ("agencies.sign_in.failed", AccessOutcome.FAILED),
        ("agencies.sign_in.failed", AccessOutcome.FAILED),
        ("agencies.sign_in.failed", AccessOutcome.FAILED),
        ("agencies.sign_in.locked_out", AccessOutcome.DENIED),
    ]


def test_a_locked_username_is_refused_even_with_the_right_credentials(officer_north, clock):
    # given
    fail_in_browser("officer.north", 5)
    clock.shift(timedelta(minutes=1))
    # when
    client = Client()
    response = password_step(client, "officer.north")
    # then
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "pending_sign_in" not in client.session
    assert client.get("/").status_code == 302
    assert sign_in_log("officer.north")[-1] == (
        "agencies.sign_in.locked_out",
        AccessOutcome.DENIED,
    )


def test_the_api_locks_on_the_fifth_failure_and_then_answers_429(officer_north, clock):
    # given
    device = officer_north.user.totpdevice_set.get()
    answers = [token_request("officer.north", WRONG_PASSWORD) for _ in range(5)]
    clock.shift(timedelta(minutes=1))
    # when
    response = token_request("officer.north", otp=current_code(device))
    # then
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert response.status_code == 429
    assert response.json() == {"detail": LOCKED_MESSAGE}
    assert not ApiToken.objects.exists()


def test_four_api_failures_then_the_right_credentials_get_a_token(officer_north, clock):
    # given
    device = officer_north.user.totpdevice_set.get()
    for _ in range(4):
        token_request("officer.north", WRONG_PASSWORD)
    # when
    response = token_request("officer.north", otp=current_code(device))
    # then
    assert response.status_code == 201
    assert ApiToken.objects.filter(user=officer_north.user).count() == 1


def test_a_browser_lockout_also_refuses_the_api(officer_north, clock):
    # given
    device = officer_north.user.totpdevice_set.get()
    fail_in_browser("officer.north", 3)
    token_request("officer.north", WRONG_PASSWORD)
    token_request("officer.north", WRONG_PASSWORD)
    # when
    browser = password_step(Client(), "officer.north")
    api = token_request("officer.north", otp=current_code(device))
    # then
    assert browser.status_code == 429
    assert api.status_code == 429


def test_a_lockout_is_for_that_username_only(officer_north, supervisor_north, clock):
    # given
    fail_in_browser("officer.north", 5)
    # when
    client, response = browser_sign_in(supervisor_north)
    # then
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_an_unknown_username_locks_exactly_like_a_real_one(officer_north, clock):
    # when
    unknown = [password_step(Client(), "nobody.north", WRONG_PASSWORD) for _ in range(5)]
    known = [password_step(Client(), "officer.north", WRONG_PASSWORD) for _ in range(5)]
    # then
    assert [a.status_code for a in unknown] == [a.status_code for a in known]
    assert [a.status_code for a in known] == [200, 200, 200, 200, 429]
    assert sign_in_log("nobody.north") == [
        (action, outcome) for action, outcome in sign_in_log("officer.north")
    ]


# --- The 15-minute window


def test_failures_spread_over_more_than_15_minutes_do_not_lock(officer_north, clock):
    # given: four failures, the first of them 15 minutes before the fifth
    for minute in (0, 5, 10, 14):
        clock.move_to(START + timedelta(minutes=minute))
        password_step(Client(), "officer.north", WRONG_PASSWORD)
    clock.move_to(START + timedelta(minutes=15))
    # when
    fifth = password_step(Client(), "officer.north", WRONG_PASSWORD)
    # then
    assert fifth.status_code == 200
    assert FAILED_MESSAGE in fifth.content.decode()
    assert not username_is_locked("officer.north")
    _client, response = browser_sign_in(officer_north)
    assert response["Location"] == "/"


def test_five_failures_within_15_minutes_lock(officer_north, clock):
    # given: four failures, the first of them just under 15 minutes before the fifth
    for moment in (timedelta(0), timedelta(minutes=5), timedelta(minutes=10)):
        clock.move_to(START + moment)
        password_step(Client(), "officer.north", WRONG_PASSWORD)
    clock.move_to(START + timedelta(minutes=14))
    password_step(Client(), "officer.north", WRONG_PASSWORD)
    clock.move_to(START + timedelta(minutes=14, seconds=59))
    # when
    fifth = password_step(Client(), "officer.north", WRONG_PASSWORD)
    # then
    assert fifth.status_code == 429
    assert username_is_locked("officer.north")


# --- The lock lifts after 30 minutes


def test_the_lock_holds_at_29_minutes(officer_north, clock):
    # given
    fail_in_browser("officer.north", 5)
    device = officer_north.user.totpdevice_set.get()
    clock.shift(timedelta(minutes=29, seconds=59))
    # when
    browser = password_step(Client(), "officer.north")
    api = token_request("officer.north", otp=current_code(device))
    # then
    assert browser.status_code == 429
    assert api.status_code == 429


def test_the_lock_lifts_after_30_minutes(officer_north, clock):
    # given
    fail_in_browser("officer.north", 5)
    clock.shift(timedelta(minutes=30))
    # when
    client, response = browser_sign_in(officer_north)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_api_lock_lifts_after_30_minutes(officer_north, clock):
    # given
    for _ in range(5):
        token_request("officer.north", WRONG_PASSWORD)
    clock.shift(timedelta(minutes=30))
    device = officer_north.user.totpdevice_set.get()
    # when
    response = token_request("officer.north", otp=current_code(device))
    # then
    assert response.status_code == 201


def test_attempts_while_locked_do_not_extend_the_lock(officer_north, clock):
    # given: locked at START, then tried again during the lock
    fail_in_browser("officer.north", 5)
    refused = []
    for minute, password in ((5, WRONG_PASSWORD), (20, TEST_PASSWORD), (25, WRONG_PASSWORD)):
        clock.move_to(START + timedelta(minutes=minute))
        refused.append(password_step(Client(), "officer.north", password))
    clock.move_to(START + timedelta(minutes=30))
    # when
    _client, response = browser_sign_in(officer_north)
    # then
    assert [r.status_code for r in refused] == [429, 429, 429]
    assert all(LOCKED_MESSAGE in r.content.decode() for r in refused)
    assert AccessFailureLog.objects.filter(username="officer.north").count() == 5
    assert response["Location"] == "/"


def test_a_lifted_lock_starts_a_fresh_count(officer_north, clock):
    # given
    fail_in_browser("officer.north", 5)
    clock.shift(timedelta(minutes=30))
    # when
    answers = fail_in_browser("officer.north", 4)
    # then
    assert [a.status_code for a in answers] == [200] * 4
    assert not username_is_locked("officer.north")


# --- An agency admin unlocks


def test_an_agency_admin_unlocks_at_once(officer_north, admin_north, clock):
    # given
    fail_in_browser("officer.north", 5)
    # when
    cleared = member_unlock(
        actor=admin_north.user, membership=officer_north, reason="rang the service desk"
    )
    # then
    assert cleared == 5
    assert not username_is_locked("officer.north")
    _client, response = browser_sign_in(officer_north)
    assert response["Location"] == "/"
    unlocked = AccessLogEntry.objects.get(action="agencies.member.unlocked")
    assert unlocked.username == "admin.north"
    assert unlocked.object_id == str(officer_north.id)
    assert unlocked.justification == "rang the service desk"


def test_an_unlock_through_the_api_lets_the_api_in(officer_north, admin_north, api_for, clock):
    # given
    for _ in range(5):
        token_request("officer.north", WRONG_PASSWORD)
    device = officer_north.user.totpdevice_set.get()
    # when
    unlocked = api_for(admin_north).post(
        f"/api/v1/members/{officer_north.id}/unlock/",
        {"reason": "verified by phone"},
        format="json",
    )
    response = token_request("officer.north", otp=current_code(device))
    # then
    assert unlocked.status_code == 200
    assert response.status_code == 201


# --- Wrong codes count


def test_wrong_codes_count_towards_the_lockout(officer_north, clock):
    # given: four wrong passwords, then the right one
    device = officer_north.user.totpdevice_set.get()
    fail_in_browser("officer.north", 4)
    client = Client()
    password_step(client, "officer.north")
    # when: a wrong code
    response = client.post("/sign-in/code/", {"code": wrong_code(device)})
    # then
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert "pending_sign_in" not in client.session
    assert client.get("/").status_code == 302
    assert username_is_locked("officer.north")


def test_five_wrong_codes_lock_even_with_the_right_password(officer_north, clock):
    # given
    device = officer_north.user.totpdevice_set.get()
    client = Client()
    answers = []
    for _ in range(4):
        # A wrong code ends the attempt: each try starts again with the password.
        password_step(client, "officer.north")
        answers.append(client.post("/sign-in/code/", {"code": wrong_code(device)}))
    password_step(client, "officer.north")
    # when
    fifth = client.post("/sign-in/code/", {"code": wrong_code(device)})
    right = client.post("/sign-in/code/", {"code": current_code(device)})
    again = password_step(client, "officer.north")
    # then
    assert [a.status_code for a in answers] == [200] * 4
    assert all(FAILED_MESSAGE in a.content.decode() for a in answers)
    assert fifth.status_code == 429
    assert right.status_code == 302
    assert right["Location"] == "/sign-in/"
    assert again.status_code == 429
    assert client.get("/").status_code == 302


def test_wrong_api_codes_count_towards_the_lockout(officer_north, clock):
    # given
    device = officer_north.user.totpdevice_set.get()
    answers = [token_request("officer.north", otp=wrong_code(device)) for _ in range(5)]
    # when
    response = token_request("officer.north", otp=current_code(device))
    # then
    assert [a.status_code for a in answers] == [401, 401, 401, 401, 429]
    assert response.status_code == 429
    assert not ApiToken.objects.exists()


def test_a_lock_that_falls_between_the_password_and_the_code_refuses_the_code(officer_north, clock):
    # given: the password passed, then someone else locks the username
    device = officer_north.user.totpdevice_set.get()
    client = Client()
    password_step(client, "officer.north")
    fail_in_browser("officer.north", 5)
    # when
    response = client.post("/sign-in/code/", {"code": current_code(device)})
    # then
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.content.decode()
    assert client.get("/").status_code == 302
