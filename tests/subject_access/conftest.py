"""A person with records in several places at Northshire Police: a victim in one case
(with a contact that names the suspect, a decision, a flag and an identifier), a
witness in another, and the same person's part in a Southshire case that must never
reach Northshire's export."""

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from cases.models import CaseParty, ContactLog, Identifier, KeyDecision, Person
from safeguarding.models import Flag
from tests.factories import CaseFactory, PartyFactory, PersonFactory
from tests.factories_subject_access import records_manager

NOW = datetime(2026, 5, 12, 10, 0, tzinfo=UTC)


@dataclass
class World:
    person: Person
    victim_part: CaseParty
    witness_part: CaseParty
    suspect: Person
    contact: ContactLog
    plain_contact: ContactLog
    decision: KeyDecision
    flag: Flag
    identifier: Identifier
    south_contact: ContactLog


@pytest.fixture
def manager(north):
    return records_manager(north)


@pytest.fixture
def manager_south(south):
    return records_manager(south, "records.south")


@pytest.fixture
def world(north, south, officer_north, officer_south) -> World:
    user = officer_north.user
    person = PersonFactory(recorded_by_agency=north, first_name="Jordan", last_name="Ashdown")
    case = CaseFactory(owning_agency=north, title="Online grooming")
    victim_part = PartyFactory(case=case, person=person, role="victim")
    suspect = PersonFactory(recorded_by_agency=north, first_name="Morgan", last_name="Blakeley")
    PartyFactory(case=case, person=suspect, role="suspect", compartment="suspect")
    at = datetime(2026, 3, 5, 11, 0, tzinfo=UTC)
    contact = ContactLog.objects.create(
        case=case,
        party=victim_part,
        contacted_at=at,
        channel="phone",
        made_by=user,
        summary="Told Jordan that Morgan Blakeley was arrested.",
    )
    plain_contact = ContactLog.objects.create(
        case=case,
        party=victim_part,
        contacted_at=datetime(2026, 3, 9, 11, 0, tzinfo=UTC),
        channel="email",
        made_by=user,
        summary="Sent the leaflet about support.",
    )
    decision = KeyDecision.objects.create(
        case=case,
        decision="Refer to victim support",
        rationale="Needs support.",
        decided_by=user,
        decided_at=at,
    )
    flag = Flag.objects.create(
        case=case,
        party=victim_part,
        person=person,
        kind="safe_contact_only",
        reason="Contact only by email.",
        raised_by=user,
        raised_at=at,
        review_on=date(2026, 9, 1),
    )
    identifier = Identifier.objects.create(
        kind="email",
        value="jordan@example.com",
        given="Jordan@Example.com",
        agency=north,
        case=case,
        party=victim_part,
        person=person,
        compartment="victim",
    )
    other_case = CaseFactory(owning_agency=north, title="Harassment")
    witness_part = PartyFactory(case=other_case, person=person, role="witness", compartment="case")
    south_case = CaseFactory(owning_agency=south, title="Southshire matter")
    south_part = PartyFactory(case=south_case, person=person, role="victim")
    south_contact = ContactLog.objects.create(
        case=south_case,
        party=south_part,
        contacted_at=at,
        channel="phone",
        made_by=officer_south.user,
        summary="Southshire's own contact.",
    )
    return World(
        person,
        victim_part,
        witness_part,
        suspect,
        contact,
        plain_contact,
        decision,
        flag,
        identifier,
        south_contact,
    )
