"""Closing a duty that a referral meets: the victim's referral to support (Victims'
Code Right 4), the offer of support to a suspect's family, and the referral of
the children in a suspect's household to the safeguarding hub.

Each is met by a referral of the right purpose that has been sent; or closed by
a recorded refusal (the person declined support); or by a recorded reason it is
not needed. Children's safeguarding is not the family's choice, so their duty
cannot be declined."""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from cases.models import PartyRole
from cases.services.common import (
    case_action_require,
    case_open_require,
)
from common.errors import InvalidState, NotFound, ValidationError
from common.notifications import notify
from referrals.models import Referral, ReferralPurpose, ReferralState, purpose_fits
from welfare.models import FAMILY_DUTIES, REFERRAL_DUTIES, Duty, DutyKind, DutyStatus
from welfare.services.duties import duty_resolution_save

# What meeting or closing a duty by a referral (or without one) changes.
_RESOLUTION_FIELDS = [
    "status",
    "referral",
    "resolution_note",
    "resolved_at",
    "resolved_by",
    "version",
]

PURPOSE_OF_DUTY: dict[str, str] = {
    DutyKind.VICTIM_SUPPORT_REFERRAL: ReferralPurpose.VICTIM_SUPPORT,
    DutyKind.FAMILY_SUPPORT_OFFER: ReferralPurpose.FAMILY_SUPPORT,
    DutyKind.CHILDREN_SAFEGUARDING_REFERRAL: ReferralPurpose.SAFEGUARDING,
}
RECEIVER_OF_DUTY: dict[str, str] = {
    DutyKind.VICTIM_SUPPORT_REFERRAL: "a victim-support charity",
    DutyKind.FAMILY_SUPPORT_OFFER: "a family-support charity",
    DutyKind.CHILDREN_SAFEGUARDING_REFERRAL: "the safeguarding hub or children's services",
}
# The person may refuse support for themselves; nobody may refuse it for children.
DECLINABLE_DUTIES = frozenset({DutyKind.VICTIM_SUPPORT_REFERRAL, DutyKind.FAMILY_SUPPORT_OFFER})
# A referral that was never sent, or was taken back, meets nothing.
UNSENT_STATES = frozenset({ReferralState.DRAFT, ReferralState.WITHDRAWN})
CHILDREN_NOT_DECLINABLE = (
    "Children's safeguarding is not the family's choice: refer the children to the hub, "
    "or record why a referral is not needed."
)


def _about_the_duty(duty: Duty, referral: Referral) -> str | None:
    """Why the referral is not about whom the duty is owed to, or None when it is."""
    parties = [(party.pk, party.role, party.related_to_id) for party in referral.parties.all()]
    about: dict[str, tuple[bool, str]] = {
        DutyKind.VICTIM_SUPPORT_REFERRAL: (
            any(pk == duty.party_id for pk, _, _ in parties),
            "Choose a referral that includes this victim.",
        ),
        DutyKind.FAMILY_SUPPORT_OFFER: (
            any(duty.party_id in (pk, related) for pk, _, related in parties),
            "Choose a referral about this suspect's family.",
        ),
        DutyKind.CHILDREN_SAFEGUARDING_REFERRAL: (
            any(
                role == PartyRole.CHILD_IN_HOUSEHOLD and related == duty.party_id
                for _, role, related in parties
            ),
            "Choose a referral about the children in this suspect's household.",
        ),
    }
    fits, why_not = about[duty.kind]
    return None if fits else why_not


def referral_fit_check(duty: Duty, referral: Referral) -> list[str]:
    """Why this referral does not meet this duty; empty when it does."""
    if referral.case_id != duty.case_id:
        return ["Choose a referral of this case."]
    if referral.state in UNSENT_STATES:
        return [
            f"This referral is {referral.get_state_display().lower()}: "
            "choose a referral that has been sent."
        ]
    purpose = PURPOSE_OF_DUTY[duty.kind]
    if referral.purpose != purpose or not purpose_fits(referral.to_agency, purpose):
        return [
            f"Choose a {ReferralPurpose(purpose).label.lower()} referral to "
            f"{RECEIVER_OF_DUTY[duty.kind]}."
        ]
    not_about = _about_the_duty(duty, referral)
    return [not_about] if not_about else []


def referral_fit_is(duty: Duty, referral: Referral) -> bool:
    return not referral_fit_check(duty, referral)


