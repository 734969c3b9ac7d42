"""The optional read replica: with DATABASE_REPLICA_URL set, the reports and
statistics read casework from the `replica` alias; everything else, every write,
every migration and every access check stays on `default`. Without it, everything
is `default`. The replica here is the test database itself (as TEST MIRROR makes
it), so the tests that read through it commit their rows first."""

import json
import os
import re
import subprocess
import sys
from datetime import UTC, date, datetime

import pytest
from django.apps import apps
from django.db import connections
from django.test.utils import CaptureQueriesContext, override_settings

from agencies.models import Membership
from cases.models import Case, CaseGrant
from cases.reports import outcome_report
from common.replica import REPLICA, replica_reads
from config.db_router import ACCESS_MODELS, ReplicaRouter
from referrals.reports import referral_report
from tests.cases.test_outcome_report import OutcomeFactory
from tests.factories import CaseFactory
from welfare.reports import suspect_welfare_statistics

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
OUTCOMES = "/api/v1/reports/outcomes/"

pytestmark = pytest.mark.clock(NOW)


@pytest.fixture(scope="class")
def replica_configured(django_db_setup):
    """A `replica` alias on the test database, and the router, as settings make them
    when DATABASE_REPLICA_URL is set. Class-scoped, so that the alias exists before
    the test's database access is set up (which checks the aliases it is given)."""
    primary = connections["default"].settings_dict
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": "default"}}
    with override_settings(DATABASE_ROUTERS=["config.db_router.ReplicaRouter"]):
        yield
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_configured):
    return connections[REPLICA]


def tables(queries: CaptureQueriesContext) -> str:
    return "\n".join(query["sql"] for query in queries.captured_queries)


def casework_read(queries: CaptureQueriesContext) -> set[str]:
    """The casework tables the queries read from, less those that say who may read."""
    read = set(
        re.findall(r'FROM "((?:cases|safeguarding|referrals|welfare)_[a-z_]+)"', tables(queries))
    )
    return {
        table for table in read if table != "cases_casegrant" and "objectpermission" not in table
    }


# --- The settings


def settings_with(**environ: str) -> dict:
    """DATABASES and DATABASE_ROUTERS as config.settings makes them from `environ`."""
    script = (
        "import json; from config import settings as s; "
        "print(json.dumps({'databases': s.DATABASES, "
        "'routers': getattr(s, 'DATABASE_ROUTERS', [])}, default=str))"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "DATABASE_REPLICA_URL", "DATABASE_POOLER")
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DEBUG": "1", **environ},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_without_a_replica_there_is_one_database_and_no_router():
    # when
    configured = settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/tideline")
    # then
    assert list(configured["databases"]) == ["default"]
    assert configured["routers"] == []


def test_a_replica_url_adds_the_alias_mirrored_in_tests_and_the_router():
    # when
    configured = settings_with(
        DATABASE_URL="postgres://postgres@primary:5432/tideline",
        DATABASE_REPLICA_URL="postgres://reader@replica:5432/tideline",
    )
    # then
    replica = configured["databases"]["replica"]
    assert (replica["HOST"], replica["USER"], replica["TEST"]) == (
        "replica",
        "reader",
        {"MIRROR": "default"},
    )
    assert configured["routers"] == ["config.db_router.ReplicaRouter"]


def test_behind_pgbouncer_no_server_side_cursor_and_no_prepared_statement():
    # when
    configured = settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:6432/tideline",
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:6433/tideline",
        DATABASE_POOLER="pgbouncer",
    )
    # then: both connections, since both go through a pooler
    for database in configured["databases"].values():
        assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert database["OPTIONS"]["prepare_threshold"] is None
        assert database["CONN_HEALTH_CHECKS"] is True


def test_without_the_pooler_server_side_cursors_stay():
    # when
    configured = settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/tideline")
    # then
    assert "DISABLE_SERVER_SIDE_CURSORS" not in configured["databases"]["default"]


# --- Without a replica


def test_without_a_replica_alias_the_router_reads_from_default():
    # given: the router installed but no replica configured
    # when
    with replica_reads():
        chosen = ReplicaRouter().db_for_read(Case)
    # then
    assert chosen == "default"


