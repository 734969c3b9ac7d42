"""Signing in through the pages: a password, then a TOTP code. Every failure, for
whatever reason, gets the same page; an account that has not enrolled through its
link cannot sign in at all. Also the password rules, CSRF and the cookie flags."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.lockout import LOCKED_MESSAGE
from agencies.models import AccessLogEntry, ApiToken, Role
from agencies.services.sign_in import FAILED_MESSAGE
from tests.factories import TEST_PASSWORD, MembershipFactory
from tests.helpers import current_code

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


pytestmark = pytest.mark.clock(START)


@pytest.fixture
def new_starter(north):
    """A member whose admin has just created them: no authenticator yet (this
    factory gives them a password, which must not be enough)."""
    return MembershipFactory(
        agency=north,
        role=Role.GENERALIST_OFFICER,
        user__username="new.starter",
        user__first_name="Nia",
        user__last_name="Starter",
    )


def wrong_code(device) -> str:
    """A well-formed code that no step within the allowed drift would produce."""
    accepted = {
        f"{totp(device.bin_key, step=device.step, t0=device.t0 - drift * device.step):06d}"
        for drift in (-1, 0, 1)
    }
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def password_step(client: Client, username: str, password: str = TEST_PASSWORD):
    return client.post("/sign-in/", {"username": username, "password": password})


def error_summary(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


def log_actions(username: str) -> list[str]:
    return list(
        AccessLogEntry.objects.filter(username=username)
        .order_by("sequence")
        .values_list("action", flat=True)
    )


# --- The whole journey


def test_password_then_code_signs_in_with_a_new_session_key(officer_north, clock):
    # given
    client = Client()
    client.get("/sign-in/")
    anonymous_key = client.session.session_key
    device = officer_north.user.totpdevice_set.get()
    # when
    after_password = password_step(client, "officer.north")
    pending_key = client.session.session_key
    after_code = client.post("/sign-in/code/", {"code": current_code(device)})
    # then
    assert after_password.status_code == 302
    assert after_password["Location"] == "/sign-in/code/"
    assert after_code.status_code == 302
    assert after_code["Location"] == "/"
    signed_in_key = client.session.session_key
    assert signed_in_key not in (anonymous_key, pending_key)
    assert not Session.objects.filter(session_key=pending_key).exists()
    assert "pending_sign_in" not in client.session
    home = client.get("/")
    assert home.status_code == 200
    page = home.content.decode()
    assert officer_north.full_name in page
    assert "Northshire Police" in page
    assert "Generalist officer" in page
    officer_north.user.refresh_from_db()
    assert officer_north.user.last_login == START
    assert log_actions("officer.north") == ["agencies.sign_in.succeeded"]


def test_sign_in_returns_to_the_page_asked_for(admin_north, clock):
    # given
    client = Client()
    first = client.get("/people/")
    # when
    client.get(first["Location"])
    password_step(client, "admin.north")
    response = client.post(
        "/sign-in/code/", {"code": current_code(admin_north.user.totpdevice_set.get())}
    )
    # then
    assert first["Location"] == "/sign-in/?next=/people/"
    assert response["Location"] == "/people/"


def test_sign_in_never_returns_to_another_site(officer_north, clock):
    # given
    client = Client()
    client.get("/sign-in/?next=https://evil.example/")
    password_step(client, "officer.north")
    # when
    response = client.post(
        "/sign-in/code/", {"code": current_code(officer_north.user.totpdevice_set.get())}
    )
    # then
    assert response["Location"] == "/"


def test_the_password_alone_does_not_sign_in(officer_north, clock):
    # given
    client = Client()
    password_step(client, "officer.north")
    # when
    response = client.get("/")
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
    assert client.get("/api/v1/me/").status_code == 401


def test_the_code_page_needs_the_password_first(officer_north, clock):
    # given
    client = Client()
    code = current_code(officer_north.user.totpdevice_set.get())
    # when
    response = client.post("/sign-in/code/", {"code": code}, follow=True)
    # then
    assert response.redirect_chain == [("/sign-in/", 302)]
    assert "Enter your username and password first." in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_passed_password_is_good_for_five_minutes_only(officer_north, clock):
    # given
    client = Client()
    password_step(client, "officer.north")
    device = officer_north.user.totpdevice_set.get()
    # when
    clock.shift(timedelta(minutes=5, seconds=1))
    response = client.post("/sign-in/code/", {"code": current_code(device)})
    # then
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert client.get("/").status_code == 302


def test_the_same_code_cannot_be_used_twice(officer_north, clock):
    # given: a sign-in that used this step's code
    device = officer_north.user.totpdevice_set.get()
    code = current_code(device)
    first = Client()
    password_step(first, "officer.north")
    first.post("/sign-in/code/", {"code": code})
    # when: someone replays it within the same 30 seconds
    second = Client()
    password_step(second, "officer.north")
    response = second.post("/sign-in/code/", {"code": code})
    # then
    assert response.status_code == 200
    assert FAILED_MESSAGE in response.content.decode()
    assert second.get("/").status_code == 302


# --- Failures answer alike


def test_wrong_password_and_unknown_username_answer_alike(officer_north, clock):
    # given
    client = Client()
    # when
    wrong_password = password_step(client, "officer.north", "not-the-password-at-all")
    unknown_username = password_step(client, "nobody.north")
    # then
    assert wrong_password.status_code == unknown_username.status_code == 200
    assert FAILED_MESSAGE in error_summary(wrong_password)
    assert error_summary(wrong_password) == error_summary(unknown_username)
    assert "pending_sign_in" not in client.session
    assert log_actions("officer.north") == ["agencies.sign_in.failed"]
    assert log_actions("nobody.north") == ["agencies.sign_in.failed"]


def test_a_wrong_code_answers_like_a_wrong_password(officer_north, clock):
    # given
    client = Client()
    password_step(client, "officer.north")
    device = officer_north.user.totpdevice_set.get()
    # when
    response = client.post("/sign-in/code/", {"code": wrong_code(device)})
    # then
    assert response.status_code == 200
    assert FAILED_MESSAGE in error_summary(response)
    assert client.get("/").status_code == 302
    assert log_actions("officer.north") == ["agencies.sign_in.failed"]


def test_an_inactive_member_is_refused_like_anyone_else(officer_north, clock):
    # given
    officer_north.user.is_active = False
    officer_north.user.save(update_fields=["is_active"])
    # when
    response = password_step(Client(), "officer.north")
    # then
    assert response.status_code == 200
    assert FAILED_MESSAGE in error_summary(response)


# --- Every failure answers alike, whatever its reason


def _normalised(response, username: str) -> str:
    """The page with what differs between any two renderings taken out: the CSRF
    token and the CSP nonce (new on every answer), and the username as typed."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    html = re.sub(r'nonce="[^"]+"', "nonce", html)
    return html.replace(f'value="{username}"', 'value="USERNAME"')


def _fail_by(reason: str, officer, new_starter) -> tuple:
    """One failed sign-in through the pages, for one reason: the last answer and the
    username typed."""
    client = Client()
    device = officer.user.totpdevice_set.get()
    if reason == "unknown username":
        return password_step(client, "nobody.north"), "nobody.north"
    if reason == "wrong password":
        return password_step(client, "officer.north", "not-the-password-at-all"), "officer.north"
    if reason == "not enrolled":
        return password_step(client, "new.starter"), "new.starter"
    if reason == "not enrolled, password set by an admin":
        new_starter.user.set_password("an-admin-chose-this-1")
        new_starter.user.save(update_fields=["password"])
        return password_step(client, "new.starter", "an-admin-chose-this-1"), "new.starter"
    if reason == "inactive":
        officer.user.is_active = False
        officer.user.save(update_fields=["is_active"])
        return password_step(client, "officer.north"), "officer.north"
    assert reason == "wrong code"
    assert password_step(client, "officer.north").status_code == 302
    return client.post("/sign-in/code/", {"code": wrong_code(device)}), "officer.north"


FAILURE_REASONS = [
    "unknown username",
    "wrong password",
    "not enrolled",
    "not enrolled, password set by an admin",
    "inactive",
    "wrong code",
]


@pytest.mark.parametrize("reason", FAILURE_REASONS)
def test_every_failed_sign_in_gets_the_same_page(officer_north, new_starter, clock, reason):
    # given: the answer to a wrong password, as the standard
    standard, standard_username = _fail_by("wrong password", officer_north, new_starter)
    clock.shift(timedelta(seconds=30))
    # when
    response, username = _fail_by(reason, officer_north, new_starter)
    # then
    assert response.status_code == standard.status_code == 200
    assert FAILED_MESSAGE in error_summary(response)
    assert _normalised(response, username) == _normalised(standard, standard_username)
    assert response.client.get("/").status_code == 302
    assert "pending_sign_in" not in response.client.session


def test_a_fresh_account_cannot_sign_in_with_any_password(new_starter, clock):
    # given: created by an admin, not yet enrolled through its link
    client = Client()
    # when
    response = password_step(client, "new.starter")
    # then
    assert response.status_code == 200
    assert FAILED_MESSAGE in error_summary(response)
    assert "pending_sign_in" not in client.session
    assert client.get("/sign-in/code/").status_code == 302
    assert not TOTPDevice.objects.filter(user=new_starter.user).exists()
    assert log_actions("new.starter") == ["agencies.sign_in.failed"]


def test_the_old_set_up_at_first_sign_in_page_is_gone(new_starter, clock):
    # given
    client = Client()
    password_step(client, "new.starter")
    # when
    response = client.get("/sign-in/set-up-authenticator/")
    # then
    assert response.status_code == 404
    assert not TOTPDevice.objects.filter(user=new_starter.user).exists()


def test_a_token_cannot_be_had_before_enrolment(new_starter, clock):
    # when
    response = Client().post(
        "/api/v1/auth/token/",
        {"username": "new.starter", "password": TEST_PASSWORD, "otp": "123456"},
        content_type="application/json",
    )
    # then
    assert response.status_code == 401
    assert response.json() == {"detail": FAILED_MESSAGE}
    assert not ApiToken.objects.exists()


def test_a_locked_account_gets_429_at_either_step(officer_north, clock):
    # given: four failures, then the password passes
    for _ in range(4):
        password_step(Client(), "officer.north", "not-the-password-at-all")
    client = Client()
    assert password_step(client, "officer.north").status_code == 302
    # when: the fifth failure is a wrong code
    fifth = client.post(
        "/sign-in/code/", {"code": wrong_code(officer_north.user.totpdevice_set.get())}
    )
    sixth = password_step(Client(), "officer.north")
    # then
    assert fifth.status_code == sixth.status_code == 429
    assert LOCKED_MESSAGE in error_summary(fifth)
    assert _normalised(fifth, "officer.north") == _normalised(sixth, "officer.north")


# --- CSRF and cookies


def test_a_sign_in_post_without_a_csrf_token_is_refused(officer_north, clock):
    # given
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    # when
    response = password_step(client, "officer.north")
    # then
    assert response.status_code == 403
    assert "pending_sign_in" not in client.session
    assert not AccessLogEntry.objects.exists()


def test_a_sign_in_post_with_the_csrf_token_is_accepted(officer_north, clock):
    # given
    client = Client(enforce_csrf_checks=True)
    client.get("/sign-in/")
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    # when
    response = client.post(
        "/sign-in/",
        {"username": "officer.north", "password": TEST_PASSWORD, "csrfmiddlewaretoken": token},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/"


def test_the_session_cookie_is_httponly_samesite_lax_and_secure(officer_north, clock):
    # given
    client = Client()
    password_step(client, "officer.north")
    # when
    response = client.post(
        "/sign-in/code/", {"code": current_code(officer_north.user.totpdevice_set.get())}
    )
    # then
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert settings.DEBUG is False
    assert settings.SESSION_COOKIE_SECURE is True
    assert cookie["secure"] is True
    assert cookie["max-age"] == 12 * 60 * 60


def test_the_csrf_cookie_is_httponly_samesite_lax_and_secure(clock, db):
    # when
    response = Client().get("/sign-in/")
    # then
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["secure"] is True


# --- Password rules


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("tq8-vbn3-zx", "This password is too short. It must contain at least 12 characters."),
        ("password1234", "This password is too common."),
        ("officer.north1", "The password is too similar to the username."),
    ],
)
def test_passwords_that_break_a_rule_are_refused(password, problem, db):
    # given
    from django.contrib.auth.models import User

    user = User(username="officer.north", first_name="Olive", last_name="North")
    # when
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=user)
    # then
    assert refused.value.messages == [problem]


def test_a_twelve_character_password_is_long_enough(db):
    # given
    from django.contrib.auth.models import User

    user = User(username="officer.north", first_name="Olive", last_name="North")
    # when / then: no error
    validate_password("tq8-vbn3-zxy", user=user)
