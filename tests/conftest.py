"""Shared personas, as in healthchecks' alice, bob and charlie: an officer and a
supervisor of one force, an officer of another force, charity caseworkers, an
admin and an auditor. Tests build what else they need with the factories."""

import pytest
import time_machine

from agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, TOTPDeviceFactory
from tests.helpers import api_client, signed_in_client


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "clock(moment, tick=False): the moment the `clock` fixture stops time at "
        "(or starts it from, with tick=True)",
    )


@pytest.fixture
def clock_at(request):
    """The moment `clock` travels to: the `clock` marker's, usually set for a whole
    module (`pytestmark = pytest.mark.clock(NOW)`). A directory whose tests share one
    moment overrides this fixture in its conftest instead."""
    marker = request.node.get_closest_marker("clock")
    if marker is None:
        pytest.fail("The clock fixture needs a moment: mark the test with pytest.mark.clock(...)")
    return marker.args[0]


@pytest.fixture
def clock(request, clock_at):
    """Time fixed at `clock_at` (or running on from it with the marker's tick=True);
    the traveller lets a test move it (`clock.shift(...)`, `clock.move_to(...)`). A
    module whose every test needs it adds `pytest.mark.usefixtures("clock")`."""
    marker = request.node.get_closest_marker("clock")
    tick = marker.kwargs.get("tick", False) if marker else False
    with time_machine.travel(clock_at, tick=tick) as traveller:
        yield traveller


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_keepdb):
    """With --reuse-db (`make test-fast`), SQLite's test database lives in a file under
    var/, because an in-memory one cannot outlive the run; PostgreSQL's test database
    is kept as it is. Then the usual per-worker suffix (test_tideline_gw0, ...)."""
    from django.conf import settings

    if django_db_keepdb:
        for database in settings.DATABASES.values():
            test = database.setdefault("TEST", {})
            if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
                test["NAME"] = str(settings.VAR_DIR / "test_tideline")
    request.getfixturevalue("django_db_modify_db_settings_parallel_suffix")


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
