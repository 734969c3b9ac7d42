"""Welfare checks: a Northshire case led by officer.north in the Online CSA team,
whose supervisor is supervisor.north, with one suspect flagged at risk of suicide,
arrested and released with a safety plan; a clock fixed in a working week."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from cases.models import EventKind
from cases.services.events import investigation_event_record
from safeguarding.models import FlagKind
from safeguarding.services.flags import flag_raise
from tests.factories import CaseFactory, PartyFactory
from welfare.models import Duty, DutyKind, DutyStatus
from welfare.services.suspect_screenings import safety_plan_record

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 11, 12, 0, tzinfo=LONDON)  # a Wednesday, GMT


def at(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.fixture
def clock_at():
    return NOW


@pytest.fixture
def case(north, north_team, officer_north):
    return CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        reference="NP-2026-000161",
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect")


def released_at_risk(officer, case, suspect, arrested: datetime, released: datetime, kind=None):
    """Arrested, flagged, a safety plan, released: the 48-hour check is owed."""
    investigation_event_record(
        actor=officer.user,
        case=case,
        suspect=suspect,
        kind=EventKind.ARRESTED,
        occurred_at=arrested,
    )
    flag_raise(
        actor=officer.user,
        case=case,
        party=suspect,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Said he would end it.",
        review_on=date(2027, 1, 1),
    )
    safety_plan_record(
        actor=officer.user,
        case=case,
        suspect=suspect,
        told=["custody_healthcare"],
        next_of_kin_consent=None,
        support_offered=["samaritans"],
        safe_release_arrangements="Driven home by his brother.",
    )
    investigation_event_record(
        actor=officer.user,
        case=case,
        suspect=suspect,
        kind=kind or EventKind.RELEASED_WITHOUT_CHARGE,
        occurred_at=released,
    )
    return Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_CHECK, status=DutyStatus.OPEN)


@pytest.fixture
def check(clock, officer_north, supervisor_north, case, suspect):
    """Released on Monday 9 March 2026 at 18:00: due Wednesday 11 March at 18:00."""
    return released_at_risk(
        officer_north, case, suspect, at(2026, 3, 9, 7, 0), at(2026, 3, 9, 18, 0)
    )
