"""What a referral may disclose to each kind of receiver, and the snapshot fixed
when it is sent."""

from datetime import date

import pytest
from django.utils import timezone

from agencies.models import AccessLogEntry, Compartment
from cases.models import CaseParty
from common.errors import ValidationError
from referrals.disclosure import DISCLOSABLE_FIELDS, disclosure_build, disclosure_check
from referrals.models import Referral, ReferralPurpose, default_fields_for
from safeguarding.models import Flag, FlagKind
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, draft, frozen, sent


def _check(to_agency, purpose, parties, fields=None, reason=""):
    disclosure_check(
        to_agency=to_agency,
        purpose=purpose,
        parties=parties,
        shared_fields=(
            fields if fields is not None else {str(p.pk): ["first_name"] for p in parties}
        ),
        suspect_details_reason=reason,
    )


def _errors(call) -> dict:
    with pytest.raises(ValidationError) as refused:
        call()
    return refused.value.message_dict


# --- Per receiver kind


def test_a_victim_support_charity_may_hold_the_victim(harbour, victim):
    _check(harbour, ReferralPurpose.VICTIM_SUPPORT, [victim])


def test_a_victim_support_charity_receives_nothing_about_a_suspects_family(
    harbour, victim, partner, child
):
    errors = _errors(lambda: _check(harbour, ReferralPurpose.VICTIM_SUPPORT, [victim, partner]))
    assert errors == {
        "parties": [
            "A victim-support charity may not receive anything about a suspect's family; "
            "remove the family members from this referral."
        ]
    }
    assert "parties" in _errors(lambda: _check(harbour, ReferralPurpose.VICTIM_SUPPORT, [child]))


def test_a_victim_support_charity_hears_of_a_suspect_only_with_a_reason(harbour, victim, suspect):
    errors = _errors(lambda: _check(harbour, ReferralPurpose.VICTIM_SUPPORT, [victim, suspect]))
    assert list(errors) == ["suspect_details_reason"]
    # given a reason, the same disclosure is allowed
    _check(
        harbour,
        ReferralPurpose.VICTIM_SUPPORT,
        [victim, suspect],
        reason="The suspect lives next door; the victim's safety plan depends on it.",
    )


def test_a_family_support_charity_receives_nothing_about_victims(lighthouse, victim, partner):
    errors = _errors(lambda: _check(lighthouse, ReferralPurpose.FAMILY_SUPPORT, [partner, victim]))
    assert errors == {
        "parties": [
            "A family-support charity may not receive anything about victims; "
            "remove the victims from this referral."
        ]
    }
    _check(lighthouse, ReferralPurpose.FAMILY_SUPPORT, [partner])


def test_a_family_support_charity_may_know_whose_family_it_is(lighthouse, partner, suspect):
    _check(lighthouse, ReferralPurpose.FAMILY_SUPPORT, [partner, suspect])


def test_the_hub_and_childrens_services_may_hold_everyone_in_the_case(
    mash, childrens_services, victim, suspect, partner, child
):
    everyone = [victim, suspect, partner, child]
    _check(mash, ReferralPurpose.SAFEGUARDING, everyone)
    _check(childrens_services, ReferralPurpose.STRATEGY_DISCUSSION, everyone)


def test_nothing_from_the_material_compartment_leaves_the_police(south, mash, harbour, north_case):
    # A party's compartment is derived from its role; none is "material" today, so
    # the rule is proved on an unsaved party as the check sees it.
    material = CaseParty(case=north_case, role="suspect", compartment=Compartment.MATERIAL)
    fields = {str(material.pk): ["first_name"]}
    for receiver, purpose in [
        (mash, ReferralPurpose.SAFEGUARDING),
        (harbour, ReferralPurpose.REQUEST_FOR_INFORMATION),
    ]:
        errors = _errors(lambda r=receiver, p=purpose: _check(r, p, [material], fields))
        assert errors["parties"] == ["Nothing about the material may be shared outside the police."]
    _check(south, ReferralPurpose.REQUEST_FOR_INFORMATION, [material], fields)


