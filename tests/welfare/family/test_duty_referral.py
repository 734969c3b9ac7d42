"""Closing a referral duty: by a sent referral of the right purpose, about the
right people, of the same case; or by the person's refusal (never for children);
or by a reason it is not needed, with another agency's reference."""

from datetime import date

import pytest

from common.errors import InvalidState, ValidationError
from referrals.services import referral_withdraw
from tests.factories import CaseFactory, PartyFactory
from tests.referrals import draft
from tests.welfare.family.helpers import arrest, at, frozen, refer
from welfare.models import Duty, DutyKind, DutyStatus
from welfare.services.duty_referral import CHILDREN_NOT_DECLINABLE, duty_meet_by_referral

LATER = at(2026, 3, 2, 15, 0)


@pytest.fixture
def arrested(officer_north, north_case, suspect, partner, child):
    return arrest(officer_north, north_case, suspect)


def _duty(party, kind) -> Duty:
    return Duty.objects.get(party=party, kind=kind)


def _meet(membership, duty, **values):
    with frozen(LATER):
        return duty_meet_by_referral(actor=membership.user, duty=duty, **values)


def _refused(membership, duty, field: str, **values) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        _meet(membership, duty, **values)
    stored = Duty.objects.get(pk=duty.pk)
    assert (stored.status, stored.version, stored.referral_id) == (DutyStatus.OPEN, 1, None)
    return refused.value.message_dict[field]


def test_a_family_support_referral_to_the_charity_meets_the_offer(
    officer_north, north_case, suspect, partner, lighthouse, arrested
):
    # when: the officer sends the family's referral to the charity
    referral = refer(officer_north, north_case, lighthouse, [suspect, partner], "family_support")
    # then: it meets the offer of support, as it is sent
    met = _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER)
    assert (met.status, met.referral, met.resolved_by, met.resolved_at) == (
        DutyStatus.MET,
        referral,
        officer_north.user,
        at(2026, 3, 2, 11, 0),
    )
    assert met.resolution_note == (
        "Met by the support for a suspect's family referral to Lighthouse Family Support"
    )
    assert met.version == 2


def test_a_referral_of_the_wrong_purpose_does_not_meet_the_duty(
    officer_north, north_case, suspect, partner, child, mash, arrested
):
    referral = refer(officer_north, north_case, mash, [child], "safeguarding")
    messages = _refused(
        officer_north, _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER), "referral", referral=referral
    )
    assert messages == [
        "Choose a support for a suspect's family referral to a family-support charity."
    ]


def test_a_referral_of_another_case_does_not_meet_the_duty(
    officer_north, north, suspect, lighthouse, arrested
):
    other_case = CaseFactory(owning_agency=north, received_on=date(2026, 2, 1))
    other_suspect = PartyFactory(case=other_case, role="suspect")
    referral = refer(officer_north, other_case, lighthouse, [other_suspect], "family_support")
    messages = _refused(
        officer_north, _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER), "referral", referral=referral
    )
    assert messages == ["Choose a referral of this case."]


def test_a_draft_or_withdrawn_referral_does_not_meet_the_duty(
    officer_north, north_case, suspect, partner, child, lighthouse
):
    # given: a draft, and a referral sent and withdrawn, both before the arrest
    with frozen(at(2026, 3, 1, 11, 0)):
        unsent = draft(officer_north, north_case, lighthouse, [partner], purpose="family_support")
    withdrawn = refer(officer_north, north_case, lighthouse, [partner], "family_support")
    with frozen(at(2026, 3, 2, 12, 0)):
        withdrawn = referral_withdraw(
            actor=officer_north.user, referral=withdrawn, reason="Sent in error."
        )
    with frozen(at(2026, 3, 2, 13, 0)):
        arrest(officer_north, north_case, suspect, moment=at(2026, 3, 2, 13, 0))
    duty = _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER)
    # when / then
    assert _refused(officer_north, duty, "referral", referral=unsent) == [
        "This referral is draft: choose a referral that has been sent."
    ]
    assert _refused(officer_north, duty, "referral", referral=withdrawn) == [
        "This referral is withdrawn: choose a referral that has been sent."
    ]


def test_sending_the_childrens_referral_to_the_hub_meets_the_duty(
    officer_north, north_case, suspect, child, mash, arrested
):
    # when: the officer sends the referral about the child
    referral = refer(officer_north, north_case, mash, [child], "safeguarding")
    # then: the duty is met by it, as if linked on its page
    met = _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    assert (met.status, met.referral, met.resolved_by) == (
        DutyStatus.MET,
        referral,
        officer_north.user,
    )


def test_a_referral_sent_before_the_arrest_is_linked_on_the_duty(
    officer_north, north_case, suspect, child, mash
):
    # given: the children were referred before the arrest opened the duty
    referral = refer(officer_north, north_case, mash, [child], "safeguarding")
    arrest(officer_north, north_case, suspect, moment=at(2026, 3, 2, 13, 0))
    duty = _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    assert duty.status == DutyStatus.OPEN
    # when
    met = _meet(officer_north, duty, referral=referral)
    # then
    assert (met.status, met.referral) == (DutyStatus.MET, referral)


