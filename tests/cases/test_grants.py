"""Named grants: another agency may see a case, for a written reason, until the
grant is revoked. What a granted agency may and may not do with the case."""

from datetime import date

import pytest
from guardian.shortcuts import get_groups_with_perms

from agencies.models import AccessLogEntry, Role
from cases.models import CaseGrant, CaseParty, ContactLog, KeyDecision, Offence
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    grant_case,
)


def _member(agency, role, username):
    membership = MembershipFactory(agency=agency, role=role, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north")


@pytest.fixture
def investigator_south(south):
    return _member(south, Role.SPECIALIST_INVESTIGATOR, "investigator.south")


@pytest.fixture
def case(north):
    case = CaseFactory(owning_agency=north, title="Sextortion of a 15-year-old")
    PartyFactory(case=case, role="victim")
    return case


def _grants(case) -> str:
    return f"/api/v1/cases/{case.id}/grants/"


def _revoke(case, grant) -> str:
    return f"/api/v1/cases/{case.id}/grants/{grant.id}/revoke/"


def _granted_to(case) -> set[str]:
    return {group.name for group in get_groups_with_perms(case)}


def _state(case) -> dict:
    return {
        "grants": list(
            CaseGrant.objects.filter(case=case)
            .order_by("granted_at")
            .values_list("agency__slug", "reason", "revoked_at", "revoke_reason")
        ),
        "permissions": _granted_to(case),
    }


def _log(action: str) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(action=action).order_by("sequence"))


# --- Granting


def test_an_investigator_grants_a_case_to_another_force_with_a_reason(
    case, south, investigator_north, api_for
):
    # when
    response = api_for(investigator_north).post(
        _grants(case),
        {"agency": "southshire-police", "reason": "Suspect lives in Southshire."},
        format="json",
    )
    # then
    assert response.status_code == 201
    grant = CaseGrant.objects.get()
    body = response.json()
    assert body == {
        "id": str(grant.id),
        "agency": "southshire-police",
        "reason": "Suspect lives in Southshire.",
        "granted_by": {
            "username": "investigator.north",
            "full_name": investigator_north.user.get_full_name(),
        },
        "granted_at": body["granted_at"],
        "source": {
            "kind": "named",
            "referral_id": None,
            "label": f"Named by {investigator_north.user.get_full_name()} (Northshire Police)",
        },
        "scope": "whole_case",
        "parties": [],
        "expires_at": None,
        "renewed_at": None,
        "renewed_by": None,
        "renew_reason": "",
        "revoked_at": None,
        "revoked_by": None,
        "revoke_reason": "",
        "expired": False,
    }
    assert _granted_to(case) == {"agency:southshire-police"}
    [entry] = _log("cases.grant.created")
    assert (entry.object_type, entry.object_id) == ("case_grant", str(grant.id))
    assert entry.object_agency_slug == "northshire-police"
    assert entry.justification == (
        "own agency (northshire-police); to southshire-police (the whole case): "
        "Suspect lives in Southshire."
    )


def test_a_supervisor_may_grant_too(case, south, supervisor_north, api_for):
    # when
    response = api_for(supervisor_north).post(
        _grants(case), {"agency": "southshire-police", "reason": "Joint work."}, format="json"
    )
    # then
    assert response.status_code == 201


