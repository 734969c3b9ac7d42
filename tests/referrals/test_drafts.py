"""Drafting a referral: every rule is checked, every refusal names its field, and a
refusal changes nothing. Changing a draft needs the version last read."""

from datetime import date

import pytest

from agencies.models import Role
from common.errors import (
    AccessDenied,
    InvalidState,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ValidationError,
)
from referrals.models import (
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralPurpose,
    ReferralState,
    SensitiveCondition,
    default_fields_for,
)
from referrals.selectors import inbox_list, referral_get_for_actor, sent_list
from referrals.services import referral_update
from tests.factories import MembershipFactory, PartyFactory, TeamFactory, grant_case
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import draft, sent


def _refused(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


# --- Creating


def test_a_draft_is_created_with_default_fields_for_each_person(
    officer_north, north_case, harbour, victim
):
    # when
    referral = draft(officer_north, north_case, harbour, [victim])
    # then
    assert referral.state == ReferralState.DRAFT
    assert referral.from_agency.slug == "northshire-police"
    assert referral.created_by == officer_north.user
    assert referral.version == 1
    assert referral.disclosure is None
    assert referral.sent_at is None
    assert list(referral.parties.all()) == [victim]
    assert referral.shared_fields == {
        str(victim.pk): default_fields_for(ReferralPurpose.VICTIM_SUPPORT)
    }
    assert list(referral.events.values_list("action", "from_state", "to_state")) == [
        ("created", "", "draft")
    ]
    assert referral.history.get().history_change_reason == "referral drafted"


def test_the_chosen_fields_are_kept_as_given(officer_north, north_case, harbour, victim):
    referral = draft(
        officer_north,
        north_case,
        harbour,
        [str(victim.pk)],
        shared_fields={victim.pk: ["first_name", "safe_to_phone"]},
    )
    assert referral.shared_fields == {str(victim.pk): ["first_name", "safe_to_phone"]}


def test_a_referral_to_ones_own_agency_is_refused(
    officer_north, north_case, north, north_team, victim
):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            north,
            [victim],
            purpose=ReferralPurpose.REQUEST_FOR_INFORMATION,
            to_team=north_team,
        )
    )
    assert errors == {
        "to_agency": [
            "A referral goes to another agency; your own agency's teams are not referred to."
        ]
    }
    assert not Referral.objects.exists()


def test_a_team_must_belong_to_the_receiving_agency(
    officer_north, north_case, harbour, north_team, victim
):
    errors = _refused(
        lambda: draft(officer_north, north_case, harbour, [victim], to_team=north_team)
    )
    assert errors == {"to_team": ["Choose a team of the agency you are referring to."]}
    assert not Referral.objects.exists()


def test_no_agency_is_refused_naming_the_field(officer_north, north_case, victim):
    errors = _refused(lambda: draft(officer_north, north_case, None, [victim]))
    assert errors == {"to_agency": ["Choose the agency to refer to."]}


def test_a_missing_lawful_basis_condition_and_consent_are_all_named_at_once(
    officer_north, north_case, harbour, victim
):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            harbour,
            [victim],
            lawful_basis="",
            sensitive_condition="",
            consent_status="",
            purpose="",
            urgency="soon",
        )
    )
    assert errors == {
        "lawful_basis": ["Choose the lawful basis for sharing."],
        "sensitive_condition": ["Choose the condition for sharing sensitive information."],
        "consent_status": ["Say whether consent was given, refused or not sought."],
        "purpose": ["Choose the purpose."],
        "urgency": ["Choose one of: immediate, urgent, routine."],
    }
    assert not Referral.objects.exists()


def test_consent_given_needs_when_how_and_by_whom(officer_north, north_case, harbour, victim):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            harbour,
            [victim],
            consent_given_on=None,
            consent_how=" ",
            consent_given_by="",
        )
    )
    assert errors == {
        "consent_given_on": ["Enter the date consent was given."],
        "consent_how": ["Say how consent was given (for example, in writing)."],
        "consent_given_by": ["Say who gave consent: the person, or for a child, a parent."],
    }


def test_consent_cannot_be_given_in_the_future(officer_north, north_case, harbour, victim):
    errors = _refused(
        lambda: draft(
            officer_north, north_case, harbour, [victim], consent_given_on=date(2999, 1, 1)
        )
    )
    assert errors == {"consent_given_on": ["Must not be in the future."]}


