"""People (search before you create) and their parts in a case: /api/v1/persons/
and /api/v1/cases/{id}/parties/."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection

from agencies.models import AccessLogEntry
from cases.models import CaseParty, Offence, Person
from tests.factories import CaseFactory, PartyFactory, PersonFactory, grant_case

PERSONS = "/api/v1/persons/"
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, received_on=date(2026, 3, 2))


def _person_url(person) -> str:
    return f"{PERSONS}{person.id}/"


def _parties(case) -> str:
    return f"/api/v1/cases/{case.id}/parties/"


def _log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


def _snapshot(person) -> dict:
    person.refresh_from_db()
    return {
        "first_name": person.first_name,
        "date_of_birth": person.date_of_birth,
        "estimated_age": person.estimated_age,
        "language": person.language,
        "version": person.version,
        "history": person.history.count(),
    }


# --- Recording a person


def test_recording_a_person(north, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        PERSONS,
        {
            "first_name": " Ffion ",
            "last_name": "Fictional",
            "aliases": "Ffi, F. Fictional",
            "date_of_birth": "2011-04-30",
            "gender": "female",
            "safe_to_phone": False,
            "safe_to_write": True,
            "preferred_channel": "letter",
            "preferred_times": "Weekday mornings",
            "language": "Welsh",
            "interpreter_needed": True,
            "adjustments": "Large print.",
        },
        format="json",
    )
    # then
    assert response.status_code == 201
    person = Person.objects.get()
    assert response["Location"] == f"/api/v1/persons/{person.id}/"
    assert response["ETag"] == '"1"'
    body = response.json()
    assert (body["full_name"], body["first_name"], body["aliases"]) == (
        "Ffion Fictional",
        "Ffion",
        "Ffi, F. Fictional",
    )
    assert (body["safe_to_phone"], body["safe_to_write"], body["safe_to_visit"]) == (
        False,
        True,
        None,
    )
    assert (body["preferred_channel"], body["language"], body["interpreter_needed"]) == (
        "letter",
        "Welsh",
        True,
    )
    assert person.recorded_by_agency == north
    assert person.created_by == officer_north.user
    assert person.history.get().history_change_reason == "person recorded"
    [entry] = _log("cases.person.created")
    assert (entry.object_id, entry.object_agency_slug) == (str(person.id), "northshire-police")


def test_an_estimated_age_is_dated_today(officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        PERSONS, {"first_name": "Unknown", "last_name": "Boy", "estimated_age": 14}, format="json"
    )
    # then
    assert response.status_code == 201
    assert (response.json()["estimated_age"], response.json()["estimated_age_on"]) == (
        14,
        "2026-06-15",
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": "2026-06-16"}, "date_of_birth"),
        ({"estimated_age": 30, "estimated_age_on": "2026-06-16"}, "estimated_age_on"),
        ({"date_of_birth": "1990-01-01", "estimated_age": 36}, "estimated_age"),
        ({"estimated_age": 121}, "estimated_age"),
        ({"gender": "unsure"}, "gender"),
        ({"preferred_channel": "pigeon"}, "preferred_channel"),
        ({"first_name": ""}, "first_name"),
        ({"last_name": "  "}, "last_name"),
        ({"email": "not an address"}, "email"),
    ],
)
def test_bad_input_about_a_person_is_refused_naming_the_field(
    officer_north, api_for, overrides, field
):
    # when
    response = api_for(officer_north).post(
        PERSONS, {"first_name": "Jo", "last_name": "Fictional", **overrides}, format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Person.objects.count() == 0
    assert _log("cases.person.created") == []


def test_a_charity_cannot_record_people(caseworker_harbour, api_for):
    # when
    response = api_for(caseworker_harbour).post(
        PERSONS, {"first_name": "Jo", "last_name": "Fictional"}, format="json"
    )
    # then
    assert response.status_code == 403
    assert Person.objects.count() == 0


# --- Reading a person


def test_reading_a_person_in_a_case_answers_them_and_logs_the_read(case, officer_north, api_for):
    # given
    victim = PartyFactory(case=case, role="victim")
    # when
    response = api_for(officer_north).get(_person_url(victim.person))
    # then
    assert response.status_code == 200
    assert response.json()["id"] == str(victim.person.id)
    assert response["ETag"] == '"1"'
    [entry] = _log("cases.person.viewed")
    assert (entry.object_type, entry.object_id) == ("person", str(victim.person.id))
    assert entry.object_agency_slug == "northshire-police"
    assert entry.justification == f"own agency (northshire-police); in case {case.reference}"


def test_a_person_recorded_by_the_agency_but_in_no_case_can_be_read(north, officer_north, api_for):
    # given
    person = PersonFactory(recorded_by_agency=north)
    # when
    response = api_for(officer_north).get(_person_url(person))
    # then
    assert response.status_code == 200
    [entry] = _log("cases.person.viewed")
    assert entry.justification == (
        "own agency (northshire-police); recorded by it, not yet in a case"
    )


def test_a_person_only_in_another_forces_case_is_not_found(south, officer_north, api_for):
    # given
    theirs = PartyFactory(case=CaseFactory(owning_agency=south), role="victim")
    # when
    response = api_for(officer_north).get(_person_url(theirs.person))
    # then: refused, and the refusal logged for the force whose record it is
    assert response.status_code == 404
    assert _log("cases.person.viewed") == []
    [refusal] = _log("cases.person.view")
    assert (refusal.outcome, refusal.username, refusal.object_id) == (
        "denied",
        "officer.north",
        str(theirs.person.id),
    )
    assert refusal.object_agency_slug == theirs.person.recorded_by_agency.slug


def test_a_person_recorded_here_but_only_in_another_forces_case_is_not_found(
    north, south, officer_north, api_for
):
    # given: recorded by Northshire, then added to a Southshire case only
    person = PersonFactory(recorded_by_agency=north)
    PartyFactory(case=CaseFactory(owning_agency=south), person=person, role="suspect")
    logged = AccessLogEntry.objects.count()
    # when
    response = api_for(officer_north).get(_person_url(person))
    # then
    assert response.status_code == 404
    # and the request wrote nothing to the access log but its refusal: nothing was read
    written = AccessLogEntry.objects.order_by("sequence")[logged:]
    assert {entry.outcome for entry in written} <= {"denied"}


def test_a_person_in_a_granted_case_can_be_read_not_changed(north, south, officer_south, api_for):
    # given
    case = CaseFactory(owning_agency=north)
    victim = PartyFactory(case=case, role="victim")
    grant_case(case, south)
    client = api_for(officer_south)
    before = _snapshot(victim.person)
    # when
    read = client.get(_person_url(victim.person))
    change = client.patch(
        _person_url(victim.person), {"language": "Welsh"}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert read.status_code == 200
    assert change.status_code == 404
    assert _snapshot(victim.person) == before
    [entry] = _log("cases.person.viewed")
    assert entry.justification == (f"agency grant to southshire-police; in case {case.reference}")


# --- Changing a person


def test_a_person_change_needs_if_match(case, officer_north, api_for):
    # given
    person = PartyFactory(case=case).person
    before = _snapshot(person)
    # when
    response = api_for(officer_north).patch(
        _person_url(person), {"language": "Welsh"}, format="json"
    )
    # then
    assert response.status_code == 428
    assert _snapshot(person) == before


def test_a_stale_person_change_is_refused(case, officer_north, api_for):
    # given
    person = PartyFactory(case=case, person__version=4).person
    before = _snapshot(person)
    # when
    response = api_for(officer_north).patch(
        _person_url(person), {"language": "Welsh"}, format="json", HTTP_IF_MATCH='"3"'
    )
    # then
    assert response.status_code == 412
    assert response.json()["current_version"] == 4
    assert _snapshot(person) == before


def test_a_person_change_is_saved_with_its_reason(case, officer_north, api_for):
    # given
    person = PartyFactory(case=case).person
    # when
    response = api_for(officer_north).patch(
        _person_url(person),
        {"language": "Welsh", "interpreter_needed": True, "reason": "asked for Welsh"},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    person.refresh_from_db()
    assert (person.language, person.interpreter_needed, person.version) == ("Welsh", True, 2)
    latest = person.history.latest()
    assert (latest.history_change_reason, latest.history_user) == (
        "asked for Welsh",
        officer_north.user,
    )
    [entry] = _log("cases.person.changed")
    assert entry.justification == "own agency (northshire-police); asked for Welsh"


def test_a_date_of_birth_learnt_later_replaces_the_estimate(north, officer_north, api_for):
    # given
    person = PersonFactory(
        recorded_by_agency=north,
        date_of_birth=None,
        estimated_age=14,
        estimated_age_on=date(2026, 1, 1),
    )
    # when
    response = api_for(officer_north).patch(
        _person_url(person), {"date_of_birth": "2011-09-01"}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 200
    person.refresh_from_db()
    assert (person.date_of_birth, person.estimated_age, person.estimated_age_on) == (
        date(2011, 9, 1),
        None,
        None,
    )


def test_an_estimate_given_later_is_dated_today(north, officer_north, api_for):
    # given
    person = PersonFactory(recorded_by_agency=north, date_of_birth=None)
    # when
    response = api_for(officer_north).patch(
        _person_url(person), {"estimated_age": 40}, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 200
    assert response.json()["estimated_age_on"] == "2026-06-15"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date_of_birth": "2026-06-16"}, "date_of_birth"),
        ({"first_name": ""}, "first_name"),
        ({"gender": "unsure"}, "gender"),
        ({"estimated_age": 20}, "estimated_age"),
        ({"reason": "x" * 101}, "reason"),
    ],
)
def test_a_bad_person_change_is_refused_naming_the_field(
    case, officer_north, api_for, change, field
):
    # given: a date of birth is known
    person = PartyFactory(case=case).person
    before = _snapshot(person)
    # when
    response = api_for(officer_north).patch(
        _person_url(person), change, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _snapshot(person) == before


# --- Searching before recording


def _names(response) -> list[str]:
    assert response.status_code == 200
    return [person["full_name"] for person in response.json()["results"]]


@pytest.fixture
def people(north, south, case):
    PartyFactory(
        case=case,
        role="victim",
        person__first_name="Morwenna",
        person__last_name="Quillfeather",
        person__aliases="Wenna, Moz",
        person__date_of_birth=date(2011, 4, 30),
    )
    PartyFactory(
        case=case,
        role="suspect",
        person__first_name="Gideon",
        person__last_name="Quillfeather",
        person__date_of_birth=date(1979, 2, 14),
    )
    PersonFactory(
        recorded_by_agency=north,
        first_name="Morwenna",
        last_name="Abernethy",
        date_of_birth=date(2011, 4, 30),
    )
    PartyFactory(
        case=CaseFactory(owning_agency=south),
        role="victim",
        person__first_name="Morwenna",
        person__last_name="Southcott",
        person__date_of_birth=date(2011, 4, 30),
    )
    PersonFactory(recorded_by_agency=south, first_name="Morwenna", last_name="Unplaced")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=morwenna", ["Morwenna Abernethy", "Morwenna Quillfeather"]),
        ("q=quillfeather", ["Gideon Quillfeather", "Morwenna Quillfeather"]),
        ("q=Morwenna Quill", ["Morwenna Quillfeather"]),
        ("q=moz", ["Morwenna Quillfeather"]),
        ("q=wenna quillfeather", ["Morwenna Quillfeather"]),
        ("date_of_birth=2011-04-30", ["Morwenna Abernethy", "Morwenna Quillfeather"]),
        ("q=quillfeather&date_of_birth=1979-02-14", ["Gideon Quillfeather"]),
        ("q=southcott", []),
        ("q=unplaced", []),
        ("q=nobody", []),
    ],
)
def test_search_finds_people_by_names_aliases_and_date_of_birth_within_scope(
    people, officer_north, api_for, query, expected
):
    # when
    response = api_for(officer_north).get(f"{PERSONS}?{query}")
    # then
    assert _names(response) == expected


def test_a_search_is_logged_with_its_terms(people, officer_north, api_for):
    # when
    api_for(officer_north).get(f"{PERSONS}?q=Morwenna&date_of_birth=2011-04-30")
    # then
    [entry] = _log("cases.person.searched")
    assert entry.username == "officer.north"
    assert entry.justification == "search: q='Morwenna', date_of_birth=2011-04-30"


def test_a_granted_agency_finds_the_people_of_the_granted_case(
    people, case, south, officer_south, api_for
):
    # given
    grant_case(case, south)
    # when
    response = api_for(officer_south).get(f"{PERSONS}?q=morwenna")
    # then
    assert _names(response) == [
        "Morwenna Quillfeather",
        "Morwenna Southcott",
        "Morwenna Unplaced",
    ]


def test_bad_search_terms_are_refused(officer_north, api_for):
    # when
    response = api_for(officer_north).get(f"{PERSONS}?date_of_birth=30/04/2011")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["date_of_birth"]


# --- Parties


def _party_body(**overrides) -> dict:
    return {"new_person": {"first_name": "Ffion", "last_name": "Fictional"}, "role": "victim"} | (
        overrides
    )


def test_adding_a_new_person_as_a_party(case, north, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        _parties(case),
        _party_body(
            new_person={
                "first_name": "Ffion",
                "last_name": "Fictional",
                "date_of_birth": "2011-04-30",
            },
            notes="Met at school.",
        ),
        format="json",
    )
    # then
    assert response.status_code == 201
    party = CaseParty.objects.get()
    body = response.json()
    assert (body["id"], body["role"], body["compartment"], body["notes"]) == (
        str(party.id),
        "victim",
        "victim",
        "Met at school.",
    )
    # 14 on 2 March 2026, the date the case was received (no offence yet)
    assert (body["age_at_offence"], body["is_child"]) == (14, True)
    assert body["person"]["full_name"] == "Ffion Fictional"
    assert party.person.recorded_by_agency == north
    assert party.history.get().history_change_reason == "added as victim"
    [entry] = _log("cases.party.added")
    assert (entry.object_type, entry.object_id) == ("party", str(party.id))


def test_adding_an_existing_person_as_a_party(case, north, officer_north, api_for):
    # given
    person = PersonFactory(recorded_by_agency=north)
    # when
    response = api_for(officer_north).post(
        _parties(case), {"person": str(person.id), "role": "witness"}, format="json"
    )
    # then
    assert response.status_code == 201
    assert response.json()["person"]["id"] == str(person.id)
    assert response.json()["compartment"] == "case"
    assert Person.objects.count() == 1


def test_a_family_member_is_recorded_with_the_suspect_and_relationship(
    case, officer_north, api_for
):
    # given
    suspect = PartyFactory(case=case, role="suspect")
    # when
    response = api_for(officer_north).post(
        _parties(case),
        _party_body(role="family_member", related_to=str(suspect.id), relationship="partner"),
        format="json",
    )
    child = api_for(officer_north).post(
        _parties(case),
        {
            "new_person": {"first_name": "Cai", "last_name": "Fictional", "estimated_age": 6},
            "role": "child_in_household",
            "related_to": str(suspect.id),
            "relationship": "son",
        },
        format="json",
    )
    # then
    assert response.status_code == 201
    assert (response.json()["related_to"], response.json()["relationship"]) == (
        str(suspect.id),
        "partner",
    )
    assert response.json()["compartment"] == "family"
    assert child.status_code == 201
    assert child.json()["compartment"] == "family"
    assert (child.json()["age_at_offence"], child.json()["is_child"]) == (5, True)
    # the history says the part in words, not as a code
    reasons = {
        party.role: party.history.get().history_change_reason
        for party in CaseParty.objects.filter(case=case).exclude(role="suspect")
    }
    assert reasons == {
        "family_member": "added as family member of a suspect",
        "child_in_household": "added as child in the suspect's household",
    }


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "family_member", "relationship": "partner"}, "related_to"),
        ({"role": "family_member", "related_to": "SUSPECT"}, "relationship"),
        ({"role": "family_member", "related_to": "VICTIM", "relationship": "x"}, "related_to"),
        ({"role": "child_in_household", "related_to": "OTHER", "relationship": "x"}, "related_to"),
        ({"role": "witness", "related_to": "SUSPECT"}, "related_to"),
        ({"role": "bystander"}, "role"),
        ({"role": "victim", "new_person": None}, "person"),
        ({"role": "victim", "person": "THEIRS", "new_person": None}, "person"),
        ({"role": "victim", "person": "MINE"}, "person"),
    ],
    ids=[
        "family-without-suspect",
        "family-without-relationship",
        "family-of-a-victim",
        "family-of-another-cases-suspect",
        "witness-related",
        "unknown-role",
        "no-person",
        "another-forces-person",
        "both-person-and-new-person",
    ],
)
def test_a_bad_party_is_refused_naming_the_field_and_nothing_is_stored(
    case, north, south, officer_north, api_for, overrides, field
):
    # given
    suspect = PartyFactory(case=case, role="suspect")
    victim = PartyFactory(case=case, role="victim")
    other_suspect = PartyFactory(case=CaseFactory(owning_agency=north), role="suspect")
    theirs = PartyFactory(case=CaseFactory(owning_agency=south), role="victim").person
    mine = PersonFactory(recorded_by_agency=north)
    stand_ins = {
        "SUSPECT": str(suspect.id),
        "VICTIM": str(victim.id),
        "OTHER": str(other_suspect.id),
        "THEIRS": str(theirs.id),
        "MINE": str(mine.id),
    }
    body = _party_body(**{k: stand_ins.get(v, v) for k, v in overrides.items()})
    if body.get("new_person") is None:
        del body["new_person"]
    people_before = Person.objects.count()
    parties_before = CaseParty.objects.count()
    # when
    response = api_for(officer_north).post(_parties(case), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert Person.objects.count() == people_before
    assert CaseParty.objects.count() == parties_before


def test_a_new_persons_bad_date_of_birth_is_reported_under_new_person(case, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        _parties(case),
        _party_body(
            new_person={
                "first_name": "Ffion",
                "last_name": "Fictional",
                "date_of_birth": "2026-06-16",
            }
        ),
        format="json",
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"new_person.date_of_birth": ["Must not be in the future."]}
    assert Person.objects.count() == 0
    assert CaseParty.objects.count() == 0


def test_a_refused_party_leaves_no_new_person_behind(case, officer_north, api_for):
    # when: the person is fine, the party is not
    response = api_for(officer_north).post(
        _parties(case), _party_body(role="family_member"), format="json"
    )
    # then
    assert response.status_code == 400
    assert Person.objects.count() == 0


def test_the_same_person_cannot_take_the_same_part_twice(case, officer_north, api_for):
    # given
    victim = PartyFactory(case=case, role="victim")
    # when
    again = api_for(officer_north).post(
        _parties(case), {"person": str(victim.person.id), "role": "victim"}, format="json"
    )
    also_witness = api_for(officer_north).post(
        _parties(case), {"person": str(victim.person.id), "role": "witness"}, format="json"
    )
    # then
    assert again.status_code == 400
    assert again.json()["errors"] == {"person": ["This person already has this part in the case."]}
    assert also_witness.status_code == 201
    assert CaseParty.objects.filter(case=case).count() == 2


# --- The party list: ages at the offence


def _ages(response) -> dict:
    return {
        p["person"]["last_name"]: (p["age_at_offence"], p["is_child"])
        for p in response.json()["results"]
    }


def test_ages_are_taken_at_the_earliest_offence_that_concerns_each_party(
    case, officer_north, api_for
):
    # given
    turning_18_that_day = PartyFactory(
        case=case,
        role="victim",
        person__last_name="Eighteen",
        person__date_of_birth=date(2008, 1, 5),
    )
    turning_18_next_day = PartyFactory(
        case=case,
        role="victim",
        person__last_name="Seventeen",
        person__date_of_birth=date(2008, 1, 6),
    )
    suspect = PartyFactory(
        case=case, role="suspect", person__last_name="Adult", person__date_of_birth=date(1979, 6, 1)
    )
    PartyFactory(
        case=case,
        role="witness",
        person__last_name="Unknown",
        person__date_of_birth=None,
    )
    PartyFactory(
        case=case,
        role="referrer",
        person__last_name="Estimated",
        person__date_of_birth=None,
        person__estimated_age=16,
        person__estimated_age_on=date(2025, 1, 1),
    )
    earlier = Offence.objects.create(
        case=case,
        offence_type="sexual_extortion",
        committed_from=date(2026, 1, 5),
        created_by=suspect.created_by,
    )
    earlier.parties.set([turning_18_that_day, turning_18_next_day, suspect])
    later = Offence.objects.create(
        case=case,
        offence_type="iioc_making",
        committed_from=date(2026, 2, 20),
        created_by=suspect.created_by,
    )
    later.parties.set([turning_18_next_day, suspect])
    # when
    response = api_for(officer_north).get(_parties(case))
    # then
    assert response.status_code == 200
    assert _ages(response) == {
        "Eighteen": (18, False),
        "Seventeen": (17, True),
        "Adult": (46, False),
        "Unknown": (None, None),
        # 16 on 1 January 2025; the case was received on 2 March 2026
        "Estimated": (17, True),
    }


def test_listing_parties_is_logged_with_the_relation(case, officer_north, api_for):
    # given
    case.lead_officer = officer_north.user
    case.save(update_fields=["lead_officer"])
    PartyFactory(case=case)
    # when
    api_for(officer_north).get(_parties(case))
    # then
    [entry] = _log("cases.party.listed")
    assert (entry.object_type, entry.object_id, entry.justification) == (
        "party",
        str(case.id),
        "lead officer",
    )


@pytest.mark.parametrize("count", [2, 20])
def test_the_party_list_takes_the_same_queries_for_2_or_20_parties(
    case, officer_north, api_for, django_assert_max_num_queries, count
):
    # given
    suspect = PartyFactory(case=case, role="suspect")
    for n in range(count - 1):
        PartyFactory(
            case=case,
            role="family_member" if n % 2 else "victim",
            related_to=suspect if n % 2 else None,
        )
    offence = Offence.objects.create(
        case=case,
        offence_type="iioc_making",
        committed_from=date(2026, 1, 1),
        created_by=suspect.created_by,
    )
    offence.parties.set(CaseParty.objects.filter(case=case))
    client = api_for(officer_north)
    # when: the caller's membership, the grant content type, the case, the parties
    # with their people, the offences for their ages, and the access log entry (its
    # chain's last entry and the insert in a savepoint; PostgreSQL adds its lock)
    with django_assert_max_num_queries(10 if connection.vendor == "postgresql" else 9):
        response = client.get(_parties(case))
    # then
    assert len(response.json()["results"]) == count