def _choice_errors(
    duty: Duty,
    referral: Referral | None,
    declined_reason: str,
    not_needed_reason: str,
    external_reference: str,
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    given = {
        "referral": referral is not None,
        "declined_reason": bool(declined_reason),
        "not_needed_reason": bool(not_needed_reason),
    }
    chosen = [name for name, present in given.items() if present]
    if not chosen:
        errors["referral"] = [
            "Choose the referral that meets this duty, or record why there is none."
        ]
    elif len(chosen) > 1:
        for name in chosen:
            errors[name] = [
                "Give only one of: a referral, the reason the person declined, "
                "or the reason a referral is not needed."
            ]
        return errors
    if declined_reason and duty.kind not in DECLINABLE_DUTIES:
        errors["declined_reason"] = [CHILDREN_NOT_DECLINABLE]
    if external_reference and not not_needed_reason:
        errors["external_reference"] = [
            "A reference goes with the reason a referral is not needed."
        ]
    if len(external_reference) > 100:
        errors["external_reference"] = ["Use at most 100 characters."]
    if referral is not None:
        problems = referral_fit_check(duty, referral)
        if problems:
            errors["referral"] = problems
    return errors


@transaction.atomic
def duty_meet_by_referral(
    *,
    actor: User,
    duty: Duty,
    referral: Referral | None = None,
    declined_reason: str = "",
    not_needed_reason: str = "",
    external_reference: str = "",
) -> Duty:
    """Meet a referral duty by a referral, or close it by the person's refusal or a
    reason it is not needed. 409 once it is no longer open."""
    case_action_require(actor, "welfare.duty.meet", duty.case)
    case_open_require(duty.case)
    if not access.is_cleared_for(actor, duty.compartment):
        raise NotFound()
    if duty.kind not in REFERRAL_DUTIES:
        raise ValidationError(
            {"duty": ["This duty is not met by a referral: it is met by logging a contact."]}
        )
    locked = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency")
        .get(pk=duty.pk)
    )
    if locked.status != DutyStatus.OPEN:
        raise InvalidState(
            f"This duty is already closed ({locked.get_status_display().lower()}).",
            state=locked.status,
        )
    declined_reason = (declined_reason or "").strip()
    not_needed_reason = (not_needed_reason or "").strip()
    external_reference = (external_reference or "").strip()
    errors = _choice_errors(
        locked, referral, declined_reason, not_needed_reason, external_reference
    )
    if errors:
        raise ValidationError(errors)
    if referral is not None:
        locked.status = DutyStatus.MET
        locked.referral = referral
        note = (
            f"Met by the {referral.get_purpose_display().lower()} referral "
            f"to {referral.to_agency.name}"
        )
    elif declined_reason:
        locked.status = DutyStatus.DECLINED
        note = f"Declined by the person: {declined_reason}"
    else:
        locked.status = DutyStatus.NOT_NEEDED
        locked.external_reference = external_reference
        note = f"Not needed: {not_needed_reason}" + (
            f" (reference {external_reference})" if external_reference else ""
        )
    locked.resolution_note = note
    return duty_resolution_save(
        locked,
        actor=actor,
        log_note=locked.status,
        update_fields=[*_RESOLUTION_FIELDS, "external_reference"],
    )


def _meet_by_holders_referral(*, actor: User, duty: Duty, referral: Referral) -> Duty | None:
    """Meet an open duty by a referral that an agency holding the case sent: the
    same record as the owner's own referral would leave, naming the agency and the
    person who met it. None if it was closed meanwhile."""
    locked = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency", "case__lead_officer")
        .filter(pk=duty.pk, status=DutyStatus.OPEN)
        .first()
    )
    if locked is None:
        return None
    sender = actor.get_full_name() or actor.get_username()
    note = (
        f"Met by the {referral.get_purpose_display().lower()} referral from "
        f"{referral.from_agency.name} ({sender}) to {referral.to_agency.name}"
    )
    locked.status = DutyStatus.MET
    locked.referral = referral
    locked.resolution_note = note
    return duty_resolution_save(
        locked,
        actor=actor,
        log_note=f"{locked.status} by the referral of {referral.from_agency.slug}",
        update_fields=_RESOLUTION_FIELDS,
    )


def _lead_officer_tell(duty: Duty, referral: Referral, actor: User) -> None:
    """The lead officer learns that another agency's referral met a duty of theirs:
    they would otherwise refer the family twice."""
    lead = duty.case.lead_officer
    if lead is None or lead.pk == actor.pk or not lead.is_active:
        return
    notify(
        user=lead,
        kind="welfare.duty_met_by_partner",
        message=(
            f"A duty of care on case {duty.case.reference} was met by a referral "
            f"from {referral.from_agency.name}."
        ),
        link=f"/cases/{duty.case_id}/family-support/"
        if duty.kind in FAMILY_DUTIES
        else f"/cases/{duty.case_id}/",
        dedupe_key=f"duty:{duty.pk}:met_by:{referral.pk}",
    )


def on_referral_sent(*, referral: Referral, actor: User) -> None:
    """A referral sent by any agency that holds the case (its owner, or an agency it
    was granted to) meets every open duty of the case that it answers (the right
    purpose, receiver and people), as if the owner had linked it on the duty's page:
    so the hub's onward referral of the family to support meets the police's offer
    of support, and the family is not referred twice. The sender must be cleared
    for what the duty is about, as the owner's own would. When another agency's
    referral met it, the case's lead officer is told."""
    case = referral.case
    if not access.can(actor, "cases.case.view", case):
        return
    open_duties = Duty.objects.filter(
        case_id=referral.case_id, kind__in=sorted(REFERRAL_DUTIES), status=DutyStatus.OPEN
    ).select_related("case__owning_agency", "case__lead_officer")
    from_owner = referral.from_agency_id == case.owning_agency_id
    for duty in open_duties:
        if not (access.is_cleared_for(actor, duty.compartment) and referral_fit_is(duty, referral)):
            continue
        if from_owner and access.can(actor, "welfare.duty.meet", case):
            duty_meet_by_referral(actor=actor, duty=duty, referral=referral)
            continue
        met = _meet_by_holders_referral(actor=actor, duty=duty, referral=referral)
        if met is not None and not from_owner:
            _lead_officer_tell(met, referral, actor)
