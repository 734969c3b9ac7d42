"""The family-support API: the case's families, packs, duties and referrals for a
police reader; recording a pack (idempotent); closing a referral duty. Partners
get nothing, on every endpoint."""

import pytest

from referrals.disclosure import disclosure_build
from tests.factories import PartyFactory
from tests.helpers import ACCESS_LOG_QUERIES
from tests.welfare.family.helpers import arrest, at, frozen, refer
from welfare.models import Duty, DutyKind, DutyStatus, FamilyPack

GET_QUERIES = 6 + ACCESS_LOG_QUERIES  # and the read's access-log entry


def _url(case) -> str:
    return f"/api/v1/cases/{case.id}/family-support/"


@pytest.fixture
def arrested(officer_north, north_case, suspect, partner, child):
    return arrest(officer_north, north_case, suspect)


def test_the_family_support_of_a_case(
    officer_north, north_case, suspect, partner, child, victim, lighthouse, arrested, api_for
):
    # given
    referral = refer(officer_north, north_case, lighthouse, [partner], "family_support")
    # when
    with frozen(at(2026, 3, 2, 12, 0)):
        response = api_for(officer_north).get(_url(north_case))
    # then
    assert response.status_code == 200
    body = response.json()
    [family] = body["suspects"]
    assert family["suspect"]["id"] == str(suspect.id)
    assert [m["id"] for m in family["family_members"]] == [str(partner.id)]
    assert [(c["id"], c["relationship"]) for c in family["children"]] == [(str(child.id), "son")]
    assert family["packs"] == []
    # the referral to lighthouse, sent after the arrest, met the offer of support
    assert {(d["kind"], d["status"]) for d in family["duties"]} == {
        ("family_pack", "open"),
        ("family_support_offer", "met"),
        ("children_safeguarding_referral", "open"),
    }
    assert body["referrals"] == [
        {
            "id": str(referral.id),
            "purpose": "family_support",
            "state": "sent",
            "to_agency": {"slug": "lighthouse-family-support", "name": "Lighthouse Family Support"},
            "sent_at": "2026-03-02T11:00:00Z",
        }
    ]
    # No victim is ever part of the family's picture.
    assert str(victim.id) not in response.content.decode()


def test_the_read_costs_the_same_however_large_the_family(
    officer_north, north_case, suspect, arrested, api_for, django_assert_max_num_queries
):
    for _ in range(4):
        PartyFactory(case=north_case, role="family_member", related_to=suspect, relationship="x")
        PartyFactory(case=north_case, role="child_in_household", related_to=suspect)
    second = PartyFactory(case=north_case, role="suspect")
    arrest(officer_north, north_case, second, moment=at(2026, 3, 2, 11, 0))
    client = api_for(officer_north)
    with django_assert_max_num_queries(GET_QUERIES):
        response = client.get(_url(north_case))
    assert len(response.json()["suspects"]) == 2


def test_recording_a_pack_is_idempotent(officer_north, north_case, suspect, arrested, api_for):
    # given
    client = api_for(officer_north)
    body = {
        "suspect": str(suspect.id),
        "given": True,
        "given_on": "2026-03-02",
        "given_to": "Jo",
        "pack_version": "v3",
        "accepted": None,
        "event": str(arrested.id),
    }
    # when
    with frozen(at(2026, 3, 3, 9, 0)):
        first = client.post(_url(north_case), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        again = client.post(_url(north_case), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    # then
    assert first.status_code == 201, first.content
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert first.json()["given_by"]["username"] == "officer.north"
    assert FamilyPack.objects.count() == 1
    assert Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_PACK).status == DutyStatus.MET


def test_a_pack_for_a_case_with_no_suspect_names_the_field(
    officer_north, north_case, victim, api_for
):
    with frozen(at(2026, 3, 3, 9, 0)):
        response = api_for(officer_north).post(
            _url(north_case), {"given": True, "given_on": "2026-03-02"}, format="json"
        )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "suspect": [
            "This case has no suspect: a family pack follows an arrest or search of a suspect."
        ]
    }
    assert FamilyPack.objects.count() == 0


def test_closing_a_duty_by_referral_over_the_api(
    officer_north, north_case, suspect, child, mash, api_for
):
    # given: the children were referred before the arrest opened their duty
    referral = refer(officer_north, north_case, mash, [child], "safeguarding")
    arrest(officer_north, north_case, suspect, moment=at(2026, 3, 2, 13, 0))
    duty = Duty.objects.get(party=suspect, kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    client = api_for(officer_north)
    # when
    response = client.post(
        f"/api/v1/duties/{duty.id}/referral/", {"referral": str(referral.id)}, format="json"
    )
    again = client.post(
        f"/api/v1/duties/{duty.id}/referral/", {"not_needed_reason": "Known."}, format="json"
    )
    # then
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["referral"]) == ("met", str(referral.id))
    assert again.status_code == 409
    assert again.json()["state"] == "met"


def test_declining_for_children_is_a_field_error(officer_north, suspect, arrested, api_for):
    duty = Duty.objects.get(party=suspect, kind=DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    response = api_for(officer_north).post(
        f"/api/v1/duties/{duty.id}/referral/", {"declined_reason": "No."}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["declined_reason"]


@pytest.mark.parametrize("persona", ["caseworker_harbour", "caseworker_lighthouse"])
def test_partners_get_no_family_support_data_on_any_endpoint(
    request, persona, north_case, suspect, arrested, api_for
):
    # given: even a partner whose agency was granted the case
    from tests.factories import grant_case

    membership = request.getfixturevalue(persona)
    grant_case(north_case, membership.agency)
    client = api_for(membership)
    duty = Duty.objects.get(party=suspect, kind=DutyKind.FAMILY_SUPPORT_OFFER)
    # when
    answers = [
        client.get(_url(north_case)).status_code,
        client.post(
            _url(north_case),
            {"suspect": str(suspect.id), "given": True, "given_on": "2026-03-02"},
            format="json",
        ).status_code,
        client.post(
            f"/api/v1/duties/{duty.id}/referral/", {"declined_reason": "No."}, format="json"
        ).status_code,
    ]
    # then
    assert answers == [404, 404, 404]
    assert FamilyPack.objects.count() == 0
    assert Duty.objects.get(pk=duty.pk).status == DutyStatus.OPEN


def test_a_family_support_referral_discloses_no_victim_to_the_charity(
    officer_north, caseworker_lighthouse, north_case, suspect, partner, child, victim, lighthouse
):
    # given: the referral is refused when a victim is included
    from common.errors import ValidationError

    with pytest.raises(ValidationError) as refused:
        refer(officer_north, north_case, lighthouse, [partner, victim], "family_support")
    assert "parties" in refused.value.message_dict
    # when: sent with the family only
    referral = refer(officer_north, north_case, lighthouse, [suspect, partner], "family_support")
    # then: what the charity sees names no victim
    snapshot = referral.disclosure or disclosure_build(referral)
    shown = {party["role"] for party in snapshot["parties"]}
    assert "victim" not in shown
    assert str(victim.id) not in str(snapshot)
    assert victim.person.last_name not in str(snapshot)
