"""Helpers for tests: a browser session or API client for a persona, the current
TOTP code of a device, and changing the access log behind the ORM's back."""

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def signed_in_client(membership) -> Client:
    """A browser session that passed both factors, without going through the pages
    (the sign-in tests go through them)."""
    client = Client()
    client.force_login(membership.user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = membership.user.totpdevice_set.get().persistent_id
    session.save()
    return client


def signed_in_through_the_pages(membership) -> Client:
    """A browser session signed in as a person does: the password page, then the
    code page (for tests of what signing in itself starts, such as the idle clock)."""
    client = Client()
    client.post("/sign-in/", {"username": membership.user.username, "password": TEST_PASSWORD})
    device = membership.user.totpdevice_set.get()
    response = client.post("/sign-in/code/", {"code": current_code(device)})
    assert response["Location"] == "/", response
    return client


ACCESS_LOG_TABLE = "agencies_accesslogentry"
ACCESS_LOG_ROW_TRIGGER = "agencies_accesslogentry_no_update_delete"


def access_log_tamper(sql: str, params: list) -> None:
    """Change the access log behind the ORM's back, as someone with database access
    could. On PostgreSQL that person would first have to switch the trigger off; the
    test does so inside its own transaction, which is rolled back."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE {ACCESS_LOG_TABLE} DISABLE TRIGGER {ACCESS_LOG_ROW_TRIGGER}"
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                f"ALTER TABLE {ACCESS_LOG_TABLE} ENABLE TRIGGER {ACCESS_LOG_ROW_TRIGGER}"
            )


def api_client(membership) -> APIClient:
    """An API client authenticated as the member (the token tests use real tokens)."""
    client = APIClient()
    client.force_authenticate(user=membership.user)
    return client


# What writing a request's one access-log entry costs, in queries: the insert alone (no
# lock and no read: the sealer chains it later, ADR 0012).
ACCESS_LOG_QUERIES = 1
