"""A missed duty reaches the supervisors of the responsible person's team, and the
agency's supervisors when that team has none (welfare.deadlines.duties_sweep with
agencies.selectors.supervision.Recipients)."""

import pytest

from agencies.models import Role
from common.models import Notification
from tests.conftest import _member
from tests.factories import TeamFactory
from tests.welfare.routing.conftest import at
from welfare.deadlines import WELFARE_CHECK_MISSED, duties_sweep
from welfare.models import DutyKind, DutyTrigger
from welfare.services.duties import duty_open

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def supervisor_east(north):
    # A supervisor of another team of the same force.
    east = TeamFactory(agency=north, slug="east", name="East Team")
    return _member(north, Role.POLICE_SUPERVISOR, "supervisor.east", east)


def _missed_check(case, suspect, holder):
    return duty_open(
        actor=None,
        case=case,
        party=suspect,
        kind=DutyKind.WELFARE_CHECK,
        trigger=DutyTrigger.EVENT,
        reason="Released at risk of suicide",
        due_at=at(2026, 3, 11, 9, 0),
        due_by_clock=True,
        source_key=f"test:missed:{holder.user.username}",
        responsible=holder.user,
    )


def told_of_missed() -> set[str]:
    return set(
        Notification.objects.filter(kind=WELFARE_CHECK_MISSED).values_list(
            "user__username", flat=True
        )
    )


def test_a_missed_check_reaches_the_supervisors_of_the_holders_team(
    case, suspect, investigator_north, supervisor_north, supervisor_east
):
    # given a check held by the investigator of the Online CSA team, missed at 09:00
    _missed_check(case, suspect, investigator_north)
    # when the sweep runs at noon
    counts = duties_sweep()
    # then the holder and their team's supervisor are told, not the other team's
    assert counts["welfare_check_missed"] == 2
    assert told_of_missed() == {"investigator.north", "supervisor.north"}


def test_a_team_without_a_supervisor_is_covered_by_the_agencys(
    case, suspect, officer_forensics, supervisor_north, supervisor_east
):
    # given a check held by an officer of Digital Forensics, a team with no supervisor
    _missed_check(case, suspect, officer_forensics)
    # when the sweep runs
    duties_sweep()
    # then every supervisor of the force is told, with the holder
    assert told_of_missed() == {"officer.forensics", "supervisor.north", "supervisor.east"}
    # and a second run tells nobody again
    assert duties_sweep()["welfare_check_missed"] == 0
