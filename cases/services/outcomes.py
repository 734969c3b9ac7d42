"""Outcomes: the Home Office outcome code for each suspect, with the checks that
Outcome 21 and conditional cautions need."""

from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.events import OUTCOME_CAUTION_CHANGED, event_dispatch
from cases.models import Case, CaseParty, Outcome, OutcomeCode, PartyRole
from cases.models.outcome import CONDITIONAL_CAUTION_CODES, OUTCOME_21_CONDITIONS
from cases.selectors import party_ages
from cases.services.common import (
    case_action_require,
    case_open_require,
    in_order,
    log_case_access,
    not_in_future,
    raise_if,
    record_change,
    record_save_once,
)
from cases.services.events import outcome_event_record
from cases.services.outcome_cautions import caution_compliance_record
from common.errors import InvalidState

FRAUD_ONLY_CODE = "19"
ADULTHOOD = 18


def _is_suspect_of_case(actor: User, case: Case, suspect: CaseParty | None) -> bool:
    return (
        suspect is not None
        and suspect.case_id == case.pk
        and suspect.role == PartyRole.SUSPECT
        and access.is_cleared_for(actor, suspect.compartment)
    )


def _code_errors(code: str, errors: dict[str, list[str]]) -> None:
    if code == FRAUD_ONLY_CODE:
        errors["code"] = ["Outcome 19 applies to fraud only and is not offered."]
    elif code not in OutcomeCode.values:
        errors["code"] = ["Choose one of the Home Office outcome codes."]


def _outcome_21_errors(
    case: Case,
    suspect: CaseParty | None,
    confirmations: dict[str, Any],
    rationale: str,
    errors: dict[str, list[str]],
) -> None:
    """Outcome 21 for youth-produced imagery: the suspect was a child at the offence,
    and every condition of the College of Policing guidance is confirmed."""
    # Without a valid suspect the error is on `suspect`: their age cannot be judged.
    age = party_ages(case=case, parties=[suspect])[suspect.pk] if suspect else None
    if suspect is not None and age is None:
        errors.setdefault("code", []).append(
            "Outcome 21 is for suspects under 18, and this suspect's age at the offence is "
            "unknown: record their date of birth or an estimated age first."
        )
    elif age is not None and age >= ADULTHOOD:
        errors.setdefault("code", []).append(
            f"Outcome 21 is for suspects under 18; this suspect was {age} at the offence."
        )
    unknown = sorted(set(confirmations) - set(OUTCOME_21_CONDITIONS))
    missing = [
        text for key, text in OUTCOME_21_CONDITIONS.items() if confirmations.get(key) is not True
    ]
    messages = [f"Not a condition of Outcome 21: {key}." for key in unknown]
    messages += [f"Confirm this condition of Outcome 21: {text}." for text in missing]
    if messages:
        errors["outcome_21_confirmations"] = messages
    if not rationale:
        errors["rationale"] = ["Enter the rationale: why Outcome 21 is right for this suspect."]


def _conditional_caution_errors(
    code: str,
    caution_conditions: str,
    conditions_due_on: date | None,
    outcome_on: date | None,
    errors: dict[str, list[str]],
) -> None:
    """A caution (2, 2A, 3 or 3A) is conditional when its conditions are given, and
    simple when they are not; no other outcome has conditions."""
    if caution_conditions:
        if code not in CONDITIONAL_CAUTION_CODES:
            errors["caution_conditions"] = [
                "Conditions are recorded only with a caution (outcome 2, 2A, 3 or 3A)."
            ]
        if conditions_due_on is None:
            errors["conditions_due_on"] = ["Enter the date by which the conditions must be met."]
        elif outcome_on is not None and conditions_due_on <= outcome_on:
            errors["conditions_due_on"] = ["Must be after the date of the outcome."]
    elif conditions_due_on is not None:
        errors["conditions_due_on"] = [
            "A due date is recorded only with the conditions of a conditional caution."
        ]


