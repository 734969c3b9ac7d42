from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from cases.services.events import investigation_event_record
from tests.factories import CaseFactory, PartyFactory

LONDON = ZoneInfo("Europe/London")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def case(north, north_team, officer_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        received_on=date(2026, 3, 2),
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect")


@pytest.fixture
def victim(case):
    return PartyFactory(case=case, role="victim")


def record_event(actor, case, suspect, kind, when: datetime, **extra):
    with time_machine.travel(when, tick=False):
        return investigation_event_record(
            actor=actor, case=case, suspect=suspect, kind=kind, occurred_at=when, **extra
        )
