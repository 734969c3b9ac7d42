"""Searching by an identifier (#17): a CyberTip number, a package reference, an
email, a username, a phone or an IP address finds the case (and the person) that
holds it, in any written form, but only through identifiers the searcher may see."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import Role
from cases.filters import identifier_search_terms
from cases.models.identifier import IdentifierKind
from cases.services import grants as grant_services
from tests.factories import AgencyFactory, CaseFactory, MembershipFactory, PartyFactory, grant_case
from tests.intake.factories import identifier_make

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
SEEN = datetime(2026, 6, 1, 22, 15, tzinfo=UTC)
CASES = "/api/v1/cases/"
PERSONS = "/api/v1/persons/"

pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 3, 2), title="Sextortion")


@pytest.fixture
def victim(case):
    return PartyFactory(case=case, role="victim", person__first_name="Vic")


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect", person__first_name="Sus")


@pytest.fixture
def held(case, victim, suspect, north):
    """The case's own numbers, the victim's phone, the suspect's accounts and address."""
    for kind, given in [
        (IdentifierKind.SOURCE_REPORT, "180 000 123"),
        (IdentifierKind.PACKAGE_REFERENCE, "NCA-2026-0042"),
    ]:
        identifier_make(kind=kind, given=given, agency=north, case=case)
    identifier_make(kind=IdentifierKind.PHONE, given="07700 900123", agency=north, party=victim)
    identifier_make(
        kind=IdentifierKind.EMAIL, given="Jo.Bloggs@Example.com", agency=north, party=suspect
    )
    identifier_make(
        kind=IdentifierKind.USERNAME,
        given="JoBloggs99",
        platform="Snapchat",
        agency=north,
        party=suspect,
    )
    identifier_make(
        kind=IdentifierKind.IP_ADDRESS,
        given="203.0.113.7",
        seen_at=SEEN,
        agency=north,
        party=suspect,
    )
    identifier_make(
        kind=IdentifierKind.IP_ADDRESS,
        given="2001:db8::1",
        seen_at=SEEN,
        port=443,
        agency=north,
        party=suspect,
    )
    # Another case of the same force, holding nothing the searches name.
    other = CaseFactory(owning_agency=north)
    identifier_make(kind=IdentifierKind.EMAIL, given="else@example.com", agency=north, case=other)
    return case


