"""Who sees which case, and which parts of it: the owning force's police roles,
another force, a charity, an auditor, a granted agency; compartments a role is not
cleared for; the access log's record of every read and its justification."""

from datetime import UTC, date, datetime

import pytest

from agencies import access
from agencies.models import AccessLogEntry, Compartment, Role
from cases import selectors
from cases.history import case_history
from cases.models import CaseParty, ContactLog, KeyDecision, Offence, Person
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    TOTPDeviceFactory,
    grant_case,
)

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)


pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


def _member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north")


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, title="Sextortion", reference="NP-2026-000042")


def _log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


# --- Which roles see a case


@pytest.mark.parametrize(
    "role", [Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR]
)
def test_the_owning_forces_police_roles_see_its_case(case, north, api_for, role):
    # given
    member = _member(north, role, "someone.north")
    client = api_for(member)
    # when
    detail = client.get(f"/api/v1/cases/{case.id}/")
    listed = client.get("/api/v1/cases/")
    # then
    assert detail.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [str(case.id)]


def test_another_force_sees_nothing_of_the_case(case, officer_south, api_for):
    # given
    PartyFactory(case=case, role="victim", person__last_name="Quillfeather")
    client = api_for(officer_south)
    # when
    responses = {
        path: client.get(f"/api/v1/cases/{case.id}/{path}")
        for path in ("", "parties/", "offences/", "contacts/", "decisions/", "history/", "grants/")
    }
    listed = client.get("/api/v1/cases/?q=Quillfeather")
    searched = client.get("/api/v1/persons/?q=Quillfeather")
    # then
    assert {path: r.status_code for path, r in responses.items()} == dict.fromkeys(responses, 404)
    assert listed.json()["results"] == []
    assert searched.json()["results"] == []
    denied = AccessLogEntry.objects.filter(outcome="denied", object_id=str(case.id))
    assert denied.count() == len(responses)
    assert set(denied.values_list("username", flat=True)) == {"officer.south"}


def test_a_charitys_casework_selectors_return_nothing(case, caseworker_harbour):
    # given
    PartyFactory(case=case, role="victim")
    actor = caseworker_harbour.user
    # then
    assert list(selectors.case_list(actor=actor)) == []
    assert list(selectors.person_search(actor=actor)) == []
    assert list(selectors.party_list(actor=actor, case=case)) == []


def test_an_auditor_reads_history_not_casework(case, auditor_north, api_for):
    # given
    PartyFactory(case=case, role="victim")
    client = api_for(auditor_north)
    # when
    history = client.get(f"/api/v1/cases/{case.id}/history/")
    casework = [
        client.get(f"/api/v1/cases/{case.id}/{path}").status_code
        for path in ("", "parties/", "offences/", "contacts/", "decisions/")
    ]
    listed = client.get("/api/v1/cases/")
    access_log = client.get("/api/v1/audit/access-log/")
    # then
    assert history.status_code == 200
    assert casework == [404, 404, 404, 404, 404]
    assert listed.status_code == 403
    assert access_log.status_code == 200


# --- Selectors return nothing of another agency's


def test_record_selectors_return_nothing_of_another_agencys_case(south, officer_north):
    # given: a Southshire case, passed to the selectors as if it had been read
    theirs = CaseFactory(owning_agency=south)
    victim = PartyFactory(case=theirs, role="victim")
    Offence.objects.create(
        case=theirs,
        offence_type="other",
        committed_from=date(2026, 1, 1),
        created_by=victim.created_by,
    )
    ContactLog.objects.create(
        case=theirs,
        party=victim,
        contacted_at=NOW,
        channel="phone",
        made_by=victim.created_by,
        summary="Theirs.",
    )
    KeyDecision.objects.create(
        case=theirs, decision="D", rationale="R", decided_by=victim.created_by, decided_at=NOW
    )
    actor = officer_north.user
    # then
    assert list(selectors.case_list(actor=actor)) == []
    assert list(selectors.party_list(actor=actor, case=theirs)) == []
    assert list(selectors.offence_list(actor=actor, case=theirs)) == []
    assert list(selectors.contact_list(actor=actor, case=theirs)) == []
    assert list(selectors.decision_list(actor=actor, case=theirs)) == []
    assert list(selectors.grant_list(actor=actor, case=theirs)) == []
    assert list(selectors.person_search(actor=actor)) == []


# --- The access log: every read, with the relation that allowed it


@pytest.fixture
def relations(north, south, north_team, officer_north):
    """Four cases, each seen by officer.north through a different relation."""
    led = CaseFactory(
        owning_agency=north, reference="NP-2026-000001", lead_officer=officer_north.user
    )
    team = CaseFactory(owning_agency=north, reference="NP-2026-000002", team=north_team)
    agency = CaseFactory(owning_agency=north, reference="NP-2026-000003")
    granted = CaseFactory(owning_agency=south, reference="SP-2026-000001")
    grant_case(granted, north)
    return {
        "lead officer": led,
        "own team": team,
        "own agency (northshire-police)": agency,
        "agency grant to northshire-police": granted,
    }


