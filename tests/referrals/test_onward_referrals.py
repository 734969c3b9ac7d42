"""Onward referrals and the duties they meet, and every agency's work on the case.

The hub holds the police case since it accepted the children's referral. Its own
onward referral of the children to a family-support charity meets the police's
duty to offer the family support, exactly as the police's own referral would; the
duty names who met it, and the lead officer is told. The case's "Agencies
involved" (section and API) lists who holds it and why, and every referral about it
by any holder with its outcome: metadata, never another sender's disclosure."""

import pytest
from django.urls import reverse

from agencies.models import AccessLogEntry
from cases.models import EventKind
from cases.services.events import investigation_event_record
from cases.services.grants import case_grant_revoke
from common.errors import NotFound, ValidationError
from common.models import Notification
from referrals.models import Referral, ReferralPurpose
from referrals.services import referral_accept, referral_complete
from tests.factories import TOTPDeviceFactory
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, at, draft, frozen, in_progress, sent
from welfare.models import Duty, DutyKind, DutyStatus

FAMILY_SUPPORT = {
    "purpose": ReferralPurpose.FAMILY_SUPPORT,
    "summary_for_receiver": "Two children whose father was arrested.",
}


@pytest.fixture
def arrested(officer_north, north_case, suspect, partner, child):
    """The suspect arrested on Monday morning: the family is owed a pack, an offer of
    support and the children's referral to the hub."""
    with frozen(MONDAY_MORNING):
        return investigation_event_record(
            actor=officer_north.user,
            case=north_case,
            suspect=suspect,
            kind=EventKind.ARRESTED,
            occurred_at=at(2026, 3, 2, 8, 0),
        )


@pytest.fixture
def hub_holds(arrested, officer_north, coordinator_mash, north_case, mash, child):
    """The police refer the child to the hub; the hub accepts: it holds the case."""
    with frozen(at(2026, 3, 2, 10, 30)):
        referral = sent(
            officer_north, north_case, mash, [child], purpose=ReferralPurpose.SAFEGUARDING
        )
        return referral_accept(actor=coordinator_mash.user, referral=referral)


def _offer(case) -> Duty:
    return Duty.objects.get(case=case, kind=DutyKind.FAMILY_SUPPORT_OFFER)


def _onward(coordinator_mash, caseworker_lighthouse, north_case, lighthouse, child):
    with frozen(at(2026, 3, 2, 14, 0)):
        referral = in_progress(
            coordinator_mash,
            caseworker_lighthouse,
            north_case,
            lighthouse,
            [child],
            **FAMILY_SUPPORT,
        )
        return referral_complete(
            actor=caseworker_lighthouse.user,
            referral=referral,
            outcome="support_provided",
            summary="Two home visits; the children know whom to talk to.",
        )


# --- The duties an onward referral meets


def test_the_hubs_onward_referral_meets_the_polices_offer_of_support_and_says_who(
    hub_holds, officer_north, coordinator_mash, north_case, lighthouse, child
):
    # given: the offer of support is open, owed by the police
    assert _offer(north_case).status == DutyStatus.OPEN
    # when: the hub refers the children on to the family-support charity
    with frozen(at(2026, 3, 2, 14, 0)):
        onward = sent(coordinator_mash, north_case, lighthouse, [child], **FAMILY_SUPPORT)
    # then: it meets the duty as the police's own referral would, naming who met it
    offer = _offer(north_case)
    assert offer.status == DutyStatus.MET
    assert offer.referral == onward
    assert offer.resolved_by == coordinator_mash.user
    assert offer.resolved_at == at(2026, 3, 2, 14, 0)
    assert offer.resolution_note == (
        "Met by the support for a suspect's family referral from Northshire MASH "
        f"({coordinator_mash.user.get_full_name()}) to Lighthouse Family Support"
    )
    # and the lead officer is told, once
    told = Notification.objects.filter(kind="welfare.duty_met_by_partner")
    assert list(told.values_list("user__username", "message", "link")) == [
        (
            "officer.north",
            "A duty of care on case NP-2026-000042 was met by a referral from Northshire MASH.",
            f"/cases/{north_case.pk}/family-support/",
        )
    ]


