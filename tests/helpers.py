"""Helpers for tests: a browser session or API client for a persona, the current
TOTP code of a device."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from rest_framework.test import APIClient


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


def api_client(membership) -> APIClient:
    """An API client authenticated as the member (the token tests use real tokens)."""
    client = APIClient()
    client.force_authenticate(user=membership.user)
    return client


# What writing a request's one access-log entry costs, in queries: the insert alone (no
# lock and no read: the sealer chains it later, ADR 0012).
ACCESS_LOG_QUERIES = 1
