"""Referral tests: the personas beyond tests/conftest.py (the hub, children's
services, a second force with a team), a case of northshire-police with a victim,
a suspect, the suspect's partner and a child in the household, and helpers that
draft and move referrals. Test modules take the fixtures with
`from tests.referrals import *` (`__all__` names only the fixtures) and import
the helpers by name."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from agencies.models import Role
from referrals.models import ConsentStatus, LawfulBasis, ReferralPurpose, SensitiveCondition
from referrals.services import (
    referral_accept,
    referral_create,
    referral_send,
    referral_start,
)
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TeamFactory,
)

__all__ = [
    "child",
    "childrens_services",
    "coordinator_mash",
    "duty_mash",
    "mash",
    "north_case",
    "partner",
    "social_worker",
    "south_team",
    "south_team_officer",
    "supervisor_south",
    "suspect",
    "victim",
]

LONDON = ZoneInfo("Europe/London")
# A Monday in winter: 10:00 GMT.
MONDAY_MORNING = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)


def at(*args) -> datetime:
    """A moment in Europe/London."""
    return datetime(*args, tzinfo=LONDON)


def frozen(moment: datetime):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def childrens_services(db):
    return AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )


@pytest.fixture
def coordinator_mash(mash):
    return MembershipFactory(
        agency=mash, role=Role.MASH_COORDINATOR, user__username="coordinator.mash"
    )


@pytest.fixture
def duty_mash(mash):
    return MembershipFactory(agency=mash, role=Role.MASH_COORDINATOR, user__username="duty.mash")


@pytest.fixture
def social_worker(childrens_services):
    return MembershipFactory(
        agency=childrens_services, role=Role.SOCIAL_WORKER, user__username="social.worker"
    )


@pytest.fixture
def south_team(south):
    return TeamFactory(agency=south, slug="south-csa", name="South Online CSA Team")


@pytest.fixture
def south_team_officer(south, south_team):
    return MembershipFactory(
        agency=south,
        role=Role.SPECIALIST_INVESTIGATOR,
        team=south_team,
        user__username="investigator.south",
    )


@pytest.fixture
def supervisor_south(south):
    return MembershipFactory(
        agency=south, role=Role.POLICE_SUPERVISOR, user__username="supervisor.south"
    )


@pytest.fixture
def north_case(north, officer_north):
    return CaseFactory(
        owning_agency=north,
        reference="NP-2026-000042",
        received_on=date(2026, 2, 26),
        lead_officer=officer_north.user,
    )


@pytest.fixture
def victim(north_case):
    return PartyFactory(
        case=north_case,
        role="victim",
        person__first_name="Robin",
        person__last_name="Fictional",
        person__date_of_birth=date(2012, 5, 1),
        person__phone="07700 900123",
        person__address="1 Example Street",
        person__safe_to_phone=True,
    )


@pytest.fixture
def suspect(north_case):
    return PartyFactory(
        case=north_case,
        role="suspect",
        person__first_name="Sam",
        person__last_name="Madeup",
        person__date_of_birth=date(1980, 1, 2),
    )


@pytest.fixture
def partner(north_case, suspect):
    return PartyFactory(
        case=north_case,
        role="family_member",
        related_to=suspect,
        relationship="partner",
        person__first_name="Jo",
        person__last_name="Madeup",
        person__date_of_birth=date(1982, 7, 9),
    )


@pytest.fixture
def child(north_case, suspect):
    return PartyFactory(
        case=north_case,
        role="child_in_household",
        related_to=suspect,
        relationship="son",
        person__first_name="Kit",
        person__last_name="Madeup",
        person__date_of_birth=date(2015, 3, 3),
    )


def consent_given() -> dict:
    return {
        "consent_status": ConsentStatus.GIVEN,
        "consent_given_on": date(2026, 2, 20),
        "consent_how": "Verbally, by phone",
        "consent_given_by": "The victim's mother",
    }


def draft(actor_membership, case, to_agency, parties, **overrides):
    """A valid draft; `overrides` change any argument of `referral_create`."""
    arguments = {
        "actor": actor_membership.user,
        "case": case,
        "to_agency": to_agency,
        "purpose": ReferralPurpose.VICTIM_SUPPORT,
        "urgency": "routine",
        "parties": parties,
        "shared_fields": None,
        "summary_for_receiver": "Support needed after online sextortion.",
        "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "sensitive_condition": SensitiveCondition.SAFEGUARDING,
        **consent_given(),
    }
    arguments.update(overrides)
    return referral_create(**arguments)


def sent(actor_membership, case, to_agency, parties, **overrides):
    return referral_send(
        actor=actor_membership.user,
        referral=draft(actor_membership, case, to_agency, parties, **overrides),
    )


def in_progress(sender, receiver, case, to_agency, parties, **overrides):
    referral = sent(sender, case, to_agency, parties, **overrides)
    referral = referral_accept(actor=receiver.user, referral=referral)
    return referral_start(actor=receiver.user, referral=referral)
