"""Enrolment through a one-time link: the only way into a new account, or back into
one whose authenticator was reset. The link is stored hashed, works once, for 72
hours, and a newer one ends it. Through it the person sets their own password and
enrols their authenticator; until then no password signs the account in."""

import hashlib
import re
from base64 import b32encode
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from agencies.models import AccessLogEntry, ApiToken, EnrolmentLink, Role, UserSession
from agencies.services.members import (
    member_create,
    member_deactivate,
    member_mfa_reset,
    member_reactivate,
)
from agencies.services.sign_in import FAILED_MESSAGE
from tests.factories import TEST_PASSWORD
from tests.helpers import current_code

START = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
NEW_PASSWORD = "harbour-lantern-quarry-77"
UNUSABLE = "This link has expired or has already been used. Ask your agency admin for a new one."
TOKEN_URL = "/api/v1/auth/token/"


pytestmark = pytest.mark.clock(START)


def raw_of(issued) -> str:
    return re.fullmatch(r"http://127\.0\.0\.1:8000/enrol/([A-Za-z0-9_-]{43})/", issued.url)[1]


@pytest.fixture
def created(admin_north, north, clock):
    """A person an admin has just created: (membership, the raw token of their link)."""
    membership, issued = member_create(
        actor=admin_north.user,
        username="new.starter",
        first_name="Nia",
        last_name="Starter",
        email="",
        role=Role.GENERALIST_OFFICER,
    )
    return membership, raw_of(issued)


def enrol_url(raw: str) -> str:
    return f"/enrol/{raw}/"


def open_link(client: Client, raw: str):
    return client.get(enrol_url(raw))


def device_of(user) -> TOTPDevice:
    return TOTPDevice.objects.get(user=user)


def complete(client: Client, raw: str, user, **overrides):
    """Opens the link (which creates the authenticator's key) and submits the form."""
    open_link(client, raw)
    body = {
        "password": NEW_PASSWORD,
        "password_again": NEW_PASSWORD,
        "code": current_code(device_of(user)),
        **overrides,
    }
    return client.post(enrol_url(raw), body)


def normalised(response) -> str:
    """The page without what differs on every answer: the CSRF token and CSP nonce."""
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r'nonce="[^"]+"', "nonce", html)


def error_summary(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="govuk-error-summary"')
    return html[start : html.index("</ul>", start)]


def link_of(user) -> EnrolmentLink:
    return EnrolmentLink.objects.get(user=user, revoked_at__isnull=True)


# --- The link itself


def test_creating_a_person_makes_a_link_that_is_stored_only_as_its_hash(created, admin_north):
    # given
    membership, raw = created
    # when
    link = EnrolmentLink.objects.get()
    # then
    assert link.user == membership.user
    assert link.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert link.created_by == admin_north.user
    assert link.created_at == START
    assert link.expires_at == START + timedelta(hours=72)
    assert link.used_at is None
    assert not membership.user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=membership.user).exists()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                assert not any(raw in str(value) for value in row), table
    [history] = link.history.all()
    assert history.history_user == admin_north.user
    assert history.history_change_reason == "account created"
    [entry] = AccessLogEntry.objects.filter(action="agencies.enrolment_link.issued")
    assert entry.username == "admin.north"
    assert entry.object_type == "member"
    assert entry.object_id == str(membership.id)
    assert entry.justification == "account created"


def test_the_link_page_shows_who_it_is_for_a_qr_code_and_the_key(created):
    # given
    membership, raw = created
    # when
    response = open_link(Client(), raw)
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert "Set up your Tideline account" in page
    assert "your username is <strong>new.starter</strong>" in page
    device = device_of(membership.user)
    assert device.confirmed is False
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "<svg" in page
    # A plain form: nothing on the page needs JavaScript to work.
    assert '<form method="post" novalidate>' in page
    for name in ("password", "password_again", "code"):
        assert f'name="{name}"' in page
    assert EnrolmentLink.objects.get().used_at is None


def test_the_key_stays_the_same_until_it_is_confirmed(created):
    # given
    membership, raw = created
    first = open_link(Client(), raw)
    # when
    second = open_link(Client(), raw)
    # then
    assert TOTPDevice.objects.filter(user=membership.user).count() == 1
    assert first.context["secret"] == second.context["secret"]


# --- Using it