@transaction.atomic
def outcome_record(
    *,
    actor: User,
    case: Case,
    suspect: CaseParty | None,
    code: str,
    outcome_on: date | None,
    rationale: str,
    outcome_21_confirmations: dict[str, Any] | None = None,
    caution_conditions: str = "",
    conditions_due_on: date | None = None,
) -> Outcome:
    """One outcome per suspect. Nothing is stored unless every rule holds."""
    case_action_require(actor, "cases.outcome.add", case)
    case_open_require(case)
    errors: dict[str, list[str]] = {}
    if not _is_suspect_of_case(actor, case, suspect):
        errors["suspect"] = ["Choose a suspect in this case."]
        suspect = None
    elif Outcome.objects.filter(suspect=suspect).exists():
        raise InvalidState(
            "An outcome is already recorded for this suspect.", state="outcome_recorded"
        )
    code = str(code or "").strip()
    rationale = (rationale or "").strip()
    caution_conditions = (caution_conditions or "").strip()
    confirmations = dict(outcome_21_confirmations or {})
    _code_errors(code, errors)
    if outcome_on is None:
        errors["outcome_on"] = ["Enter the date of the outcome."]
    not_in_future(outcome_on, "outcome_on", errors)
    in_order(
        case.received_on,
        outcome_on,
        "outcome_on",
        errors,
        earlier_label="the date the case was received",
    )
    if code == OutcomeCode.NOT_IN_PUBLIC_INTEREST_FURTHER_INVESTIGATION:
        _outcome_21_errors(case, suspect, confirmations, rationale, errors)
    elif any(value is True for value in confirmations.values()):
        errors["outcome_21_confirmations"] = [
            "Conditions are confirmed only for Outcome 21; leave them unconfirmed."
        ]
    if not rationale and "rationale" not in errors:
        errors["rationale"] = ["Enter the rationale: why this outcome was chosen."]
    _conditional_caution_errors(code, caution_conditions, conditions_due_on, outcome_on, errors)
    raise_if(errors)
    outcome = Outcome(
        case=case,
        suspect=suspect,
        code=code,
        outcome_on=cast(date, outcome_on),  # refused above when missing
        rationale=rationale,
        outcome_21_confirmations=(
            dict.fromkeys(OUTCOME_21_CONDITIONS, True)
            if code == OutcomeCode.NOT_IN_PUBLIC_INTEREST_FURTHER_INVESTIGATION
            else {}
        ),
        is_conditional_caution=bool(caution_conditions),
        caution_conditions=caution_conditions,
        conditions_due_on=conditions_due_on if caution_conditions else None,
        recorded_by=actor,
    )
    outcome.full_clean(validate_constraints=False)
    record_change(outcome, actor=actor, reason=f"outcome {code} recorded")
    # Another request may have recorded this suspect's outcome a moment ago.
    record_save_once(
        outcome,
        refused=InvalidState(
            "An outcome is already recorded for this suspect.", state="outcome_recorded"
        ),
    )
    log_case_access(
        actor=actor,
        action="cases.outcome.recorded",
        case=case,
        object_type="outcome",
        object_id=outcome.pk,
        note=f"code {code}",
    )
    # The duties that follow an outcome (telling the victims) come from its event.
    outcome_event_record(actor=actor, outcome=outcome)
    if outcome.is_conditional_caution:
        # Its due date becomes a duty on the officer in charge (welfare's).
        event_dispatch(OUTCOME_CAUTION_CHANGED, outcome=outcome, actor=actor)
    return outcome


def outcome_conditions_record(
    *, actor: User, outcome: Outcome, met: bool, checked_on: date | None = None
) -> Outcome:
    """Whether a conditional caution's conditions were met, checked today unless
    said: the older form of `outcome_cautions.caution_compliance_record`, which
    the /conditions/ endpoint and page still call."""
    return caution_compliance_record(
        actor=actor,
        outcome=outcome,
        complied=met,
        checked_on=checked_on or timezone.localdate(),
    )
