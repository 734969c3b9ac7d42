"""Family-support fixtures: a northshire-police case with a victim, a suspect, the
suspect's partner and (on request) a child in the household; and the hub."""

from datetime import date

import pytest

from tests.factories import AgencyFactory, CaseFactory, PartyFactory


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def north_case(north, officer_north):
    return CaseFactory(
        owning_agency=north,
        reference="NP-2026-000042",
        received_on=date(2026, 2, 26),
        lead_officer=officer_north.user,
        team=officer_north.team,
    )


@pytest.fixture
def victim(north_case):
    return PartyFactory(
        case=north_case,
        role="victim",
        person__first_name="Robin",
        person__last_name="Fictional",
        person__date_of_birth=date(2012, 5, 1),
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


@pytest.fixture
def social_worker_north(db):
    from agencies.models import Role
    from tests.factories import MembershipFactory

    childrens = AgencyFactory(
        slug="northshire-childrens-services",
        name="Northshire Children's Services",
        childrens_services=True,
    )
    return MembershipFactory(agency=childrens, role=Role.SOCIAL_WORKER)