def test_migrations_run_only_on_default():
    # given
    router = ReplicaRouter()
    # when / then
    assert router.allow_migrate("default", "cases") is True
    assert router.allow_migrate("replica", "cases") is False


@pytest.mark.django_db
def test_without_a_replica_the_report_reads_from_default(api_for, officer_north, north):
    # given
    case = CaseFactory(owning_agency=north)
    OutcomeFactory(case=case, code="1", outcome_on=date(2026, 4, 1))
    # when
    with CaptureQueriesContext(connections["default"]) as on_default:
        response = api_for(officer_north).get(OUTCOMES, {"year": 2026})
    # then
    assert REPLICA not in connections.settings
    assert response.json()["total"] == 1
    assert '"cases_outcome"' in tables(on_default)


# --- With a replica

BOTH = ["default", REPLICA]


@pytest.mark.usefixtures("replica_configured")
class TestWithAReplica:
    def test_the_router_reads_casework_from_the_replica_only_inside_a_report(self):
        # given
        router = ReplicaRouter()
        # when
        outside = router.db_for_read(Case)
        with replica_reads():
            inside = router.db_for_read(Case)
            access_check = router.db_for_read(Membership)
            grant = router.db_for_read(CaseGrant)
            write = router.db_for_write(Case)
        # then
        assert (outside, inside, access_check, grant, write) == (
            "default",
            "replica",
            "default",
            "default",
            "default",
        )

    @pytest.mark.django_db(transaction=True, databases=BOTH)
    def test_the_outcome_report_counts_on_the_replica_and_checks_access_on_default(
        self, replica, api_for, officer_north, north
    ):
        # given: committed, so that the replica's connection sees them
        case = CaseFactory(owning_agency=north)
        OutcomeFactory(case=case, code="1", outcome_on=date(2026, 4, 1))
        # when
        with (
            CaptureQueriesContext(connections["default"]) as on_default,
            CaptureQueriesContext(replica) as on_replica,
        ):
            response = api_for(officer_north).get(OUTCOMES, {"year": 2026})
        # then
        assert response.status_code == 200
        assert response.json()["total"] == 1
        assert len(on_replica) == 1
        assert '"cases_outcome"' in tables(on_replica)
        assert '"agencies_membership"' not in tables(on_replica)
        assert '"agencies_membership"' in tables(on_default)
        assert '"cases_outcome"' not in tables(on_default)

    @pytest.mark.django_db(transaction=True, databases=BOTH)
    @pytest.mark.parametrize(
        "report",
        [
            lambda actor: outcome_report(actor=actor, year=2026),
            lambda actor: referral_report(
                actor=actor, date_from=date(2026, 1, 1), date_to=date(2026, 3, 31)
            ),
            lambda actor: suspect_welfare_statistics(actor=actor, year=2026),
        ],
        ids=["outcomes", "referrals", "suspect welfare"],
    )
    def test_every_report_reads_its_figures_from_the_replica(self, replica, auditor_north, report):
        # when
        with (
            CaptureQueriesContext(connections["default"]) as on_default,
            CaptureQueriesContext(replica) as on_replica,
        ):
            report(auditor_north.user)
        # then: the figures from the replica, the access check from the primary
        assert len(on_replica) >= 1
        assert '"agencies_membership"' in tables(on_default)
        assert casework_read(on_default) == set()

    @pytest.mark.django_db(transaction=True, databases=BOTH)
    def test_a_case_list_read_stays_on_default(self, replica, api_for, officer_north, north):
        # given
        CaseFactory(owning_agency=north)
        # when
        with CaptureQueriesContext(replica) as on_replica:
            response = api_for(officer_north).get("/api/v1/cases/")
        # then
        assert response.status_code == 200
        assert len(response.json()["results"]) == 1
        assert len(on_replica) == 0


def test_every_model_kept_on_the_primary_exists():
    # when
    found = [apps.get_model(label) for label in sorted(ACCESS_MODELS)]
    # then: a renamed model would otherwise fall silently to the replica
    assert [model._meta.label_lower for model in found] == sorted(ACCESS_MODELS)
