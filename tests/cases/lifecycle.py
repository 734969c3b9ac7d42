"""Fixtures for closing, reopening and transferring cases: the personas of both
forces (the conftest's north and south, with a supervisor and an investigator of
Southshire in a team), a northshire-police case with a victim and a suspect, and
the same case after an arrest, with its duties of care open. Test modules import
the fixtures by name, as `from tests.cases.lifecycle import *` would (`__all__`
names only the fixtures), and the helpers by name."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies.models import Role
from cases.services.events import investigation_event_record
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TeamFactory,
    TOTPDeviceFactory,
)
from welfare.models import Duty, DutyStatus

__all__ = [
    "arrested",
    "case",
    "investigator_north",
    "investigator_south",
    "mash",
    "south_team",
    "supervisor_south",
    "suspect",
    "victim",
]

LONDON = ZoneInfo("Europe/London")
# A Monday morning in winter; the arrest that opens the duties is at 08:00.
MONDAY = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)
ARRESTED_AT = datetime(2026, 3, 2, 8, 0, tzinfo=LONDON)


def frozen(moment: datetime = MONDAY):
    return time_machine.travel(moment, tick=False)


def _member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def south_team(south):
    return TeamFactory(agency=south, slug="online-csa", name="South Online CSA Team")


@pytest.fixture
def supervisor_south(south, south_team):
    return _member(south, Role.POLICE_SUPERVISOR, "supervisor.south", south_team)


@pytest.fixture
def investigator_south(south, south_team):
    return _member(south, Role.SPECIALIST_INVESTIGATOR, "investigator.south", south_team)


@pytest.fixture
def investigator_north(north, north_team):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def case(north, north_team, officer_north):
    return CaseFactory(
        owning_agency=north,
        reference="NP-2026-000042",
        title="Online grooming of a 14-year-old",
        received_on=date(2026, 2, 26),
        opened_on=date(2026, 2, 26),
        lead_officer=officer_north.user,
        team=north_team,
    )


@pytest.fixture
def victim(case):
    return PartyFactory(
        case=case, role="victim", person__first_name="Nia", person__last_name="Fictive"
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(
        case=case, role="suspect", person__first_name="Reece", person__last_name="Invented"
    )


@pytest.fixture
def arrested(case, victim, suspect, officer_north):
    """The suspect arrested: the victim is owed an update and a referral to support,
    the family a pack and an offer of support, the suspect a welfare screening."""
    with frozen(ARRESTED_AT):
        investigation_event_record(
            actor=officer_north.user,
            case=case,
            suspect=suspect,
            kind="arrested",
            occurred_at=ARRESTED_AT,
        )
    return case


def open_duties(case):
    return Duty.objects.filter(case=case, status=DutyStatus.OPEN).order_by("due_at", "pk")