def test_a_grant_to_a_safeguarding_hub_is_allowed(case, investigator_north, api_for):
    # given
    AgencyFactory(slug="northshire-mash", mash=True)
    # when
    response = api_for(investigator_north).post(
        _grants(case),
        {"agency": "northshire-mash", "reason": "Strategy discussion."},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert _granted_to(case) == {"agency:northshire-mash"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"agency": "southshire-police"}, "reason"),
        ({"agency": "southshire-police", "reason": "   "}, "reason"),
        ({"agency": "harbour-victim-support", "reason": "Support the victim."}, "agency"),
        ({"agency": "lighthouse-family-support", "reason": "Support the family."}, "agency"),
        ({"agency": "northshire-police", "reason": "Ourselves."}, "agency"),
        ({"agency": "no-such-agency", "reason": "Who?"}, "agency"),
        ({"reason": "Whom?"}, "agency"),
    ],
    ids=[
        "no-reason",
        "blank-reason",
        "victim-charity",
        "family-charity",
        "owner",
        "unknown",
        "none",
    ],
)
def test_a_bad_grant_is_refused_naming_the_field_and_nothing_is_granted(
    case, south, harbour, lighthouse, investigator_north, api_for, body, field
):
    # given
    before = _state(case)
    # when
    response = api_for(investigator_north).post(_grants(case), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _state(case) == before
    assert _log("cases.grant.created") == []


def test_a_charity_is_refused_with_the_reason(case, harbour, investigator_north, api_for):
    # when
    response = api_for(investigator_north).post(
        _grants(case), {"agency": "harbour-victim-support", "reason": "Support."}, format="json"
    )
    # then
    assert response.json()["errors"] == {
        "agency": ["A charity cannot be granted a case; send a referral instead."]
    }


def test_a_second_live_grant_to_the_same_agency_is_a_conflict(
    case, south, investigator_north, api_for
):
    # given
    client = api_for(investigator_north)
    client.post(_grants(case), {"agency": "southshire-police", "reason": "First."}, format="json")
    before = _state(case)
    # when
    response = client.post(
        _grants(case), {"agency": "southshire-police", "reason": "Again."}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json() == {
        "detail": "This agency already has a grant to this case.",
        "state": "granted",
    }
    assert _state(case) == before


def test_a_generalist_officer_who_does_not_lead_the_case_cannot_grant(
    case, south, officer_north, api_for
):
    # given: they see the case, but do not lead it
    before = _state(case)
    # when
    response = api_for(officer_north).post(
        _grants(case), {"agency": "southshire-police", "reason": "Joint work."}, format="json"
    )
    # then
    assert response.status_code == 403
    assert _state(case) == before


def test_another_force_cannot_grant_our_case(case, south, investigator_south, api_for):
    # given
    third = AgencyFactory(slug="westshire-police")
    before = _state(case)
    # when
    response = api_for(investigator_south).post(
        _grants(case), {"agency": third.slug, "reason": "Curious."}, format="json"
    )
    # then
    assert response.status_code == 404
    assert _state(case) == before


def test_the_owner_lists_grants_live_and_ended(case, south, investigator_north, api_for):
    # given
    client = api_for(investigator_north)
    first = client.post(
        _grants(case), {"agency": "southshire-police", "reason": "First."}, format="json"
    ).json()
    client.post(
        f"/api/v1/cases/{case.id}/grants/{first['id']}/revoke/",
        {"reason": "Done."},
        format="json",
    )
    second = client.post(
        _grants(case), {"agency": "southshire-police", "reason": "Again."}, format="json"
    ).json()
    # when
    response = client.get(_grants(case))
    # then
    assert response.status_code == 200
    assert [(g["id"], g["reason"], g["revoke_reason"]) for g in response.json()["results"]] == [
        (second["id"], "Again.", ""),
        (first["id"], "First.", "Done."),
    ]
    assert _granted_to(case) == {"agency:southshire-police"}


# --- Revoking


def test_revoking_ends_access_at_once(case, south, investigator_north, officer_south, api_for):
    # given
    owner = api_for(investigator_north)
    grant_id = owner.post(
        _grants(case), {"agency": "southshire-police", "reason": "Joint work."}, format="json"
    ).json()["id"]
    grantee = api_for(officer_south)
    assert grantee.get(f"/api/v1/cases/{case.id}/").status_code == 200
    # when
    response = owner.post(
        f"/api/v1/cases/{case.id}/grants/{grant_id}/revoke/",
        {"reason": "Suspect identified as a Northshire resident."},
        format="json",
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["revoked_by"]["username"] == "investigator.north"
    assert body["revoke_reason"] == "Suspect identified as a Northshire resident."
    assert body["revoked_at"] is not None
    assert _granted_to(case) == set()
    assert grantee.get(f"/api/v1/cases/{case.id}/").status_code == 404
    assert grantee.get(f"/api/v1/cases/{case.id}/parties/").status_code == 404
    assert grantee.get("/api/v1/cases/").json()["results"] == []
    [entry] = _log("cases.grant.revoked")
    assert (entry.object_type, entry.object_id) == ("case_grant", grant_id)
    assert entry.justification == (
        "own agency (northshire-police); from southshire-police: "
        "Suspect identified as a Northshire resident."
    )


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}])
def test_a_revocation_needs_a_reason(case, south, investigator_north, api_for, body):
    # given
    grant_case(case, south)
    grant = CaseGrant.objects.get()
    before = _state(case)
    # when
    response = api_for(investigator_north).post(_revoke(case, grant), body, format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert _state(case) == before


def test_revoking_a_revoked_grant_is_a_conflict(case, south, investigator_north, api_for):
    # given
    grant_case(case, south)
    grant = CaseGrant.objects.get()
    client = api_for(investigator_north)
    client.post(_revoke(case, grant), {"reason": "Done."}, format="json")
    before = _state(case)
    # when
    response = client.post(_revoke(case, grant), {"reason": "Again."}, format="json")
    # then
    assert response.status_code == 409
    assert response.json() == {"detail": "This grant has already ended.", "state": "revoked"}
    assert _state(case) == before


def test_a_grant_of_another_case_cannot_be_revoked_through_this_one(
    case, north, south, investigator_north, api_for
):
    # given
    other_case = CaseFactory(owning_agency=north)
    grant_case(other_case, south)
    grant = CaseGrant.objects.get()
    # when
    response = api_for(investigator_north).post(
        _revoke(case, grant), {"reason": "Wrong case."}, format="json"
    )
    # then
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_the_grantee_cannot_revoke_its_own_grant(case, south, investigator_south, api_for):
    # given
    grant_case(case, south)
    grant = CaseGrant.objects.get()
    before = _state(case)
    # when
    response = api_for(investigator_south).post(
        _revoke(case, grant), {"reason": "Not ours."}, format="json"
    )
    # then
    assert response.status_code == 404
    assert _state(case) == before


# --- What a granted agency may do


@pytest.fixture
def granted(case, south):
    """The case granted to Southshire, with a suspect, an offence, a contact and a decision."""
    suspect = PartyFactory(case=case, role="suspect")
    offence = Offence.objects.create(
        case=case,
        offence_type="sexual_extortion",
        committed_from=date(2026, 2, 1),
        created_by=suspect.created_by,
    )
    offence.parties.set([suspect])
    ContactLog.objects.create(
        case=case,
        party=case.parties.get(role="victim"),
        contacted_at="2026-03-03T10:00:00Z",
        channel="phone",
        made_by=suspect.created_by,
        summary="Initial contact.",
    )
    KeyDecision.objects.create(
        case=case,
        decision="Seize devices",
        rationale="Risk of further offending.",
        decided_by=suspect.created_by,
        decided_at="2026-03-03T11:00:00Z",
    )
    grant_case(case, south)
    return case


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("parties/", 2),
        ("offences/", 1),
        ("contacts/", 1),
        ("decisions/", 1),
        ("history/", None),
    ],
)
def test_a_granted_agency_reads_the_case_and_its_records(
    granted, officer_south, api_for, path, count
):
    # given
    client = api_for(officer_south)
    # when
    case_response = client.get(f"/api/v1/cases/{granted.id}/")
    response = client.get(f"/api/v1/cases/{granted.id}/{path}")
    # then
    assert case_response.status_code == 200
    assert response.status_code == 200
    if count is not None:
        assert len(response.json()["results"]) == count