def test_a_victim_support_referral_without_consent_needs_a_recorded_reason(
    officer_north, north_case, harbour, victim
):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            harbour,
            [victim],
            consent_status=ConsentStatus.NOT_SOUGHT,
            consent_given_on=None,
        )
    )
    assert errors == {
        "consent_reason": [
            "A victim-support referral for a sexual offence needs the victim's explicit "
            "consent (for a child, a parent's), or the reason why not."
        ]
    }
    # given the reason, it is drafted, and what was said of consent given is dropped
    referral = draft(
        officer_north,
        north_case,
        harbour,
        [victim],
        consent_status=ConsentStatus.NOT_SOUGHT,
        consent_reason="The victim is in hospital; their mother asked us to refer now.",
    )
    assert referral.consent_given_on is None
    assert referral.consent_how == ""


@pytest.mark.parametrize(
    ("status", "message"),
    [
        (
            ConsentStatus.REFUSED,
            "Record what was said, and why the referral goes ahead without consent.",
        ),
        (ConsentStatus.NOT_SOUGHT, "Say why consent was not sought."),
    ],
)
def test_consent_refused_or_not_sought_needs_a_reason(
    officer_north, north_case, mash, child, status, message
):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            mash,
            [child],
            purpose=ReferralPurpose.SAFEGUARDING,
            consent_status=status,
        )
    )
    assert errors == {"consent_reason": [message]}


def test_consent_as_the_basis_needs_consent_given(officer_north, north_case, mash, child):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            mash,
            [child],
            purpose=ReferralPurpose.SAFEGUARDING,
            lawful_basis=LawfulBasis.CONSENT,
            sensitive_condition=SensitiveCondition.EXPLICIT_CONSENT,
            consent_status=ConsentStatus.REFUSED,
            consent_reason="Parent refused; the child is at risk of significant harm.",
        )
    )
    assert errors == {
        "lawful_basis": ["Consent is the lawful basis only when consent was given."],
        "sensitive_condition": ["Explicit consent is the condition only when consent was given."],
    }


def test_a_disclosure_beyond_what_the_receiver_may_hold_is_refused(
    officer_north, north_case, lighthouse, victim, partner
):
    errors = _refused(
        lambda: draft(
            officer_north,
            north_case,
            lighthouse,
            [partner, victim],
            purpose=ReferralPurpose.FAMILY_SUPPORT,
        )
    )
    assert list(errors) == ["parties"]
    assert not Referral.objects.exists()


def test_people_must_be_parties_to_this_case(officer_north, north, north_case, harbour):
    other = PartyFactory(case__owning_agency=north)
    assert _refused(lambda: draft(officer_north, north_case, harbour, [other])) == {
        "parties": ["Choose people who are parties to this case."]
    }
    assert _refused(lambda: draft(officer_north, north_case, harbour, ["not-an-id"])) == {
        "parties": ["Choose people who are parties to this case."]
    }
    assert _refused(lambda: draft(officer_north, north_case, harbour, [])) == {
        "parties": ["Choose at least one person the referral is about."]
    }


def test_another_agencys_case_does_not_exist_for_the_actor(
    officer_south, north_case, harbour, victim
):
    with pytest.raises(NotFound):
        draft(officer_south, north_case, harbour, [victim])
    assert not Referral.objects.exists()


def test_a_partner_caseworker_never_sends_referrals(
    caseworker_harbour, north_case, lighthouse, partner
):
    with pytest.raises(NotFound):
        draft(
            caseworker_harbour,
            north_case,
            lighthouse,
            [partner],
            purpose=ReferralPurpose.FAMILY_SUPPORT,
        )


def test_a_role_that_may_see_a_case_but_not_refer_is_refused(north, north_case, harbour, victim):
    auditor = MembershipFactory(agency=north, role=Role.AUDITOR)
    with pytest.raises((NotFound, AccessDenied)):
        draft(auditor, north_case, harbour, [victim])


def test_the_hub_may_refer_on_a_case_it_was_granted(
    coordinator_mash, mash, north_case, childrens_services, child
):
    grant_case(north_case, mash)
    referral = draft(
        coordinator_mash,
        north_case,
        childrens_services,
        [child],
        purpose=ReferralPurpose.STRATEGY_DISCUSSION,
    )
    assert referral.from_agency == mash


# --- Who sees a draft


