"""Suspect welfare: a Northshire case led by officer.north in the Online CSA team,
with one suspect, and a clock fixed in the middle of a working week."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from cases.services.events import investigation_event_record
from tests.factories import CaseFactory, PartyFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=LONDON)  # a Wednesday, GMT


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def clock_at():
    """The moment the shared `clock` fixture stops time at, for every test here."""
    return NOW


@pytest.fixture
def case(north, north_team, officer_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        reference="NP-2026-000101",
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect")


@pytest.fixture
def record_event(officer_north, case):
    def record(suspect, kind, occurred_at, **extra):
        return investigation_event_record(
            actor=officer_north.user,
            case=case,
            suspect=suspect,
            kind=kind,
            occurred_at=occurred_at,
            **extra,
        )

    return record
