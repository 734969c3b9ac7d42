"""A police case led by officer.north of the online CSA team (supervisor.north
supervises it), with one adult suspect cautioned on conditions by
investigator.north, who is not the officer in charge."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import Role
from cases.models import Outcome, PartyRole
from cases.services.outcomes import outcome_record
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, TOTPDeviceFactory

# Monday 15 June 2026, 10:30 in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
TODAY = date(2026, 6, 15)
CAUTIONED_ON = date(2026, 6, 10)
# A Friday: due by 17:00 BST that day.
DUE_ON = date(2026, 7, 10)
DUE_AT = datetime(2026, 7, 10, 16, 0, tzinfo=UTC)
CONDITIONS = "Attend a ten-week course for people who have viewed indecent images."


@pytest.fixture
def investigator_north(north, north_team):
    membership = MembershipFactory(
        agency=north,
        role=Role.SPECIALIST_INVESTIGATOR,
        team=north_team,
        user__username="investigator.north",
    )
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def case(north, north_team, officer_north, supervisor_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        received_on=date(2026, 3, 2),
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role=PartyRole.SUSPECT)


def caution_record(actor, case, suspect, *, due_on=DUE_ON, conditions=CONDITIONS) -> Outcome:
    return outcome_record(
        actor=actor,
        case=case,
        suspect=suspect,
        code="3",
        outcome_on=CAUTIONED_ON,
        rationale="Admitted; suitable for diversion with a course.",
        caution_conditions=conditions,
        conditions_due_on=due_on,
    )


@pytest.fixture
def caution(investigator_north, case, suspect) -> Outcome:
    return caution_record(investigator_north.user, case, suspect)