def test_the_link_sets_the_password_enrols_the_authenticator_and_signs_in(created):
    # given
    membership, raw = created
    client = Client()
    # when
    response = complete(client, raw, membership.user)
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    user = User.objects.get(pk=membership.user.pk)
    assert user.check_password(NEW_PASSWORD)
    assert device_of(user).confirmed is True
    link = EnrolmentLink.objects.get()
    assert link.used_at == START
    assert link.history.first().history_user == user
    home = client.get("/")
    assert home.status_code == 200
    assert "Your password and authenticator app are set up." in home.content.decode()
    assert "Nia Starter" in home.content.decode()
    assert UserSession.objects.filter(user=user).count() == 1
    assert list(
        AccessLogEntry.objects.filter(username="new.starter")
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["agencies.enrolment.completed", "agencies.sign_in.succeeded"]


def test_after_enrolment_the_password_and_a_code_sign_in_and_get_a_token(created, clock):
    # given
    membership, raw = created
    complete(Client(), raw, membership.user).client.post("/sign-out/")
    clock.shift(timedelta(seconds=30))
    device = device_of(membership.user)
    # when
    browser = Client()
    browser.post("/sign-in/", {"username": "new.starter", "password": NEW_PASSWORD})
    signed_in = browser.post("/sign-in/code/", {"code": current_code(device)})
    clock.shift(timedelta(seconds=30))
    token = APIClient().post(
        TOKEN_URL,
        {"username": "new.starter", "password": NEW_PASSWORD, "otp": current_code(device)},
        format="json",
    )
    # then
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    assert token.status_code == 201


def test_the_link_works_once(created, clock):
    # given
    membership, raw = created
    complete(Client(), raw, membership.user)
    clock.shift(timedelta(seconds=30))
    # when
    reopened = open_link(Client(), raw)
    reused = Client().post(
        enrol_url(raw),
        {
            "password": "another-password-of-mine",
            "password_again": "another-password-of-mine",
            "code": current_code(device_of(membership.user)),
        },
    )
    # then
    assert reopened.status_code == reused.status_code == 404
    assert UNUSABLE in reopened.content.decode()
    assert UNUSABLE in reused.content.decode()
    assert User.objects.get(pk=membership.user.pk).check_password(NEW_PASSWORD)
    assert TOTPDevice.objects.filter(user=membership.user).count() == 1


def test_the_link_works_for_72_hours_and_not_a_moment_longer(created, clock):
    # given
    membership, raw = created
    clock.shift(timedelta(hours=72) - timedelta(seconds=1))
    still = open_link(Client(), raw)
    # when
    clock.shift(timedelta(seconds=1))
    expired = open_link(Client(), raw)
    submitted = Client().post(
        enrol_url(raw),
        {
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
            "code": current_code(device_of(membership.user)),
        },
    )
    # then
    assert still.status_code == 200
    assert expired.status_code == submitted.status_code == 404
    assert UNUSABLE in expired.content.decode()
    assert not User.objects.get(pk=membership.user.pk).has_usable_password()
    assert device_of(membership.user).confirmed is False


@pytest.mark.parametrize("reason", ["unknown", "used", "expired", "replaced", "deactivated"])
def test_every_unusable_link_gets_the_same_page(created, admin_north, clock, reason):
    # given
    membership, raw = created
    standard = open_link(Client(), "x" * 43)
    if reason == "unknown":
        raw = raw[:-1] + ("A" if raw[-1] != "A" else "B")
    elif reason == "used":
        complete(Client(), raw, membership.user)
    elif reason == "expired":
        clock.shift(timedelta(hours=73))
    elif reason == "replaced":
        member_mfa_reset(actor=admin_north.user, membership=membership, reason="lost the link")
    else:
        member_deactivate(actor=admin_north.user, membership=membership, reason="left")
    # when
    response = open_link(Client(), raw)
    # then
    assert response.status_code == standard.status_code == 404
    assert normalised(response) == normalised(standard)
    assert UNUSABLE in response.content.decode()


# --- What the form refuses


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password": "", "password_again": ""}, "password", "Enter a new password."),
        ({"password_again": ""}, "password_again", "Enter your new password again."),
        (
            {"password_again": "harbour-lantern-quarry-78"},
            "password_again",
            "The passwords do not match. Enter the same password twice.",
        ),
        (
            {"password": "tq8-vbn3-zx", "password_again": "tq8-vbn3-zx"},
            "password",
            "This password is too short. It must contain at least 12 characters.",
        ),
        (
            {"password": "password1234", "password_again": "password1234"},
            "password",
            "This password is too common.",
        ),
        (
            {"password": "new.starter.2026", "password_again": "new.starter.2026"},
            "password",
            "The password is too similar to the username.",
        ),
        (
            {"code": ""},
            "code",
            "Enter the 6-digit security code from your authenticator app.",
        ),
        (
            {"code": "12345x"},
            "code",
            "The security code is not right. Enter the code your authenticator app shows now.",
        ),
    ],
    ids=[
        "no password",
        "not repeated",
        "repeated wrongly",
        "too short",
        "too common",
        "like the username",
        "no code",
        "wrong code",
    ],
)
def test_a_refused_form_names_the_field_and_changes_nothing(created, overrides, field, message):
    # given
    membership, raw = created
    # when
    response = complete(Client(), raw, membership.user, **overrides)
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="#id_{field}">{message}</a>' in error_summary(response)
    assert (
        f'<p id="id_{field}-error" class="govuk-error-message">'
        f'<span class="govuk-visually-hidden">Error:</span> {message}'
    ) in page
    assert "<title>Error: Set up your account" in page
    assert not User.objects.get(pk=membership.user.pk).has_usable_password()
    assert device_of(membership.user).confirmed is False
    assert EnrolmentLink.objects.get().used_at is None
    assert not UserSession.objects.exists()
    assert response.client.get("/").status_code == 302