@pytest.mark.parametrize(
    "relation",
    [
        "lead officer",
        "own team",
        "own agency (northshire-police)",
        "agency grant to northshire-police",
    ],
)
def test_each_read_is_logged_with_the_relation_that_allowed_it(
    relations, officer_north, api_for, relation
):
    # given
    case = relations[relation]
    victim = PartyFactory(case=case, role="victim")
    client = api_for(officer_north)
    # when
    client.get(f"/api/v1/cases/{case.id}/")
    client.get(f"/api/v1/cases/{case.id}/parties/")
    client.get(f"/api/v1/persons/{victim.person.id}/")
    # then
    [case_read] = _log("cases.case.viewed")
    [party_list] = _log("cases.party.listed")
    [person_read] = _log("cases.person.viewed")
    assert case_read.justification == relation
    assert party_list.justification == relation
    assert person_read.justification == f"{relation}; in case {case.reference}"
    for entry in (case_read, party_list, person_read):
        assert entry.outcome == "allowed"
        assert entry.username == "officer.north"
        assert entry.object_agency_slug == case.owning_agency.slug
    assert (case_read.object_type, case_read.object_id) == ("case", str(case.id))
    assert (person_read.object_type, person_read.object_id) == ("person", str(victim.person.id))


def test_a_refused_read_is_logged_as_denied(south, officer_north, api_for):
    # given
    theirs = CaseFactory(owning_agency=south)
    # when
    api_for(officer_north).get(f"/api/v1/cases/{theirs.id}/")
    # then
    [entry] = AccessLogEntry.objects.filter(object_id=str(theirs.id))
    assert (entry.action, entry.outcome, entry.username) == (
        "cases.case.view",
        "denied",
        "officer.north",
    )
    assert entry.justification == "not found or out of scope"


# --- Compartments a role is not cleared for


@pytest.fixture
def not_cleared_for_suspects(monkeypatch):
    """Generalist officers, for this test, are not cleared for the suspect compartment."""
    monkeypatch.setitem(
        access.ROLE_CLEARANCES,
        Role.GENERALIST_OFFICER,
        access.ROLE_CLEARANCES[Role.GENERALIST_OFFICER] - {Compartment.SUSPECT},
    )


@pytest.fixture
def parts(case, officer_north):
    victim = PartyFactory(
        case=case, role="victim", person__first_name="Ffion", person__last_name="Quillfeather"
    )
    suspect = PartyFactory(
        case=case,
        role="suspect",
        person__first_name="Gideon",
        person__last_name="Hollowmere",
        person__aliases="Gid the Grey",
        person__recorded_by_agency=case.owning_agency,
    )
    partner = PartyFactory(
        case=case,
        role="family_member",
        related_to=suspect,
        relationship="partner",
        person__last_name="Hollowmere",
        person__first_name="Rhian",
    )
    offence = Offence.objects.create(
        case=case,
        offence_type="sexual_extortion",
        committed_from=date(2026, 2, 1),
        created_by=victim.created_by,
    )
    offence.parties.set([victim, suspect])
    for party in (victim, suspect):
        ContactLog.objects.create(
            case=case,
            party=party,
            contacted_at=NOW,
            channel="phone",
            made_by=officer_north.user,
            summary=f"Spoke to the {party.role}.",
        )
    return {"victim": victim, "suspect": suspect, "partner": partner, "offence": offence}


def test_a_role_not_cleared_for_a_compartment_never_sees_its_parties(
    not_cleared_for_suspects, case, parts, officer_north, api_for
):
    # given
    client = api_for(officer_north)
    base = f"/api/v1/cases/{case.id}/"
    # when
    parties = client.get(f"{base}parties/").json()["results"]
    contacts = client.get(f"{base}contacts/").json()["results"]
    offences = client.get(f"{base}offences/").json()["results"]
    by_suspect_name = client.get("/api/v1/cases/?q=Gideon").json()["results"]
    by_suspect_alias = client.get("/api/v1/cases/?q=grey").json()["results"]
    by_victim_name = client.get("/api/v1/cases/?q=Quillfeather").json()["results"]
    people = client.get("/api/v1/persons/?q=Hollowmere").json()["results"]
    suspect_person = client.get(f"/api/v1/persons/{parts['suspect'].person.id}/")
    # then
    assert [(p["role"], p["person"]["first_name"]) for p in parties] == [
        ("victim", "Ffion"),
        ("family_member", "Rhian"),
    ]
    assert parties[1]["relationship"] == "partner"
    assert parties[1]["related_to"] is None
    assert [c["party"]["role"] for c in contacts] == ["victim"]
    assert [p["role"] for p in offences[0]["parties"]] == ["victim"]
    assert by_suspect_name == []
    assert by_suspect_alias == []
    assert [c["id"] for c in by_victim_name] == [str(case.id)]
    assert [p["first_name"] for p in people] == ["Rhian"]
    assert suspect_person.status_code == 404


