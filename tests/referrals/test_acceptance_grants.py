"""Grants start on acceptance and end on time: a statutory partner that accepts a
safeguarding, strategy-discussion or request-for-information referral holds the
case at once, for the parties the referral names; the grant ends by itself 20
working days (the one calendar) after the receiver completes the referral, unless
renewed with a reason; the sweep ends it once and tells its holders and the lead
officer once."""

import pytest
from guardian.shortcuts import get_groups_with_perms

from cases.models import CaseGrant, CaseGroupObjectPermission, CasePartyGroupObjectPermission
from cases.selectors import case_get_for_actor, party_list
from cases.services.grants import case_grant_renew, grants_expire
from common.errors import NotFound, ValidationError
from common.models import Notification
from referrals.models import ReferralPurpose
from referrals.services import (
    referral_accept,
    referral_complete,
    referral_decline,
    referral_start,
    referral_withdraw,
)
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, at, frozen, sent

SAFEGUARDING = {"purpose": ReferralPurpose.SAFEGUARDING, "urgency": "urgent"}


def _holds(membership, case) -> bool:
    try:
        case_get_for_actor(actor=membership.user, case_id=case.pk, log=False)
    except NotFound:
        return False
    return True


def _permission_rows(agency) -> int:
    group = agency.grant_group
    return (
        CaseGroupObjectPermission.objects.filter(group=group).count()
        + CasePartyGroupObjectPermission.objects.filter(group=group).count()
    )


@pytest.fixture
def hub_referral(officer_north, coordinator_mash, north_case, mash, child):
    with frozen(MONDAY_MORNING):
        return sent(officer_north, north_case, mash, [child], **SAFEGUARDING)


# --- Starting on acceptance


def test_the_hub_holds_the_case_for_the_named_children_the_moment_it_accepts(
    officer_north, coordinator_mash, north_case, hub_referral, child, victim, partner, suspect
):
    # given: sent, not yet accepted: the hub works from the disclosure only
    assert not _holds(coordinator_mash, north_case)
    # when
    with frozen(at(2026, 3, 2, 11, 0)):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
    # then
    grant = CaseGrant.objects.get(case=north_case, agency__slug="northshire-mash")
    assert (grant.source_kind, grant.source_id) == ("referral", hub_referral.pk)
    assert grant.source_label == "Safeguarding referral from Northshire Police"
    assert grant.reason == (
        "Accepted the safeguarding referral from Northshire Police: "
        "Support needed after online sextortion."
    )
    assert grant.granted_by == officer_north.user
    assert grant.granted_at == at(2026, 3, 2, 11, 0)
    assert grant.party_scoped is True
    assert list(grant.parties.all()) == [child]
    assert grant.expires_at is None
    assert _holds(coordinator_mash, north_case)
    assert list(party_list(actor=coordinator_mash.user, case=north_case)) == [child]


@pytest.mark.parametrize(
    "purpose",
    [
        ReferralPurpose.SAFEGUARDING,
        ReferralPurpose.STRATEGY_DISCUSSION,
        ReferralPurpose.REQUEST_FOR_INFORMATION,
    ],
)
@pytest.mark.parametrize("receiver", ["coordinator_mash", "social_worker"])
def test_the_hub_and_childrens_services_are_granted_for_each_purpose(
    officer_north, north_case, child, purpose, receiver, request
):
    member = request.getfixturevalue(receiver)
    with frozen(MONDAY_MORNING):
        referral = sent(officer_north, north_case, member.agency, [child], purpose=purpose)
        referral_accept(actor=member.user, referral=referral)
    assert CaseGrant.objects.get(case=north_case, agency=member.agency).source_id == referral.pk
    assert _holds(member, north_case)


