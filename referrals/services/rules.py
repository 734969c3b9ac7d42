"""The rules every referral meets before it is saved as a draft and again before
it is sent, reported all at once and naming the fields: who it goes to, why, about
whom, what is shared, on what lawful basis and with what consent."""

from collections.abc import Iterable, Mapping
from datetime import date
from uuid import UUID

from django.contrib.auth.models import User

from agencies import access
from agencies.models import Agency, Team
from cases.models import Case, CaseParty
from cases.selectors import visible_parties
from cases.services.common import not_in_future
from common.errors import InvalidState, ValidationError
from referrals.disclosure import PURPOSES, default_fields_for, disclosure_check
from referrals.models import (
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralPurpose,
    SensitiveCondition,
    Urgency,
)

EDITABLE_FIELDS = frozenset(
    {
        "to_agency",
        "to_team",
        "purpose",
        "urgency",
        "parties",
        "shared_fields",
        "summary_for_receiver",
        "lawful_basis",
        "sensitive_condition",
        "consent_status",
        "consent_given_on",
        "consent_how",
        "consent_given_by",
        "consent_reason",
        "suspect_details_reason",
        "share_risk",
        "share_flags",
    }
)
_TEXT_FIELDS = (
    "summary_for_receiver",
    "consent_how",
    "consent_given_by",
    "consent_reason",
    "suspect_details_reason",
)
SCALAR_FIELDS = (
    "purpose",
    "urgency",
    "lawful_basis",
    "sensitive_condition",
    "consent_status",
    "consent_given_on",
    "share_risk",
    "share_flags",
    *_TEXT_FIELDS,
)


def _choice_error(value, choices, errors: dict, field: str, missing: str) -> None:
    if not value:
        errors[field] = [missing]
    elif value not in choices.values:
        errors[field] = [f"Choose one of: {', '.join(choices.values)}."]


def party_id_of(party) -> str:
    return str(party.pk if isinstance(party, CaseParty) else party)


def _resolve_parties(actor: User, case: Case, parties, errors: dict) -> list[CaseParty]:
    """The chosen parties, each of this case and visible to the actor; anything
    else is reported as if it were not in the case."""
    try:
        wanted = list(dict.fromkeys(str(UUID(party_id_of(party))) for party in parties or ()))
    except (TypeError, ValueError, AttributeError):
        errors["parties"] = ["Choose people who are parties to this case."]
        return []
    if not wanted:
        errors["parties"] = ["Choose at least one person the referral is about."]
        return []
    found = {
        str(party.pk): party
        for party in visible_parties(actor)
        .filter(case=case, pk__in=wanted)
        .select_related("person")
    }
    if len(found) != len(wanted):
        errors["parties"] = ["Choose people who are parties to this case."]
        return []
    return [found[party_id] for party_id in wanted]


def _normalise_shared_fields(
    shared_fields, parties: list[CaseParty], purpose: str, errors: dict
) -> dict[str, list[str]]:
    """Keys as strings; each chosen party without a choice gets the purpose's
    defaults. Fields for people not chosen stay in, for the check to refuse."""
    if shared_fields is None:
        shared_fields = {}
    if not isinstance(shared_fields, Mapping):
        errors["shared_fields"] = ["Give the fields to share for each chosen person."]
        return {}
    normalised: dict[str, list[str]] = {}
    for party_id, names in shared_fields.items():
        if names is None:
            names = default_fields_for(purpose)
        if isinstance(names, str) or not isinstance(names, Iterable):
            errors["shared_fields"] = ["Give a list of field names for each person."]
            return {}
        normalised[str(party_id)] = list(dict.fromkeys(str(name) for name in names))
    for party in parties:
        normalised.setdefault(str(party.pk), default_fields_for(purpose))
    return normalised