def test_a_cleared_role_sees_the_same_parties(case, parts, investigator_north, api_for):
    # given
    client = api_for(investigator_north)
    base = f"/api/v1/cases/{case.id}/"
    # when
    parties = client.get(f"{base}parties/").json()["results"]
    by_suspect_name = client.get("/api/v1/cases/?q=Gideon").json()["results"]
    # then
    assert [p["role"] for p in parties] == ["victim", "suspect", "family_member"]
    assert parties[2]["related_to"] == str(parts["suspect"].id)
    assert [c["id"] for c in by_suspect_name] == [str(case.id)]


def test_history_leaves_out_parties_a_role_is_not_cleared_for(
    not_cleared_for_suspects, case, parts, officer_north
):
    # when
    entries = case_history(actor=officer_north.user, case=case)
    # then
    party_ids = {e["record_id"] for e in entries if e["record_type"] == "party"}
    assert party_ids == {str(parts["victim"].id), str(parts["partner"].id)}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("contacts/", {"party": "SUSPECT", "channel": "phone", "summary": "Call."}, "party"),
        (
            "offences/",
            {"offence_type": "iioc_making", "committed_from": "2026-01-01", "parties": ["SUSPECT"]},
            "parties.0",
        ),
        (
            "parties/",
            {"new_person": {"first_name": "Second", "last_name": "Suspect"}, "role": "suspect"},
            "role",
        ),
        (
            "parties/",
            {
                "new_person": {"first_name": "Son", "last_name": "Hollowmere"},
                "role": "child_in_household",
                "related_to": "SUSPECT",
                "relationship": "son",
            },
            "related_to",
        ),
    ],
    ids=[
        "contact-the-suspect",
        "offence-of-the-suspect",
        "add-a-suspect",
        "relative-of-the-suspect",
    ],
)
def test_a_role_not_cleared_for_a_compartment_cannot_write_to_it(
    not_cleared_for_suspects, case, parts, officer_north, api_for, path, body, field
):
    # given
    suspect_id = str(parts["suspect"].id)
    if body.get("party") == "SUSPECT":
        body = {**body, "party": suspect_id}
    if body.get("related_to") == "SUSPECT":
        body = {**body, "related_to": suspect_id}
    if body.get("parties") == ["SUSPECT"]:
        body = {**body, "parties": [suspect_id]}
    before = (
        CaseParty.objects.count(),
        Person.objects.count(),
        ContactLog.objects.count(),
        Offence.objects.count(),
    )
    # when
    response = api_for(officer_north).post(f"/api/v1/cases/{case.id}/{path}", body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert (
        CaseParty.objects.count(),
        Person.objects.count(),
        ContactLog.objects.count(),
        Offence.objects.count(),
    ) == before


def test_charity_walls_narrow_what_a_partner_could_see(
    case, parts, caseworker_harbour, caseworker_lighthouse
):
    # given: what each charity's caseworker is cleared for, whatever a referral later
    # shares (a charity never holds a case: its clearances alone are asked here)
    harbour = caseworker_harbour.user
    lighthouse = caseworker_lighthouse.user
    parties = CaseParty.objects.filter(case=case)
    # when
    harbour_sees = set(access.compartment_scope(harbour, parties).values_list("role", flat=True))
    lighthouse_sees = set(
        access.compartment_scope(lighthouse, parties).values_list("role", flat=True)
    )
    # and they see none of them as the case's parties
    assert not selectors.visible_parties(harbour).filter(case=case).exists()
    # then: victim support never sees suspects or families; family support never victims
    assert harbour_sees == {"victim"}
    assert lighthouse_sees == {"suspect", "family_member"}


def test_a_person_the_agency_recorded_shows_until_they_are_placed_in_a_hidden_part(
    not_cleared_for_suspects, case, north, officer_north, investigator_north, api_for
):
    # given
    person = PersonFactory(recorded_by_agency=north, last_name="Hollowmere")
    client = api_for(officer_north)
    found_before = client.get("/api/v1/persons/?q=Hollowmere").json()["results"]
    api_for(investigator_north).post(
        f"/api/v1/cases/{case.id}/parties/",
        {"person": str(person.id), "role": "suspect"},
        format="json",
    )
    # when
    found_after = client.get("/api/v1/persons/?q=Hollowmere").json()["results"]
    # then
    assert [p["id"] for p in found_before] == [str(person.id)]
    assert found_after == []