def test_the_police_own_referral_still_meets_it_and_tells_nobody(
    arrested, officer_north, north_case, lighthouse, partner
):
    with frozen(at(2026, 3, 2, 14, 0)):
        own = sent(officer_north, north_case, lighthouse, [partner], **FAMILY_SUPPORT)
    offer = _offer(north_case)
    assert (offer.status, offer.referral, offer.resolved_by) == (
        DutyStatus.MET,
        own,
        officer_north.user,
    )
    assert not Notification.objects.filter(kind="welfare.duty_met_by_partner").exists()


def test_a_referral_that_does_not_answer_the_duty_leaves_it_open(
    hub_holds, coordinator_mash, social_worker, north_case, childrens_services, child
):
    with frozen(at(2026, 3, 2, 14, 0)):
        sent(
            coordinator_mash,
            north_case,
            childrens_services,
            [child],
            purpose=ReferralPurpose.REQUEST_FOR_INFORMATION,
        )
    assert _offer(north_case).status == DutyStatus.OPEN


def test_the_hub_refers_on_only_the_people_its_grant_names(
    hub_holds, coordinator_mash, north_case, lighthouse, partner, mash
):
    with frozen(at(2026, 3, 2, 14, 0)), pytest.raises(ValidationError) as refused:
        draft(coordinator_mash, north_case, lighthouse, [partner], **FAMILY_SUPPORT)
    assert list(refused.value.message_dict) == ["parties"]
    assert not Referral.objects.filter(from_agency=mash).exists()
    assert _offer(north_case).status == DutyStatus.OPEN


def test_an_agency_whose_grant_was_revoked_cannot_refer_on(
    hub_holds, officer_north, coordinator_mash, north_case, lighthouse, child, mash
):
    grant = north_case.grants.get(agency=mash)
    case_grant_revoke(actor=officer_north.user, grant=grant, reason="Work done.")
    with pytest.raises(NotFound):
        draft(coordinator_mash, north_case, lighthouse, [child], **FAMILY_SUPPORT)
    assert not Referral.objects.filter(from_agency=mash).exists()


# --- Every agency's work on the case


@pytest.fixture
def worked(
    hub_holds,
    officer_north,
    coordinator_mash,
    caseworker_lighthouse,
    caseworker_harbour,
    north_case,
    lighthouse,
    harbour,
    child,
    victim,
):
    """The hub's onward referral completed by the charity; the police's own referral
    of the victim to victim support, in progress."""
    onward = _onward(coordinator_mash, caseworker_lighthouse, north_case, lighthouse, child)
    with frozen(at(2026, 3, 2, 15, 0)):
        to_harbour = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    return {"onward": onward, "to_harbour": to_harbour, "to_hub": hub_holds}


def _agencies(client, case):
    return client.get(f"/api/v1/cases/{case.pk}/agencies/")


def test_the_owner_sees_every_holder_and_every_referral_with_its_outcome(
    worked, officer_north, north_case, api_for, django_assert_max_num_queries
):
    # when
    with django_assert_max_num_queries(12):
        response = _agencies(api_for(officer_north), north_case)
    # then
    assert response.status_code == 200
    body = response.json()
    assert [(h["agency"]["slug"], h["source"]["kind"], h["scope"]) for h in body["holders"]] == [
        ("northshire-police", "owner", "whole_case"),
        ("northshire-mash", "referral", "parties"),
    ]
    hub = body["holders"][1]
    assert hub["source"] == {
        "kind": "referral",
        "referral_id": str(worked["to_hub"].pk),
        "label": "Safeguarding referral from Northshire Police",
    }
    assert hub["why"].startswith("Accepted the safeguarding referral from Northshire Police")
    assert hub["expires_at"] is None
    rows = {r["id"]: r for r in body["referrals"]}
    assert set(rows) == {str(worked[k].pk) for k in ("onward", "to_harbour", "to_hub")}
    onward = rows[str(worked["onward"].pk)]
    assert (onward["from_agency"]["slug"], onward["to_agency"]["slug"]) == (
        "northshire-mash",
        "lighthouse-family-support",
    )
    assert (onward["purpose"], onward["state"], onward["outcome"]) == (
        "family_support",
        "completed",
        "support_provided",
    )
    assert onward["outcome_summary"] == "Two home visits; the children know whom to talk to."
    assert rows[str(worked["to_hub"].pk)]["next_due"]["label"] == "Threshold decision"
    # metadata only: no disclosure, no parties, no summary for the receiver
    assert all(
        not {"disclosure", "parties", "summary_for_receiver"} & set(r) for r in body["referrals"]
    )
    assert AccessLogEntry.objects.filter(
        action="cases.agencies.viewed", username="officer.north"
    ).exists()


