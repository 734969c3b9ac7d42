"""Drafting a referral. A draft is seen only by the referring agency; every rule
(`referrals.services.rules`) is checked here, and again when it is sent."""

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from agencies.models import Agency, Membership, Team
from cases.models import Case, CaseParty
from cases.services.common import case_action_require
from common.errors import (
    InvalidState,
    PreconditionFailed,
    PreconditionRequired,
    ValidationError,
)
from common.history import history_note
from referrals.models import ConsentStatus, Referral, ReferralState
from referrals.selectors import referral_locked_get
from referrals.selectors.sides import referral_side_require
from referrals.services.common import (
    SENDER,
    event_record,
    referral_access_log,
)
from referrals.services.rules import (
    EDITABLE_FIELDS,
    SCALAR_FIELDS,
    case_open_require,
    consent_given_clear,
    party_id_get,
    referral_values_clean,
    referral_values_get,
    rules_check,
)

__all__ = ["EDITABLE_FIELDS", "referral_create", "referral_update"]


@transaction.atomic
def referral_create(
    *,
    actor: User,
    case: Case,
    to_agency: Agency,
    purpose: str,
    urgency: str,
    parties: Iterable[CaseParty | UUID | str],
    shared_fields: Mapping[str, Iterable[str]] | None,
    summary_for_receiver: str,
    lawful_basis: str,
    sensitive_condition: str,
    consent_status: str,
    consent_given_on: date | None = None,
    consent_how: str = "",
    consent_given_by: str = "",
    consent_reason: str = "",
    suspect_details_reason: str = "",
    share_risk: bool = True,
    share_flags: bool = True,
    to_team: Team | None = None,
) -> Referral:
    """A draft referral from the actor's agency. Nothing leaves the agency until it
    is sent (`referral_send`)."""
    case_action_require(actor, "referrals.referral.create", case)
    case_open_require(case)
    membership = cast(Membership, access.membership_of(actor))
    values = referral_values_clean(
        {
            "to_agency": to_agency,
            "to_team": to_team,
            "purpose": purpose,
            "urgency": urgency,
            "parties": parties,
            "shared_fields": shared_fields,
            "summary_for_receiver": summary_for_receiver,
            "lawful_basis": lawful_basis,
            "sensitive_condition": sensitive_condition,
            "consent_status": consent_status,
            "consent_given_on": consent_given_on,
            "consent_how": consent_how,
            "consent_given_by": consent_given_by,
            "consent_reason": consent_reason,
            "suspect_details_reason": suspect_details_reason,
            "share_risk": share_risk,
            "share_flags": share_flags,
        }
    )
    chosen, normalised = rules_check(actor=actor, case=case, values=values)
    referral = Referral(
        case=case,
        from_agency=membership.agency,
        created_by=actor,
        state=ReferralState.DRAFT,
        **{field: values[field] for field in SCALAR_FIELDS},
        to_agency=to_agency,
        to_team=to_team,
        shared_fields=normalised,
    )
    if referral.consent_status != ConsentStatus.GIVEN:
        consent_given_clear(referral)
    history_note(referral, actor=actor, reason="referral drafted")
    referral.save()
    referral.parties.set(chosen)
    event_record(referral, actor=actor, action="created", from_state="")
    referral_access_log(actor=actor, referral=referral, action="referrals.referral.created")
    return referral


@transaction.atomic
def referral_update(
    *, actor: User, referral: Referral, expected_version: int | None, **changes: Any
) -> Referral:
    """Change a draft. Only the referring agency, only while it is a draft, only
    from the version the actor last read."""
    unknown = sorted(set(changes) - EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({field: ["This cannot be changed."] for field in unknown})
    locked = referral_locked_get(referral)
    side = referral_side_require(actor, locked)
    if side != SENDER or locked.state != ReferralState.DRAFT:
        raise InvalidState(
            "Only a draft can be changed, and only by the agency that is referring.",
            state=locked.state,
        )
    case_action_require(actor, "referrals.referral.create", locked.case)
    case_open_require(locked.case)
    if expected_version is None:
        raise PreconditionRequired()
    if int(expected_version) != locked.version:
        raise PreconditionFailed(current_version=locked.version)

    values = referral_values_get(locked)
    if "parties" in changes and "shared_fields" not in changes:
        # Keep what was chosen for the people who stay; new people get defaults.
        kept = {party_id_get(party) for party in changes["parties"] or ()}
        values["shared_fields"] = {
            party_id: names
            for party_id, names in values["shared_fields"].items()
            if party_id in kept
        }
    values.update(changes)
    values = referral_values_clean(values)
    chosen, normalised = rules_check(actor=actor, case=locked.case, values=values)

    for field in SCALAR_FIELDS:
        setattr(locked, field, values[field])
    locked.to_agency = values["to_agency"]
    locked.to_team = values["to_team"]
    locked.shared_fields = normalised
    if locked.consent_status != ConsentStatus.GIVEN:
        consent_given_clear(locked)
    locked.version += 1
    history_note(locked, actor=actor, reason="draft changed")
    locked.save()
    locked.parties.set(chosen)
    referral_access_log(actor=actor, referral=locked, action="referrals.referral.changed")
    return locked