def test_a_wrong_code_from_a_known_device_is_refused(created):
    # given
    membership, raw = created
    client = Client()
    open_link(client, raw)
    code = current_code(device_of(membership.user))
    wrong = f"{(int(code) + 500_000) % 1_000_000:06d}"
    # when
    response = client.post(
        enrol_url(raw), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "code": wrong}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "code": ["The security code is not right. Enter the code your authenticator app shows now."]
    }
    assert EnrolmentLink.objects.get().used_at is None


def test_a_right_code_is_not_spent_by_a_refused_password(created):
    # given: the passwords are refused, with this step's code
    membership, raw = created
    client = Client()
    open_link(client, raw)
    code = current_code(device_of(membership.user))
    refused = client.post(
        enrol_url(raw), {"password": "short", "password_again": "short", "code": code}
    )
    # when: the same code again, with good passwords
    response = client.post(
        enrol_url(raw), {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "code": code}
    )
    # then
    assert refused.status_code == 200
    assert response.status_code == 302
    assert device_of(membership.user).confirmed is True


# --- No way in without the link


def test_a_fresh_account_cannot_be_taken_over_with_a_password(admin_north, clock):
    # given: created through the API; the admin sets no password, but suppose one was
    # set anyway (an older account, or a database edit)
    admin = APIClient()
    admin.force_authenticate(user=admin_north.user)
    created = admin.post(
        "/api/v1/members/",
        {"username": "new.starter", "first_name": "Nia", "last_name": "Starter", "role": "auditor"},
        format="json",
    )
    assert created.status_code == 201
    user = User.objects.get(username="new.starter")
    user.set_password(TEST_PASSWORD)
    user.save(update_fields=["password"])
    body = {"password": TEST_PASSWORD, "otp": "123456"}
    # when
    taken_over = APIClient().post(TOKEN_URL, {**body, "username": "new.starter"}, format="json")
    unknown = APIClient().post(TOKEN_URL, {**body, "username": "nobody.north"}, format="json")
    page = Client().post("/sign-in/", {"username": "new.starter", "password": TEST_PASSWORD})
    unknown_page = Client().post("/sign-in/", {"username": "new.starter", "password": "wrong!"})
    # then
    assert taken_over.status_code == unknown.status_code == 401
    assert taken_over.content == unknown.content
    assert taken_over.json() == {"detail": FAILED_MESSAGE}
    assert taken_over["WWW-Authenticate"] == unknown["WWW-Authenticate"]
    assert page.status_code == unknown_page.status_code == 200
    assert normalised(page) == normalised(unknown_page)
    assert "pending_sign_in" not in page.client.session
    assert not ApiToken.objects.exists()
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert EnrolmentLink.objects.get(user=user).used_at is None


def test_an_mfa_reset_issues_a_new_link_and_ends_the_old_one(created, admin_north):
    # given: the person opened their first link (so a key was made) but did not finish
    membership, first = created
    open_link(Client(), first)
    old_secret = b32encode(device_of(membership.user).bin_key).decode()
    # when
    issued = member_mfa_reset(actor=admin_north.user, membership=membership, reason="lost it")
    second = raw_of(issued)
    # then
    assert open_link(Client(), first).status_code == 404
    reopened = open_link(Client(), second)
    assert reopened.status_code == 200
    assert b32encode(device_of(membership.user).bin_key).decode() != old_secret
    assert EnrolmentLink.objects.count() == 2
    assert EnrolmentLink.objects.filter(revoked_at=START).count() == 1
    assert link_of(membership.user).token_hash == hashlib.sha256(second.encode()).hexdigest()
    assert issued.expires_at == START + timedelta(hours=72)


def test_after_an_mfa_reset_only_the_new_link_lets_the_person_back_in(
    officer_north, admin_north, clock
):
    # given
    issued = member_mfa_reset(actor=admin_north.user, membership=officer_north, reason="lost")
    # when: their password alone
    refused = Client().post("/sign-in/", {"username": "officer.north", "password": TEST_PASSWORD})
    # then
    assert refused.status_code == 200
    assert FAILED_MESSAGE in error_summary(refused)
    # and through the link they choose a new password and authenticator
    response = complete(Client(), raw_of(issued), officer_north.user)
    assert response.status_code == 302
    assert User.objects.get(pk=officer_north.user.pk).check_password(NEW_PASSWORD)


def test_deactivation_ends_an_unused_link_for_good(created, admin_north):
    # given
    membership, raw = created
    member_deactivate(actor=admin_north.user, membership=membership, reason="not joining")
    # when
    member_reactivate(actor=admin_north.user, membership=membership, reason="joining after all")
    # then
    assert open_link(Client(), raw).status_code == 404
    link = EnrolmentLink.objects.get()
    assert link.revoked_at == START
    assert link.history.first().history_change_reason == "deactivated: not joining"
