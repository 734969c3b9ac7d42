"""Duty routing: a Northshire case led by officer.north (a generalist of the Online
CSA team, supervised by supervisor.north), with a victim and a suspect; a specialist
investigator in the same team; a second team, Digital Forensics, with an officer and
no supervisor; and a clock fixed in the middle of a working week."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from agencies.models import Role
from cases.models import PartyRole
from safeguarding.models import FlagKind
from safeguarding.services.flags import flag_raise
from tests.conftest import _member
from tests.factories import CaseFactory, PartyFactory, TeamFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=LONDON)  # a Wednesday, GMT


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def clock_at():
    return NOW


@pytest.fixture
def investigator_north(north, north_team):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)


@pytest.fixture
def forensics_team(north):
    return TeamFactory(agency=north, slug="digital-forensics", name="Digital Forensics")


@pytest.fixture
def officer_forensics(north, forensics_team):
    return _member(north, Role.GENERALIST_OFFICER, "officer.forensics", forensics_team)


@pytest.fixture
def case(north, north_team, officer_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        reference="NP-2026-000301",
    )


@pytest.fixture
def victim(case):
    return PartyFactory(case=case, role=PartyRole.VICTIM)


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role=PartyRole.SUSPECT)


def flag_suicide(membership, case, suspect):
    return flag_raise(
        actor=membership.user,
        case=case,
        party=suspect,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Said he would end it.",
        review_on=date(2026, 12, 1),
    )