def test_a_draft_is_seen_by_the_referring_agency_only(
    officer_north, supervisor_north, caseworker_harbour, officer_south, north_case, harbour, victim
):
    referral = draft(officer_north, north_case, harbour, [victim])
    assert referral_get_for_actor(actor=supervisor_north.user, referral_id=referral.pk) == referral
    assert list(sent_list(actor=officer_north.user)) == [referral]
    assert list(inbox_list(actor=caseworker_harbour.user)) == []
    for outsider in (caseworker_harbour, officer_south):
        with pytest.raises(NotFound):
            referral_get_for_actor(actor=outsider.user, referral_id=referral.pk)


# --- Changing a draft


def test_a_draft_is_changed_from_the_version_last_read(
    officer_north, north_case, harbour, victim, suspect
):
    referral = draft(officer_north, north_case, harbour, [victim])
    changed = referral_update(
        actor=officer_north.user,
        referral=referral,
        expected_version=1,
        urgency="urgent",
        parties=[victim, suspect],
        suspect_details_reason="The suspect is the victim's neighbour.",
    )
    assert changed.version == 2
    assert changed.urgency == "urgent"
    assert set(changed.parties.all()) == {victim, suspect}
    # the fields chosen for the victim stay; the suspect gets the defaults
    assert changed.shared_fields == {
        str(victim.pk): default_fields_for(ReferralPurpose.VICTIM_SUPPORT),
        str(suspect.pk): default_fields_for(ReferralPurpose.VICTIM_SUPPORT),
    }
    assert changed.history.latest().history_change_reason == "draft changed"


def test_a_change_that_breaks_a_rule_changes_nothing(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim])
    errors = _refused(
        lambda: referral_update(
            actor=officer_north.user, referral=referral, expected_version=1, lawful_basis=""
        )
    )
    assert errors == {"lawful_basis": ["Choose the lawful basis for sharing."]}
    referral.refresh_from_db()
    assert (referral.version, referral.lawful_basis) == (1, LawfulBasis.PUBLIC_TASK)


def test_a_stale_or_missing_version_is_refused(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim])
    with pytest.raises(PreconditionFailed) as stale:
        referral_update(
            actor=officer_north.user, referral=referral, expected_version=7, urgency="urgent"
        )
    assert stale.value.current_version == 1
    with pytest.raises(PreconditionRequired):
        referral_update(
            actor=officer_north.user, referral=referral, expected_version=None, urgency="urgent"
        )
    referral.refresh_from_db()
    assert referral.urgency == "routine"


def test_only_the_editable_fields_can_be_changed(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim])
    errors = _refused(
        lambda: referral_update(
            actor=officer_north.user, referral=referral, expected_version=1, state="sent"
        )
    )
    assert errors == {"state": ["This cannot be changed."]}


def test_a_sent_referral_cannot_be_changed(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    referral = sent(officer_north, north_case, harbour, [victim])
    for actor in (officer_north, caseworker_harbour):
        with pytest.raises(InvalidState) as refused:
            referral_update(
                actor=actor.user, referral=referral, expected_version=2, urgency="urgent"
            )
        assert refused.value.state == "sent"
    referral.refresh_from_db()
    assert referral.urgency == "routine"


def test_another_agency_cannot_change_a_draft(
    officer_south, north_case, harbour, victim, officer_north
):
    referral = draft(officer_north, north_case, harbour, [victim])
    with pytest.raises(NotFound):
        referral_update(
            actor=officer_south.user, referral=referral, expected_version=1, urgency="urgent"
        )


def test_the_receiving_team_can_be_chosen(officer_north, north_case, harbour, victim):
    team = TeamFactory(agency=harbour, slug="children", name="Children and young people")
    referral = draft(officer_north, north_case, harbour, [victim], to_team=team)
    assert referral.to_team == team
    assert ReferralEvent.objects.filter(referral=referral).count() == 1


def test_a_closed_case_takes_no_new_referral(officer_north, north_case, harbour, victim):
    north_case.status = "closed"
    north_case.closed_on = north_case.received_on
    north_case.closing_reason = "no_crime"
    north_case.save(update_fields=["status", "closed_on", "closing_reason"])
    with pytest.raises(InvalidState) as refused:
        draft(officer_north, north_case, harbour, [victim])
    assert refused.value.state == "closed"
    assert refused.value.message == "NP-2026-000042 is closed: nothing new can be referred."
    assert not Referral.objects.exists()
