"""Shared personas, as in healthchecks' alice, bob and charlie: an officer and a
supervisor of one force, an officer of another force, charity caseworkers, an
admin and an auditor. Tests build what else they need with the factories."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from rest_framework.test import APIClient

from agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, TOTPDeviceFactory


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }


@pytest.fixture
def north(db):
    return AgencyFactory(slug="northshire-police", name="Northshire Police")


@pytest.fixture
def south(db):
    return AgencyFactory(slug="southshire-police", name="Southshire Police")


@pytest.fixture
def harbour(db):
    return AgencyFactory(
        slug="harbour-victim-support", name="Harbour Victim Support", victim_support=True
    )


@pytest.fixture
def lighthouse(db):
    return AgencyFactory(
        slug="lighthouse-family-support", name="Lighthouse Family Support", family_support=True
    )


@pytest.fixture
def north_team(north):
    return TeamFactory(agency=north, slug="online-csa", name="Online CSA Team")


def _member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def officer_north(north, north_team):
    return _member(north, Role.GENERALIST_OFFICER, "officer.north", north_team)


@pytest.fixture
def supervisor_north(north, north_team):
    return _member(north, Role.POLICE_SUPERVISOR, "supervisor.north", north_team)


@pytest.fixture
def admin_north(north):
    return _member(north, Role.AGENCY_ADMIN, "admin.north")


@pytest.fixture
def auditor_north(north):
    return _member(north, Role.AUDITOR, "auditor.north")


@pytest.fixture
def officer_south(south):
    return _member(south, Role.GENERALIST_OFFICER, "officer.south")


@pytest.fixture
def admin_south(south):
    return _member(south, Role.AGENCY_ADMIN, "admin.south")


@pytest.fixture
def caseworker_harbour(harbour):
    return _member(harbour, Role.PARTNER_CASEWORKER, "caseworker.harbour")


@pytest.fixture
def caseworker_lighthouse(lighthouse):
    return _member(lighthouse, Role.PARTNER_CASEWORKER, "caseworker.lighthouse")


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


@pytest.fixture
def browser_for():
    return signed_in_client


@pytest.fixture
def api_for():
    return api_client