@pytest.mark.parametrize(
    ("purpose", "fits", "does_not_fit"),
    [
        (ReferralPurpose.VICTIM_SUPPORT, ["harbour"], ["lighthouse", "mash", "south"]),
        (ReferralPurpose.FAMILY_SUPPORT, ["lighthouse"], ["harbour", "mash", "south"]),
        (
            ReferralPurpose.SAFEGUARDING,
            ["mash", "childrens_services"],
            ["harbour", "lighthouse", "south"],
        ),
        (
            ReferralPurpose.STRATEGY_DISCUSSION,
            ["mash", "childrens_services"],
            ["harbour", "south"],
        ),
        (
            ReferralPurpose.SUSPECT_SUPPORT,
            ["harbour", "lighthouse", "south"],
            ["mash", "childrens_services"],
        ),
        (
            ReferralPurpose.REQUEST_FOR_INFORMATION,
            ["harbour", "lighthouse", "mash", "childrens_services", "south"],
            [],
        ),
    ],
)
def test_the_purpose_must_fit_the_receiver(request, purpose, fits, does_not_fit, north_case):
    # Nobody in the referral, so only the purpose is judged.
    for name in fits:
        _check(request.getfixturevalue(name), purpose, [], {})
    for name in does_not_fit:
        errors = _errors(lambda n=name: _check(request.getfixturevalue(n), purpose, [], {}))
        assert list(errors) == ["to_agency"]


def test_only_the_disclosable_fields_of_the_chosen_people_may_be_shared(harbour, victim, suspect):
    errors = _errors(
        lambda: _check(
            harbour,
            ReferralPurpose.VICTIM_SUPPORT,
            [victim],
            {str(victim.pk): ["first_name", "notes"], str(suspect.pk): ["first_name"]},
        )
    )
    assert errors == {
        "shared_fields": [
            "Share fields only of the people chosen for this referral.",
            f"These cannot be shared: notes. Choose from: {', '.join(DISCLOSABLE_FIELDS)}.",
        ]
    }


def test_every_problem_is_named_at_once(lighthouse, victim, suspect):
    errors = _errors(
        lambda: _check(lighthouse, ReferralPurpose.VICTIM_SUPPORT, [victim], {"x": ["first_name"]})
    )
    assert set(errors) == {"to_agency", "parties", "shared_fields"}


# --- Defaults


@pytest.mark.parametrize("purpose", ReferralPurpose.values)
def test_default_fields_are_disclosable_in_order_and_never_the_address_for_support(purpose):
    fields = default_fields_for(purpose)
    assert fields == [name for name in DISCLOSABLE_FIELDS if name in fields]
    assert {"first_name", "last_name", "age"} <= set(fields)
    if purpose in (ReferralPurpose.VICTIM_SUPPORT, ReferralPurpose.FAMILY_SUPPORT):
        assert "address" not in fields
        assert "safe_to_phone" in fields


# --- The snapshot