def test_a_granted_agency_sees_the_case_in_its_list(granted, officer_south, api_for):
    # when
    response = api_for(officer_south).get("/api/v1/cases/")
    # then
    assert [case["id"] for case in response.json()["results"]] == [str(granted.id)]


def test_a_granted_agency_adds_a_contact_and_a_decision(granted, officer_south, api_for):
    # given
    client = api_for(officer_south)
    victim = granted.parties.get(role="victim")
    # when
    contact = client.post(
        f"/api/v1/cases/{granted.id}/contacts/",
        {"party": str(victim.id), "channel": "visit", "summary": "Home visit."},
        format="json",
    )
    decision = client.post(
        f"/api/v1/cases/{granted.id}/decisions/",
        {"decision": "Arrest the suspect", "rationale": "He lives here."},
        format="json",
    )
    # then
    assert contact.status_code == 201
    assert decision.status_code == 201
    assert ContactLog.objects.filter(made_by=officer_south.user).count() == 1
    assert KeyDecision.objects.filter(decided_by=officer_south.user).count() == 1
    [entry] = _log("cases.contact.logged")
    assert entry.justification == "agency grant to southshire-police"


def _everything(case) -> dict:
    case.refresh_from_db()
    return {
        "case": (case.title, case.status, case.version),
        "parties": CaseParty.objects.filter(case=case).count(),
        "offences": Offence.objects.filter(case=case).count(),
        "grants": _state(case),
    }


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("patch", "", {"title": "Renamed"}),
        ("post", "close/", {"closing_reason": "no_crime"}),
        (
            "post",
            "parties/",
            {"new_person": {"first_name": "Wyn", "last_name": "Fictional"}, "role": "witness"},
        ),
        ("post", "offences/", {"offence_type": "other", "committed_from": "2026-02-01"}),
        ("get", "grants/", None),
        ("post", "grants/", {"agency": "westshire-police", "reason": "Pass it on."}),
    ],
    ids=["change", "close", "add-party", "add-offence", "list-grants", "grant"],
)
@pytest.mark.parametrize("persona", ["officer", "investigator"])
def test_a_granted_agency_cannot_change_or_manage_the_case(
    granted, officer_south, investigator_south, api_for, method, path, body, persona
):
    # given
    AgencyFactory(slug="westshire-police")
    client = api_for(officer_south if persona == "officer" else investigator_south)
    before = _everything(granted)
    # when
    response = getattr(client, method)(
        f"/api/v1/cases/{granted.id}/{path}", body, format="json", HTTP_IF_MATCH='"1"'
    )
    # then
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert _everything(granted) == before


def test_a_granted_agency_cannot_revoke(granted, investigator_south, api_for):
    # given
    grant = CaseGrant.objects.get()
    before = _state(granted)
    # when
    response = api_for(investigator_south).post(
        _revoke(granted, grant), {"reason": "Done."}, format="json"
    )
    # then
    assert response.status_code == 404
    assert _state(granted) == before
