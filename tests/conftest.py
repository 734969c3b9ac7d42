"""Shared personas, as in healthchecks' alice, bob and charlie: an officer and a
supervisor of one force, an officer of another force, charity caseworkers, an
admin and an auditor. Tests build what else they need with the factories."""

import pytest

from agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, TOTPDeviceFactory
from tests.helpers import api_client, signed_in_client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Production hashing is deliberately slow; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@pytest.fixture
def browser_for():
    return signed_in_client


@pytest.fixture
def api_for():
    return api_client


@pytest.fixture(autouse=True, scope="session")
def _flush_past_the_access_log_trigger():
    """On PostgreSQL the access log refuses TRUNCATE (a trigger). Transactional tests
    end by truncating every table, so around that flush only, and inside the same
    transaction, the trigger is switched off."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush
    trigger = "agencies_accesslogentry_no_truncate"

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if "agencies_accesslogentry" not in tables:
            return statements
        return [
            f"ALTER TABLE agencies_accesslogentry DISABLE TRIGGER {trigger};",
            *statements,
            f"ALTER TABLE agencies_accesslogentry ENABLE TRIGGER {trigger};",
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = original
