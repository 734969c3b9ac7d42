"""A police case with a victim and a suspect, led by officer.north of the online
CSA team, whose supervisor is supervisor.north; and helpers to open duties."""

from datetime import date

import pytest

from cases.models import PartyRole
from tests.factories import CaseFactory, PartyFactory
from welfare.models import DutyKind, DutyTrigger
from welfare.services.duties import duty_open


@pytest.fixture
def case(north, north_team, officer_north, supervisor_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        received_on=date(2026, 3, 2),
    )


@pytest.fixture
def victim(case):
    return PartyFactory(case=case, role=PartyRole.VICTIM)


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role=PartyRole.SUSPECT)


_counter = iter(range(10**9))


@pytest.fixture
def open_duty():
    """`open_duty(party, kind, due_at, clock=False, **more)`: a duty as the handlers
    open it, through the duty engine."""

    def make(party, kind=DutyKind.VICTIM_UPDATE, due_at=None, *, clock=False, **more):
        return duty_open(
            actor=None,
            case=party.case,
            party=party,
            kind=kind,
            trigger=DutyTrigger.EVENT,
            reason="Test duty",
            due_at=due_at,
            due_by_clock=clock,
            source_key=f"test:{next(_counter)}:{kind}",
            **more,
        )

    return make
