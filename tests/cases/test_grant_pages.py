"""The grant pages and the grants API: the owner sees every grant and its source,
grants a statutory partner (the whole case or chosen people) with a reason,
revokes one and renews one that would end by itself. A grant to a charity and a
grant without a reason are refused naming the field, and nothing changes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Role
from cases.models import CaseGrant, CaseGroupObjectPermission, GrantSource
from cases.services.grants import case_grant
from referrals.models import ReferralPurpose
from referrals.services import referral_accept
from tests.factories import MembershipFactory, TOTPDeviceFactory
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, frozen, sent


def _grants(case) -> list[tuple]:
    return list(
        CaseGrant.objects.filter(case=case)
        .order_by("granted_at")
        .values_list("agency__slug", "reason", "revoked_at", "expires_at", "renew_reason")
    )


@pytest.fixture
def hub_grant(officer_north, coordinator_mash, north_case, mash, child):
    """The hub accepted the police's referral of the child, and completed it: its
    grant ends by itself in 20 working days."""
    with frozen(MONDAY_MORNING):
        referral = sent(
            officer_north, north_case, mash, [child], purpose=ReferralPurpose.SAFEGUARDING
        )
        referral_accept(actor=coordinator_mash.user, referral=referral)
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    grant.expires_at = timezone.now() + timedelta(days=3)
    grant.save(update_fields=["expires_at"])
    return grant


# --- Pages


def test_the_owner_sees_every_grant_its_source_scope_and_end(
    hub_grant, officer_north, north_case, child, browser_for
):
    page = browser_for(officer_north).get(reverse("case-grants-page", args=[north_case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    row = html[html.index(f'id="grant-{hub_grant.pk}"') :]
    assert "Northshire MASH" in row
    assert reverse("referral-page", args=[hub_grant.source_id]) in row
    assert "Safeguarding referral from Northshire Police" in row
    assert "Only: Kit Madeup (child in the suspect&#x27;s household)" in row
    assert "Ends soon" in row
    assert reverse("case-grant-renew-page", args=[north_case.pk, hub_grant.pk]) in row
    assert reverse("case-grant-revoke-page", args=[north_case.pk, hub_grant.pk]) in row


def test_the_lead_officer_grants_childrens_services_the_chosen_child_through_the_page(
    officer_north, north_case, childrens_services, child, victim, browser_for
):
    browser = browser_for(officer_north)
    url = reverse("case-grant-create-page", args=[north_case.pk])
    form = browser.get(url).content.decode()
    assert "Northshire Children&#x27;s Services" in form
    assert "Lighthouse" not in form  # charities are not offered
    # when
    response = browser.post(
        url,
        {
            "agency": "northshire-childrens-services",
            "scope": "parties",
            "parties": [str(child.pk)],
            "reason": "Section 47 enquiries about Kit.",
        },
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("case-grants-page", args=[north_case.pk])
    grant = CaseGrant.objects.get(case=north_case)
    assert (grant.agency, grant.source_kind, grant.party_scoped) == (
        childrens_services,
        GrantSource.NAMED,
        True,
    )
    assert list(grant.parties.all()) == [child]
    assert grant.granted_by == officer_north.user


@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        (
            {"agency": "lighthouse-family-support", "scope": "whole", "reason": "Support."},
            "agency",
            "A charity cannot be granted a case; send a referral instead.",
        ),
        (
            {"agency": "northshire-mash", "scope": "whole", "reason": ""},
            "reason",
            "Give the reason this agency needs to see the case.",
        ),
    ],
)
def test_a_bad_grant_through_the_page_names_the_field_and_changes_nothing(
    officer_north, north_case, mash, lighthouse, browser_for, posted, field, message
):
    url = reverse("case-grant-create-page", args=[north_case.pk])
    response = browser_for(officer_north).post(url, posted)
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in html
    assert message.replace("'", "&#x27;") in html
    assert _grants(north_case) == []
    assert not CaseGroupObjectPermission.objects.filter(content_object=north_case).exists()


def test_a_colleague_who_does_not_lead_the_case_gets_no_grant_pages(
    north, north_case, hub_grant, browser_for
):
    colleague = MembershipFactory(agency=north, role=Role.GENERALIST_OFFICER)
    TOTPDeviceFactory(user=colleague.user)
    browser = browser_for(colleague)
    assert browser.get(reverse("case-grants-page", args=[north_case.pk])).status_code == 200
    for url in (
        reverse("case-grant-create-page", args=[north_case.pk]),
        reverse("case-grant-revoke-page", args=[north_case.pk, hub_grant.pk]),
        reverse("case-grant-renew-page", args=[north_case.pk, hub_grant.pk]),
    ):
        assert browser.get(url).status_code == 404


def test_the_lead_officer_renews_and_then_revokes_a_grant_through_the_pages(
    hub_grant, officer_north, coordinator_mash, north_case, browser_for
):
    browser = browser_for(officer_north)
    renew = reverse("case-grant-renew-page", args=[north_case.pk, hub_grant.pk])
    # a renewal without a reason is refused on its field
    refused = browser.post(renew, {"reason": ""})
    assert 'href="#id_reason"' in refused.content.decode()
    # when
    assert browser.post(renew, {"reason": "Enquiries continue."}).status_code == 302
    hub_grant.refresh_from_db()
    assert hub_grant.renew_reason == "Enquiries continue."
    assert hub_grant.expires_at > timezone.now() + timedelta(days=20)
    revoke = reverse("case-grant-revoke-page", args=[north_case.pk, hub_grant.pk])
    assert browser.post(revoke, {"reason": "The hub's work is done."}).status_code == 302
    hub_grant.refresh_from_db()
    assert (hub_grant.revoked_by, hub_grant.revoke_reason) == (
        officer_north.user,
        "The hub's work is done.",
    )


# --- The API


def _api(case) -> str:
    return f"/api/v1/cases/{case.pk}/grants/"


def test_the_api_lists_each_grant_with_its_source_scope_and_end(
    hub_grant, officer_north, north_case, child, api_for
):
    body = api_for(officer_north).get(_api(north_case)).json()
    (grant,) = body["results"]
    assert grant["source"] == {
        "kind": "referral",
        "referral_id": str(hub_grant.source_id),
        "label": "Safeguarding referral from Northshire Police",
    }
    assert grant["scope"] == "parties"
    assert grant["parties"] == [
        {"id": str(child.pk), "role": "child_in_household", "full_name": "Kit Madeup"}
    ]
    assert grant["expires_at"] is not None
    assert grant["expired"] is False


def test_the_lead_officer_grants_through_the_api_and_a_named_grant_has_no_end(
    officer_north, north_case, mash, child, api_for
):
    response = api_for(officer_north).post(
        _api(north_case),
        {"agency": "northshire-mash", "reason": "Joint work.", "parties": [str(child.pk)]},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["scope"], body["expires_at"], body["source"]["kind"]) == (
        "parties",
        None,
        "named",
    )


@pytest.mark.parametrize(
    ("posted", "field"),
    [
        ({"agency": "lighthouse-family-support", "reason": "Support."}, "agency"),
        ({"agency": "northshire-mash", "reason": ""}, "reason"),
        ({"agency": "northshire-mash"}, "reason"),
    ],
)
def test_a_bad_grant_through_the_api_is_a_400_naming_the_field(
    officer_north, north_case, mash, lighthouse, api_for, posted, field
):
    response = api_for(officer_north).post(_api(north_case), posted, format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert _grants(north_case) == []


def test_renewing_a_grant_that_lasts_until_revoked_is_a_conflict(
    officer_north, north_case, mash, api_for
):
    grant = case_grant(actor=officer_north.user, case=north_case, agency=mash, reason="Work.")
    response = api_for(officer_north).post(
        f"{_api(north_case)}{grant.pk}/renew/", {"reason": "More work."}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["state"] == "open_ended"
    grant.refresh_from_db()
    assert (grant.expires_at, grant.renewed_at) == (None, None)


def test_renewing_through_the_api_sets_a_new_end(hub_grant, officer_north, north_case, api_for):
    response = api_for(officer_north).post(
        f"{_api(north_case)}{hub_grant.pk}/renew/", {"reason": "Enquiries continue."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["renew_reason"] == "Enquiries continue."
