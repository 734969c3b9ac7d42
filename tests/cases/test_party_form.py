"""Adding a person to a case: /cases/{id}/parties/new/. Search first (by name and date
of birth, within what the user may see), then add the person found, or record a
new one."""

import html
import re
from datetime import UTC, date, datetime

import pytest

from cases.models import CaseParty, Person
from tests.factories import CaseFactory, PartyFactory, PersonFactory

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
SERVICE = " \N{EN DASH} Tideline"


pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, reference="NP-2026-000042")


def _url(case) -> str:
    return f"/cases/{case.id}/parties/new/"


def _title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode()).group(1))


def _new_person(**overrides) -> dict:
    return {
        "first_name": "Jordan",
        "last_name": "Example",
        "aliases": "",
        "date_of_birth": "14/2/2011",
        "estimated_age": "",
        "gender": "female",
        "address": "1 Fictional Road",
        "phone": "",
        "email": "",
        "safe_to_phone": "yes",
        "safe_to_write": "no",
        "safe_to_visit": "not_asked",
        "preferred_channel": "phone",
        "preferred_times": "After 4pm",
        "safe_contact_notes": "",
        "language": "English",
        "interpreter_needed": "no",
        "adjustments": "",
        "role": "victim",
        "related_to": "",
        "relationship": "",
        "notes": "",
        **overrides,
    }


def test_the_search_finds_an_existing_person_by_name_and_date_of_birth(
    officer_north, north, case, browser_for
):
    # given: someone already in another of the agency's cases
    known = PersonFactory(
        recorded_by_agency=north,
        first_name="Jordan",
        last_name="Example",
        date_of_birth=date(2011, 2, 14),
    )
    PartyFactory(case=CaseFactory(owning_agency=north), role="victim", person=known)
    PersonFactory(
        recorded_by_agency=north,
        first_name="Jordan",
        last_name="Example",
        date_of_birth=date(1980, 1, 1),
    )
    client = browser_for(officer_north)
    # when
    response = client.get(_url(case), {"name": "jordan example", "date_of_birth": "14/02/2011"})
    # then
    assert response.status_code == 200
    assert response.context["found"] == [known]
    page = response.content.decode()
    assert f'href="/cases/{case.id}/parties/new/?person={known.id}">Add this person' in page
    # What was searched for starts the new person's record, should nobody match.
    assert response.context["form"]["first_name"].value() == "jordan"


def test_the_search_does_not_find_people_of_another_force(officer_north, south, case, browser_for):
    # given
    theirs = PersonFactory(recorded_by_agency=south, first_name="Jordan", last_name="Example")
    PartyFactory(case=CaseFactory(owning_agency=south), role="victim", person=theirs)
    client = browser_for(officer_north)
    # when
    response = client.get(_url(case), {"name": "Jordan"})
    # then
    assert response.context["found"] == []
    assert "Nobody recorded matches" in response.content.decode()


def test_adding_the_person_found_does_not_record_them_twice(
    officer_north, north, case, browser_for
):
    # given
    known = PersonFactory(recorded_by_agency=north, first_name="Jordan", last_name="Example")
    people_before = Person.objects.count()
    client = browser_for(officer_north)
    # when
    form = client.get(_url(case), {"person": str(known.id)})
    response = client.post(_url(case), {"person": str(known.id), "role": "witness"})
    # then
    assert _title(form) == "Add Jordan Example to NP-2026-000042" + SERVICE
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/parties/#parties"
    assert Person.objects.count() == people_before
    party = CaseParty.objects.get(case=case)
    assert (party.person, party.role, party.compartment) == (known, "witness", "case")


def test_a_person_of_another_force_cannot_be_added(officer_north, south, case, browser_for):
    # given
    theirs = PersonFactory(recorded_by_agency=south)
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), {"person": str(theirs.id), "role": "witness"})
    # then
    assert response.status_code == 404
    assert CaseParty.objects.count() == 0


def test_recording_a_new_person_adds_them_to_the_case(officer_north, case, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), _new_person(), follow=True)
    # then
    assert response.redirect_chain == [(f"/cases/{case.id}/parties/#parties", 302)]
    party = CaseParty.objects.get(case=case)
    person = party.person
    assert (party.role, party.compartment) == ("victim", "victim")
    assert (person.full_name, person.date_of_birth, person.gender) == (
        "Jordan Example",
        date(2011, 2, 14),
        "female",
    )
    assert (person.safe_to_phone, person.safe_to_write, person.safe_to_visit) == (
        True,
        False,
        None,
    )
    assert (person.preferred_channel, person.preferred_times, person.interpreter_needed) == (
        "phone",
        "After 4pm",
        False,
    )
    assert "Jordan Example is added to NP-2026-000042 as victim." in html.unescape(
        response.content.decode()
    )


def test_a_family_member_is_recorded_against_a_suspect(officer_north, case, browser_for):
    # given
    suspect = PartyFactory(case=case, role="suspect")
    client = browser_for(officer_north)
    # when
    response = client.post(
        _url(case),
        _new_person(
            role="family_member",
            related_to=str(suspect.id),
            relationship="partner",
            date_of_birth="",
            estimated_age="35",
        ),
    )
    # then
    assert response.status_code == 302
    party = CaseParty.objects.get(case=case, role="family_member")
    assert (party.related_to, party.relationship, party.compartment) == (
        suspect,
        "partner",
        "family",
    )
    assert (party.person.estimated_age, party.person.estimated_age_on) == (35, date(2026, 6, 15))


def test_a_family_member_without_a_suspect_is_refused_and_no_person_is_left_behind(
    officer_north, case, browser_for
):
    # given
    people_before = Person.objects.count()
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), _new_person(role="family_member"))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_related_to">Choose the suspect this person is family of.</a>' in page
    assert '<a href="#id_relationship">Enter the relationship' in page
    assert Person.objects.count() == people_before
    assert CaseParty.objects.count() == 0


def test_a_new_person_without_names_shows_an_error_summary(officer_north, case, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), _new_person(first_name="", last_name="", role=""))
    # then
    assert _title(response) == "Error: Add a person to NP-2026-000042" + SERVICE
    page = response.content.decode()
    assert '<a href="#id_first_name">Enter a first name (or &#x27;Unknown&#x27;).</a>' in page
    assert '<a href="#id_last_name">Enter a last name (or &#x27;Unknown&#x27;).</a>' in page
    assert '<a href="#id_role">Select their part in the case.</a>' in page
    assert Person.objects.count() == 0


def test_a_date_of_birth_and_an_estimated_age_together_are_refused(
    officer_north, case, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), _new_person(estimated_age="15"))
    # then
    assert (
        '<a href="#id_estimated_age">Give a date of birth or an estimated age, not both.</a>'
        in response.content.decode()
    )
    assert Person.objects.count() == 0


def test_the_same_person_cannot_have_the_same_part_twice(officer_north, case, browser_for):
    # given
    existing = PartyFactory(case=case, role="victim")
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), {"person": str(existing.person.id), "role": "victim"})
    # then
    assert response.status_code == 200
    assert "This person already has this part in the case." in html.unescape(
        response.content.decode()
    )
    assert CaseParty.objects.count() == 1