def test_the_snapshot_holds_exactly_what_was_chosen(officer_north, north_case, harbour, victim):
    # given: a flag on the victim, and one on someone not in the referral
    Flag.objects.create(
        case=north_case,
        party=victim,
        person=victim.person,
        kind=FlagKind.SAFE_CONTACT_ONLY,
        reason="Only contact through the school.",
        raised_by=officer_north.user,
        raised_at=timezone.now(),
        review_on=date(2026, 6, 1),
    )
    # when
    with frozen(MONDAY_MORNING):
        referral = sent(
            officer_north,
            north_case,
            harbour,
            [victim],
            shared_fields={str(victim.pk): ["first_name", "age", "phone", "safe_to_phone"]},
        )
    # then
    assert referral.disclosure == {
        "sent_at": "2026-03-02T10:00:00+00:00",
        "from_agency": {"slug": "northshire-police", "name": "Northshire Police"},
        "to_agency": {"slug": "harbour-victim-support", "name": "Harbour Victim Support"},
        "to_team": None,
        "sender": {"full_name": officer_north.user.get_full_name()},
        "purpose": "victim_support",
        "urgency": "routine",
        "case_reference": "NP-2026-000042",
        "summary": "Support needed after online sextortion.",
        "parties": [
            {
                "party_id": str(victim.pk),
                "role": "victim",
                "role_label": "Victim",
                "fields": {
                    "first_name": "Robin",
                    "age": 13,
                    "phone": "07700 900123",
                    "safe_to_phone": True,
                },
            }
        ],
        "risk": {"shared_level": "unknown", "sender_grade": ""},
        "flags": [
            {
                "kind": "safe_contact_only",
                "label": "Safe contact only",
                "person": "Robin",
                "party_id": str(victim.pk),
                "reason": "Only contact through the school.",
            }
        ],
        "lawful_basis": "public_task",
        "sensitive_condition": "safeguarding",
        "consent": {
            "status": "given",
            "given_on": "2026-02-20",
            "how": "Verbally, by phone",
            "given_by": "The victim's mother",
            "reason": "",
        },
        "suspect_details_reason": "",
        "documents": [],
    }


def test_risk_and_flags_are_left_out_when_not_shared(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim], share_risk=False)
    referral.share_flags = False
    snapshot = disclosure_build(referral)
    assert snapshot["risk"] is None
    assert snapshot["flags"] == []


def test_a_flag_names_the_role_when_the_name_is_not_shared(
    officer_north, north_case, harbour, victim
):
    Flag.objects.create(
        case=north_case,
        party=victim,
        person=victim.person,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Disclosed thoughts of self-harm.",
        raised_by=officer_north.user,
        raised_at=timezone.now(),
        review_on=date(2026, 6, 1),
    )
    referral = draft(
        officer_north, north_case, harbour, [victim], shared_fields={str(victim.pk): ["age"]}
    )
    assert disclosure_build(referral)["flags"][0]["person"] == "Victim"


def test_the_snapshot_does_not_change_when_the_case_does(
    officer_north, north_case, harbour, victim
):
    # given: a referral sent with the victim's name
    with frozen(MONDAY_MORNING):
        referral = sent(officer_north, north_case, harbour, [victim])
    before = referral.disclosure
    # when: the person is renamed, the case summary changes, and a flag is raised
    person = victim.person
    person.first_name = "Renamed"
    person.last_name = "Person"
    person.save()
    north_case.summary = "Changed after the referral was sent."
    north_case.save()
    Flag.objects.create(
        case=north_case,
        party=victim,
        person=person,
        kind=FlagKind.RISK_TO_STAFF,
        reason="Later concern.",
        raised_by=officer_north.user,
        raised_at=timezone.now(),
        review_on=date(2026, 6, 1),
    )
    # then: what the receiver sees is what was sent
    stored = Referral.objects.get(pk=referral.pk).disclosure
    assert stored == before
    assert stored["parties"][0]["fields"]["first_name"] == "Robin"
    assert stored["parties"][0]["fields"]["last_name"] == "Fictional"
    assert stored["flags"] == []


def test_every_disclosure_is_logged_with_its_recipients_and_justification(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    with frozen(MONDAY_MORNING):
        referral = sent(officer_north, north_case, harbour, [victim])
    entry = AccessLogEntry.objects.get(action="referrals.referral.sent")
    assert entry.username == "officer.north"
    assert entry.object_type == "referral"
    assert entry.object_id == str(referral.pk)
    assert entry.object_agency_slug == "northshire-police"
    assert entry.justification == (
        "referring agency (northshire-police); disclosed to harbour-victim-support "
        "(caseworker.harbour); purpose victim_support; 1 person; lawful basis public_task; "
        "condition safeguarding; consent given"
    )