def test_a_charity_that_accepts_never_holds_the_case(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    with frozen(MONDAY_MORNING):
        referral = sent(officer_north, north_case, harbour, [victim])
        referral_accept(actor=caseworker_harbour.user, referral=referral)
    assert not CaseGrant.objects.filter(case=north_case).exists()
    assert _permission_rows(harbour) == 0
    assert not _holds(caseworker_harbour, north_case)


def test_a_declined_referral_grants_nothing(coordinator_mash, north_case, hub_referral, mash):
    with frozen(MONDAY_MORNING):
        referral_decline(actor=coordinator_mash.user, referral=hub_referral, reason="Not ours.")
    assert not CaseGrant.objects.filter(case=north_case).exists()
    assert _permission_rows(mash) == 0


def test_a_second_referral_adds_its_people_and_the_grant_lasts_for_it(
    officer_north, coordinator_mash, north_case, hub_referral, mash, child, partner
):
    with frozen(MONDAY_MORNING):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
        referral_start(actor=coordinator_mash.user, referral=hub_referral)
        referral_complete(
            actor=coordinator_mash.user, referral=hub_referral, outcome="referred_on", summary="x"
        )
        second = sent(officer_north, north_case, mash, [partner], **SAFEGUARDING)
        referral_accept(actor=coordinator_mash.user, referral=second)
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    assert set(grant.parties.all()) == {child, partner}
    assert (grant.source_id, grant.expires_at) == (second.pk, None)
    assert CaseGrant.objects.filter(case=north_case).count() == 1


# --- Ending on time


def _completed(coordinator_mash, referral, moment):
    with frozen(MONDAY_MORNING):
        referral_accept(actor=coordinator_mash.user, referral=referral)
        referral_start(actor=coordinator_mash.user, referral=referral)
    with frozen(moment):
        return referral_complete(
            actor=coordinator_mash.user,
            referral=referral,
            outcome="no_further_action",
            summary="Threshold not met; universal services.",
        )


def test_completion_sets_the_end_20_working_days_later_across_easter(
    coordinator_mash, north_case, hub_referral, mash
):
    # when: completed on Monday 23 March 2026; Good Friday and Easter Monday follow
    _completed(coordinator_mash, hub_referral, at(2026, 3, 23, 10, 0))
    # then: 20 working days, the two bank holidays skipped: Wednesday 22 April, 17:00
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    assert grant.expires_at == at(2026, 4, 22, 17, 0)


def test_the_sweep_ends_it_on_time_tells_each_holder_once_and_takes_the_access(
    officer_north, coordinator_mash, duty_mash, north_case, hub_referral, mash
):
    _completed(coordinator_mash, hub_referral, at(2026, 3, 23, 10, 0))
    # given: a minute before its end, nothing happens
    with frozen(at(2026, 4, 22, 16, 59)):
        assert grants_expire() == 0
    assert _holds(coordinator_mash, north_case)
    # when: at its end
    with frozen(at(2026, 4, 22, 17, 0)):
        ended = grants_expire()
        again = grants_expire()
    # then
    assert (ended, again) == (1, 0)
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    assert grant.expired is True
    assert grant.revoked_at == at(2026, 4, 22, 17, 0)
    assert grant.revoked_by is None
    assert not _holds(coordinator_mash, north_case)
    assert _permission_rows(mash) == 0
    told = Notification.objects.filter(kind="cases.grant_expired")
    assert sorted(told.values_list("user__username", flat=True)) == [
        "coordinator.mash",
        "duty.mash",
        "officer.north",
    ]
    assert told.get(user=officer_north.user).link == f"/cases/{north_case.pk}/grants/"


def test_a_renewed_grant_lasts_another_20_working_days_from_the_renewal(
    officer_north, coordinator_mash, north_case, hub_referral, mash
):
    _completed(coordinator_mash, hub_referral, at(2026, 3, 23, 10, 0))
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    # when: the lead officer renews it on Monday 20 April
    with frozen(at(2026, 4, 20, 9, 0)):
        renewed = case_grant_renew(
            actor=officer_north.user, grant=grant, reason="Section 47 enquiries continue."
        )
    # then
    assert renewed.expires_at == at(2026, 5, 19, 17, 0)  # the 4 May bank holiday skipped
    assert (renewed.renewed_by, renewed.renew_reason) == (
        officer_north.user,
        "Section 47 enquiries continue.",
    )
    with frozen(at(2026, 4, 22, 17, 0)):
        assert grants_expire() == 0
    assert _holds(coordinator_mash, north_case)


def test_renewing_without_a_reason_is_refused_naming_the_reason_and_changes_nothing(
    officer_north, coordinator_mash, north_case, hub_referral, mash
):
    _completed(coordinator_mash, hub_referral, at(2026, 3, 23, 10, 0))
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    with pytest.raises(ValidationError) as refused:
        case_grant_renew(actor=officer_north.user, grant=grant, reason="  ")
    assert list(refused.value.message_dict) == ["reason"]
    grant.refresh_from_db()
    assert (grant.expires_at, grant.renewed_at) == (at(2026, 4, 22, 17, 0), None)


def test_withdrawing_an_accepted_referral_starts_the_end_of_its_grant(
    officer_north, coordinator_mash, north_case, hub_referral, mash
):
    with frozen(MONDAY_MORNING):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
    with frozen(at(2026, 3, 3, 12, 0)):
        referral_withdraw(actor=officer_north.user, referral=hub_referral, reason="Moved away.")
    grant = CaseGrant.objects.get(case=north_case, agency=mash)
    assert grant.expires_at == at(2026, 3, 31, 17, 0)


def test_the_owner_sees_the_grant_and_its_source(
    officer_north, coordinator_mash, north_case, hub_referral, mash
):
    with frozen(MONDAY_MORNING):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
    assert mash.grant_group in get_groups_with_perms(north_case)