@pytest.fixture
def hub(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_hub(hub):
    return MembershipFactory(agency=hub, role=Role.MASH_COORDINATOR, user__username="coord.hub")


def _found(client, text: str) -> list[str]:
    response = client.get(CASES, {"q": text})
    assert response.status_code == 200, response.content
    return [case["id"] for case in response.json()["results"]]


@pytest.mark.parametrize(
    "text",
    [
        "180000123",  # the CyberTip number, written as the source writes it
        "180 000 123",
        "nca-2026-0042",  # the package reference, in any case
        "JO.BLOGGS@example.com",
        "jobloggs99",  # the username, whatever the platform
        "@JoBloggs99",
        "+44 7700 900123",  # the phone, in any written form
        "07700900123",
        "0044 (0)7700 900 123",
        "203.0.113.7",  # the IP address, whatever the moment it was seen
        "::ffff:203.0.113.7",
        "2001:0DB8:0:0:0:0:0:1",
    ],
)
def test_searching_an_identifier_finds_the_case(held, officer_north, api_for, text):
    assert _found(api_for(officer_north), text) == [str(held.id)]


def test_an_identifier_nobody_holds_finds_nothing(held, officer_north, api_for):
    assert _found(api_for(officer_north), "nobody@example.com") == []


def test_the_reference_title_and_name_searches_still_find_the_case(held, officer_north, api_for):
    client = api_for(officer_north)
    assert _found(client, held.reference) == [str(held.id)]
    assert _found(client, "Sextortion") == [str(held.id)]
    assert _found(client, "Vic") == [str(held.id)]


def test_another_agency_does_not_find_the_case_by_its_identifiers(held, officer_south, api_for):
    client = api_for(officer_south)
    for text in ["180000123", "jo.bloggs@example.com", "07700900123", "203.0.113.7"]:
        assert _found(client, text) == []


def test_an_agency_granted_the_whole_case_finds_it(held, officer_south, api_for):
    # given
    grant_case(held, officer_south.agency)
    # then
    assert _found(api_for(officer_south), "jo.bloggs@example.com") == [str(held.id)]


def test_a_grant_scoped_to_the_victim_finds_the_case_by_the_victims_identifiers_only(
    held, victim, supervisor_north, coordinator_hub, hub, api_for
):
    # given: the hub may see the victim, not the suspect
    grant_services.case_grant(
        actor=supervisor_north.user, case=held, agency=hub, reason="Strategy.", parties=[victim]
    )
    client = api_for(coordinator_hub)
    # then: the victim's phone and the case's own number find it
    assert _found(client, "07700 900123") == [str(held.id)]
    assert _found(client, "180000123") == [str(held.id)]
    # the suspect's do not: the search would say the hub's child is in a case with them
    for text in ["jo.bloggs@example.com", "jobloggs99", "203.0.113.7", "2001:db8::1"]:
        assert _found(client, text) == []


def test_a_victim_support_partner_finds_no_case(held, caseworker_harbour, harbour, api_for):
    # given: even holding the case by a grant, a partner searches no case list
    grant_case(held, harbour)
    # when
    response = api_for(caseworker_harbour).get(CASES, {"q": "07700900123"})
    # then
    assert response.status_code in (403, 404)


def test_the_identifier_search_takes_a_fixed_number_of_queries(
    held, officer_north, api_for, django_assert_max_num_queries
):
    # given
    client = api_for(officer_north)
    # when / then: the person lookup for names, the identifiers' cases in the cases'
    # query, the page, and the access log's entry
    with django_assert_max_num_queries(7):
        assert _found(client, "jo.bloggs@example.com") == [str(held.id)]


# --- People


def _people(client, text: str) -> list[str]:
    response = client.get(PERSONS, {"q": text})
    assert response.status_code == 200, response.content
    return [person["id"] for person in response.json()["results"]]


def test_searching_an_identifier_finds_the_person(held, suspect, officer_north, api_for):
    client = api_for(officer_north)
    assert _people(client, "Jo.Bloggs@example.com") == [str(suspect.person.id)]
    assert _people(client, "@jobloggs99") == [str(suspect.person.id)]
    assert _people(client, "Sus") == [str(suspect.person.id)]


def test_another_agency_does_not_find_the_person_by_an_identifier(held, officer_south, api_for):
    assert _people(api_for(officer_south), "jo.bloggs@example.com") == []


def test_a_grant_scoped_to_the_victim_does_not_find_the_suspect_by_an_identifier(
    held, victim, supervisor_north, coordinator_hub, hub, api_for
):
    # given
    grant_services.case_grant(
        actor=supervisor_north.user, case=held, agency=hub, reason="Strategy.", parties=[victim]
    )
    client = api_for(coordinator_hub)
    # then
    assert _people(client, "07700900123") == [str(victim.person.id)]
    assert _people(client, "jo.bloggs@example.com") == []


def test_the_person_identifier_search_takes_a_fixed_number_of_queries(
    held, officer_north, api_for, django_assert_max_num_queries
):
    client = api_for(officer_north)
    with django_assert_max_num_queries(5):
        assert len(_people(client, "jo.bloggs@example.com")) == 1


# --- What a text may be


def test_a_text_is_tried_as_each_kind_it_may_be():
    assert identifier_search_terms("Jo@Example.com") == {
        "JO@EXAMPLE.COM": {"source_report", "package_reference", "device_id"},
        "jo@example.com": {"email", "username"},
    }
    assert identifier_search_terms("+44 7700 900123") == {
        "+447700900123": {"source_report", "package_reference", "device_id", "phone"},
    }
    assert identifier_search_terms("::ffff:203.0.113.7")["203.0.113.7"] == {"ip_address"}
    assert identifier_search_terms("   ") == {}