def _consent_errors(values: dict, errors: dict) -> None:
    status = values["consent_status"]
    _choice_error(
        status,
        ConsentStatus,
        errors,
        "consent_status",
        "Say whether consent was given, refused or not sought.",
    )
    if status == ConsentStatus.GIVEN:
        given_on = values["consent_given_on"]
        if given_on is None:
            errors["consent_given_on"] = ["Enter the date consent was given."]
        elif not isinstance(given_on, date):
            errors["consent_given_on"] = ["Enter a date."]
        else:
            not_in_future(given_on, "consent_given_on", errors)
        if not values["consent_how"]:
            errors["consent_how"] = ["Say how consent was given (for example, in writing)."]
        if not values["consent_given_by"]:
            errors["consent_given_by"] = [
                "Say who gave consent: the person, or for a child, a parent."
            ]
    elif (
        status in (ConsentStatus.REFUSED, ConsentStatus.NOT_SOUGHT) and not values["consent_reason"]
    ):
        purpose = PURPOSES.get(values["purpose"])
        if purpose is not None and purpose.consent_reason_required:
            errors["consent_reason"] = [purpose.consent_reason_required]
        elif status == ConsentStatus.REFUSED:
            errors["consent_reason"] = [
                "Record what was said, and why the referral goes ahead without consent."
            ]
        else:
            errors["consent_reason"] = ["Say why consent was not sought."]
    if status and status != ConsentStatus.GIVEN:
        if values["lawful_basis"] == LawfulBasis.CONSENT:
            errors.setdefault("lawful_basis", []).append(
                "Consent is the lawful basis only when consent was given."
            )
        if values["sensitive_condition"] == SensitiveCondition.EXPLICIT_CONSENT:
            errors.setdefault("sensitive_condition", []).append(
                "Explicit consent is the condition only when consent was given."
            )


def rules_check(
    *, actor: User, case: Case, values: dict, for_send: bool = False
) -> tuple[list[CaseParty], dict[str, list[str]]]:
    """Every rule a referral must meet, all reported at once, naming the fields.
    Returns the chosen parties and the shared fields, normalised."""
    membership = access.membership_of(actor)
    errors: dict[str, list[str]] = {}
    to_agency: Agency | None = values["to_agency"]
    to_team: Team | None = values["to_team"]
    if not isinstance(to_agency, Agency):
        errors["to_agency"] = ["Choose the agency to refer to."]
        to_agency = None
    elif to_agency.pk == membership.agency_id:
        errors["to_agency"] = [
            "A referral goes to another agency; your own agency's teams are not referred to."
        ]
    if to_team is not None and (to_agency is None or to_team.agency_id != to_agency.pk):
        errors["to_team"] = ["Choose a team of the agency you are referring to."]
    _choice_error(values["purpose"], ReferralPurpose, errors, "purpose", "Choose the purpose.")
    _choice_error(values["urgency"], Urgency, errors, "urgency", "Choose how urgent it is.")
    _choice_error(
        values["lawful_basis"],
        LawfulBasis,
        errors,
        "lawful_basis",
        "Choose the lawful basis for sharing.",
    )
    _choice_error(
        values["sensitive_condition"],
        SensitiveCondition,
        errors,
        "sensitive_condition",
        "Choose the condition for sharing sensitive information.",
    )
    _consent_errors(values, errors)
    if for_send and not values["summary_for_receiver"]:
        errors["summary_for_receiver"] = ["Write a summary for the receiving agency."]
    for flag in ("share_risk", "share_flags"):
        if not isinstance(values[flag], bool):
            errors[flag] = ["Must be true or false."]

    parties = _resolve_parties(actor, case, values["parties"], errors)
    shared_fields = _normalise_shared_fields(
        values["shared_fields"], parties, values["purpose"], errors
    )
    if to_agency is not None and "shared_fields" not in errors:
        try:
            disclosure_check(
                to_agency=to_agency,
                purpose=values["purpose"],
                parties=parties,
                shared_fields=shared_fields,
                suspect_details_reason=values["suspect_details_reason"],
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return parties, shared_fields


def values_clean(values: dict) -> dict:
    for field in _TEXT_FIELDS:
        values[field] = (values.get(field) or "").strip()
    for field in ("purpose", "urgency", "lawful_basis", "sensitive_condition", "consent_status"):
        values[field] = values.get(field) or ""
    return values


def values_of(referral: Referral) -> dict:
    values = {field: getattr(referral, field) for field in SCALAR_FIELDS}
    values["to_agency"] = referral.to_agency
    values["to_team"] = referral.to_team
    values["parties"] = [str(pk) for pk in referral.parties.values_list("pk", flat=True)]
    values["shared_fields"] = dict(referral.shared_fields or {})
    return values


def case_open_require(case: Case) -> None:
    """A closed case takes no new referral: reopen it first."""
    if not case.is_open:
        raise InvalidState(
            f"{case.reference} is closed: nothing new can be referred.", state=case.status
        )


def consent_given_clear(referral: Referral) -> None:
    # When and how consent was given means nothing once it was not given.
    referral.consent_given_on = None
    referral.consent_how = ""
    referral.consent_given_by = ""
