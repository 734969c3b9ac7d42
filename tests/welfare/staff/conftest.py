"""Personas of staff welfare: reviewers of material in the north's online CSA team,
one in another north team, one in the south; and a fixed clock."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, TOTPDeviceFactory

LONDON = ZoneInfo("Europe/London")
# Wednesday 4 March 2026, 18:00 in London (GMT).
NOW = datetime(2026, 3, 4, 18, 0, tzinfo=LONDON)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def _member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def clock_at():
    """The moment the shared `clock` fixture stops time at, for every test here."""
    return NOW


@pytest.fixture
def investigator_north(north, north_team):
    member = _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)
    # Joined well before the clock, so that due dates come from meetings, not joining.
    type(member).objects.filter(pk=member.pk).update(created_at=at(1, 9, month=1))
    member.refresh_from_db()
    return member


@pytest.fixture
def investigator_response(north):
    team = TeamFactory(agency=north, slug="response-north", name="North Response Team")
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.response", team)


@pytest.fixture
def supervisor_response(investigator_response):
    return _member(
        investigator_response.agency,
        Role.POLICE_SUPERVISOR,
        "supervisor.response",
        investigator_response.team,
    )


@pytest.fixture
def officer_response(investigator_response):
    """A generalist officer of the north's response team, who views material in the
    force's grading tools in the course of investigations."""
    return _member(
        investigator_response.agency,
        Role.GENERALIST_OFFICER,
        "officer.response",
        investigator_response.team,
    )


@pytest.fixture
def coordinator_hub(db):
    """A MASH coordinator of a safeguarding hub: not a police officer."""
    hub = AgencyFactory(kind="safeguarding_hub", slug="north-mash", name="North MASH")
    return _member(hub, Role.MASH_COORDINATOR, "coordinator.hub")


@pytest.fixture
def investigator_south(south):
    team = TeamFactory(agency=south, slug="online-csa-south", name="South Online CSA Team")
    return _member(south, Role.SPECIALIST_INVESTIGATOR, "investigator.south", team)
