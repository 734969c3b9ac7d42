"""The calendar's world: officer.north's own case with a victim and a suspect whose
names are distinctive (so that the feed can be searched for them), and helpers that
make each kind of thing a calendar shows, as its own service would have stored it."""

from datetime import date, datetime

import pytest

from cases.models import EventKind, InvestigationEvent, Task
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild, StrategyStatus
from tests.factories import CaseFactory, PartyFactory, PersonFactory
from welfare.models import DUTY_COMPARTMENT, Duty, DutyKind, DutyStatus, DutyTrigger

# Names that appear nowhere else: the feed and the pages are searched for them.
VICTIM_NAME = ("Zebedee", "Quillfeather")
SUSPECT_NAME = ("Ottoline", "Fairweather-Vane")
CHILD_NAME = ("Peregrine", "Thistlewood")


@pytest.fixture
def case(north, officer_north):
    return CaseFactory(
        owning_agency=north,
        lead_officer=officer_north.user,
        title="Sextortion of Zebedee Quillfeather",
        reference="NP-2026-000321",
    )


def _party(case, role, name):
    person = PersonFactory(
        recorded_by_agency=case.owning_agency, first_name=name[0], last_name=name[1]
    )
    return PartyFactory(case=case, person=person, role=role)


@pytest.fixture
def victim(case):
    return _party(case, "victim", VICTIM_NAME)


@pytest.fixture
def suspect(case):
    return _party(case, "suspect", SUSPECT_NAME)


@pytest.fixture
def child(case):
    return _party(case, "child_in_household", CHILD_NAME)


def a_duty(party, kind, due_at, responsible, *, status=DutyStatus.OPEN) -> Duty:
    case = party.case
    return Duty.objects.create(
        case=case,
        party=party,
        kind=kind,
        compartment=DUTY_COMPARTMENT[kind],
        trigger=DutyTrigger.EVENT,
        reason=f"Owed to {party.person.first_name} {party.person.last_name}",
        source_key=f"test:{party.pk}:{kind}:{due_at.isoformat()}",
        due_at=due_at,
        agency=case.owning_agency,
        responsible=responsible.user,
        status=status,
        resolved_at=None if status == DutyStatus.OPEN else due_at,
    )


def a_task(case, assignee, due_on: date, *, status="open") -> Task:
    return Task.objects.create(
        case=case,
        agency=case.owning_agency,
        title=f"Ring {VICTIM_NAME[0]} {VICTIM_NAME[1]} back",
        note=f"{SUSPECT_NAME[0]} has a new phone.",
        assignee=assignee.user,
        due_on=due_on,
        status=status,
        created_by=assignee.user,
    )


def a_bail(suspect, recorder, occurred_at: datetime, ends_on: date, *, kind=EventKind.BAILED):
    return InvestigationEvent.objects.create(
        case=suspect.case,
        suspect=suspect,
        kind=kind,
        occurred_at=occurred_at,
        bail_end_on=ends_on,
        details=f"{SUSPECT_NAME[0]} {SUSPECT_NAME[1]} bailed to an address.",
        recorded_by=recorder.user,
    )


def an_event(suspect, recorder, occurred_at: datetime, kind: str):
    return InvestigationEvent.objects.create(
        case=suspect.case,
        suspect=suspect,
        kind=kind,
        occurred_at=occurred_at,
        recorded_by=recorder.user,
    )


def a_discussion(
    child, recorder, when: datetime, *, conference_due_at=None, planned=False
) -> StrategyDiscussion:
    """A discussion about one child: held at `when`, section 47 enquiries started
    (a conference due at `conference_due_at`); or planned for `when`."""
    discussion = StrategyDiscussion.objects.create(
        case=child.case,
        status=StrategyStatus.PLANNED if planned else StrategyStatus.HELD,
        planned_for=when if planned else None,
        held_at=None if planned else when,
        agencies_present="" if planned else "Police, children's services",
        minutes="" if planned else f"{CHILD_NAME[0]} {CHILD_NAME[1]} was seen at school.",
        referral_received_on=when.date(),
        recorded_by=recorder.user,
    )
    StrategyDiscussionChild.objects.create(
        discussion=discussion,
        child=child,
        section_47_started=None if planned else True,
        rationale="" if planned else f"Reasonable cause to suspect {CHILD_NAME[0]} is at risk.",
        decided_at=None if planned else when,
        decided_by=None if planned else recorder.user,
        conference_due_at=conference_due_at,
    )
    return discussion


# Kinds used often.
VICTIM_UPDATE = DutyKind.VICTIM_UPDATE
WELFARE_CONTACT = DutyKind.WELFARE_CONTACT