def test_a_hub_referral_about_someone_else_does_not_meet_the_childrens_duty(
    officer_north, north_case, suspect, victim, mash, arrested
):
    referral = refer(officer_north, north_case, mash, [victim], "safeguarding")
    messages = _refused(
        officer_north,
        _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL),
        "referral",
        referral=referral,
    )
    assert messages == ["Choose a referral about the children in this suspect's household."]


def test_the_family_may_decline_support(officer_north, suspect, arrested):
    met = _meet(
        officer_north,
        _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER),
        declined_reason="The partner said they have support from their own family.",
    )
    assert met.status == DutyStatus.DECLINED
    assert met.resolution_note == (
        "Declined by the person: The partner said they have support from their own family."
    )


def test_the_childrens_referral_cannot_be_declined(officer_north, suspect, arrested):
    messages = _refused(
        officer_north,
        _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL),
        "declined_reason",
        declined_reason="The parents do not want the hub involved.",
    )
    assert messages == [CHILDREN_NOT_DECLINABLE]


def test_the_childrens_referral_is_not_needed_when_they_are_already_known(
    officer_north, suspect, arrested
):
    met = _meet(
        officer_north,
        _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL),
        not_needed_reason="Already known to children's services: child in need plan.",
        external_reference="NCS-2026-0193",
    )
    assert (met.status, met.external_reference) == (DutyStatus.NOT_NEEDED, "NCS-2026-0193")
    assert met.resolution_note == (
        "Not needed: Already known to children's services: child in need plan. "
        "(reference NCS-2026-0193)"
    )


def test_exactly_one_way_of_meeting_it(officer_north, north_case, suspect, lighthouse, partner):
    referral = refer(officer_north, north_case, lighthouse, [partner], "family_support")
    arrest(officer_north, north_case, suspect, moment=at(2026, 3, 2, 13, 0))
    duty = _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER)
    assert _refused(officer_north, duty, "referral") == [
        "Choose the referral that meets this duty, or record why there is none."
    ]
    with pytest.raises(ValidationError) as refused:
        _meet(officer_north, duty, referral=referral, declined_reason="No thank you.")
    assert set(refused.value.message_dict) == {"referral", "declined_reason"}


def test_a_reference_goes_only_with_a_reason_not_needed(officer_north, suspect, arrested):
    messages = _refused(
        officer_north,
        _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER),
        "external_reference",
        declined_reason="No thank you.",
        external_reference="X1",
    )
    assert messages == ["A reference goes with the reason a referral is not needed."]


def test_a_closed_duty_answers_409_naming_its_state(officer_north, suspect, arrested):
    duty = _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER)
    _meet(officer_north, duty, declined_reason="No thank you.")
    with pytest.raises(InvalidState) as refused:
        _meet(officer_north, duty, not_needed_reason="Changed my mind.")
    assert refused.value.state == DutyStatus.DECLINED
    assert Duty.objects.get(pk=duty.pk).resolution_note == "Declined by the person: No thank you."


def test_the_victims_referral_to_support_is_met_by_a_referral_that_includes_them(
    officer_north, north_case, victim, harbour
):
    # given: the victim-support duty opened for the victim (by the victim handlers)
    from welfare.services.victim_duties import on_party_added

    on_party_added(party=victim, actor=officer_north.user)
    duty = _duty(victim, DutyKind.VICTIM_SUPPORT_REFERRAL)
    other_victim = PartyFactory(case=north_case, role="victim")
    # when: a referral about another victim is sent, then one about this victim
    elsewhere = refer(officer_north, north_case, harbour, [other_victim], "victim_support")
    # then: the first does not meet the duty, by hand or by itself
    assert _refused(officer_north, duty, "referral", referral=elsewhere) == [
        "Choose a referral that includes this victim."
    ]
    referral = refer(officer_north, north_case, harbour, [victim], "victim_support")
    met = Duty.objects.get(pk=duty.pk)
    assert (met.status, met.referral) == (DutyStatus.MET, referral)


def test_a_referral_sent_by_the_hub_that_holds_the_case_meets_the_police_duty(
    mash, coordinator_mash, north_case, suspect, child, social_worker, arrested
):
    """The hub may refer on the children of a case it was granted; its referral
    meets the police duty it answers exactly as the police's own would (#13), and
    says who met it."""
    from tests.factories import grant_case

    grant_case(north_case, mash)
    referral = refer(coordinator_mash, north_case, social_worker.agency, [child], "safeguarding")
    met = _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL)
    assert (met.status, met.referral, met.resolved_by) == (
        DutyStatus.MET,
        referral,
        coordinator_mash.user,
    )
    assert "from Northshire MASH (" in met.resolution_note


def test_a_referral_by_an_agency_that_does_not_hold_the_case_cannot_be_made(
    mash, coordinator_mash, north_case, suspect, child, social_worker, arrested
):
    from common.errors import NotFound

    with pytest.raises(NotFound):
        refer(coordinator_mash, north_case, social_worker.agency, [child], "safeguarding")
    assert _duty(suspect, DutyKind.CHILDREN_SAFEGUARDING_REFERRAL).status == DutyStatus.OPEN


def test_another_force_cannot_close_the_duty(officer_south, suspect, arrested):
    from common.errors import NotFound

    duty = _duty(suspect, DutyKind.FAMILY_SUPPORT_OFFER)
    with pytest.raises(NotFound):
        _meet(officer_south, duty, declined_reason="No thank you.")
    assert Duty.objects.get(pk=duty.pk).status == DutyStatus.OPEN