def test_the_query_count_does_not_grow_with_the_referrals(
    worked,
    officer_north,
    coordinator_mash,
    north_case,
    north,
    child,
    api_for,
    django_assert_max_num_queries,
):
    # given: five more referrals from the hub
    with frozen(at(2026, 3, 3, 10, 0)):
        for _ in range(5):
            sent(
                coordinator_mash,
                north_case,
                north,
                [child],
                purpose=ReferralPurpose.REQUEST_FOR_INFORMATION,
            )
    # then
    with django_assert_max_num_queries(12):
        response = _agencies(api_for(officer_north), north_case)
    assert len(response.json()["referrals"]) == 8


def test_the_hub_sees_what_it_holds_and_not_the_referrals_about_others(
    worked, coordinator_mash, north_case, api_for
):
    body = _agencies(api_for(coordinator_mash), north_case).json()
    assert {r["id"] for r in body["referrals"]} == {
        str(worked["onward"].pk),
        str(worked["to_hub"].pk),
    }


def test_the_case_page_shows_the_hubs_onward_referral_and_its_outcome(
    worked, officer_north, north_case, browser_for
):
    html = browser_for(officer_north).get(reverse("case-referrals", args=[north_case.pk]))
    page = html.content.decode()
    section = page[page.index('id="agencies-involved"') :]
    section = section[: section.index("</section>")]
    assert "Northshire MASH" in section
    assert (
        "Granted on accepting a referral (Safeguarding referral from Northshire Police)" in section
    )
    assert "Lighthouse Family Support" in section
    assert "Two home visits; the children know whom to talk to." in section
    # the police open their own referrals from here, never the hub's
    assert reverse("referral-page", args=[worked["to_harbour"].pk]) in section
    assert reverse("referral-page", args=[worked["onward"].pk]) not in section
    assert reverse("case-grants-page", args=[north_case.pk]) in section


def test_the_hub_sees_its_actions_on_the_case_page(
    hub_holds, coordinator_mash, north_case, browser_for
):
    TOTPDeviceFactory(user=coordinator_mash.user)
    client = browser_for(coordinator_mash)
    tabs = ("case-contacts", "case-risk", "case-strategy", "case-referrals", "case-parties")
    pages = [client.get(reverse(tab, args=[north_case.pk])) for tab in tabs]
    html = "".join(page.content.decode() for page in pages)
    assert [page.status_code for page in pages] == [200] * len(tabs)
    for link in (
        reverse("case-strategy-create", args=[north_case.pk]),
        reverse("case-contact-create", args=[north_case.pk]),
        reverse("referral-create-page", args=[north_case.pk]),
        reverse("case-assessment-create", args=[north_case.pk]),
    ):
        assert link in html, link
    assert reverse("case-grants-page", args=[north_case.pk]) not in html
    assert "Robin Fictional" not in html  # the victim, outside the hub's grant
    # its own onward referral starts from the case, with the people it holds
    form = browser_for(coordinator_mash).get(reverse("referral-create-page", args=[north_case.pk]))
    assert form.status_code == 200
