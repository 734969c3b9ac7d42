"""The rules every referral meets before it is saved as a draft and again before
it is sent, reported all at once and naming the fields: who it goes to, why, about
whom, what is shared, on what lawful basis and with what consent."""

from collections.abc import Iterable, Mapping
from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User

from agencies import access
from agencies.models import Agency, Membership
from cases.models import Case, CaseParty
from cases.selectors import visible_parties
from common.errors import InvalidState, ValidationError
from referrals.disclosure import disclosure_check
from referrals.models import (
    Referral,
    default_fields_for,
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
# The fields a draft takes as plain values: those the model's `clean` checks, but
# the receiver (an agency and a team, resolved first), and the texts.
_RECEIVER = ("to_agency", "to_team")
SCALAR_FIELDS = (
    *(field for field in Referral.CLEANED_FIELDS if field not in _RECEIVER),
    *_TEXT_FIELDS,
)


def party_id_get(party: CaseParty | UUID | str) -> str:
    return str(party.pk if isinstance(party, CaseParty) else party)


def _resolve_parties(
    actor: User, case: Case, parties: Iterable[Any], errors: dict[str, list[str]]
) -> list[CaseParty]:
    """The chosen parties, each of this case and visible to the actor; anything
    else is reported as if it were not in the case."""
    try:
        wanted = list(dict.fromkeys(str(UUID(party_id_get(party))) for party in parties or ()))
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
    shared_fields: Any, parties: list[CaseParty], purpose: str, errors: dict[str, list[str]]
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


def rules_check(
    *, actor: User, case: Case, values: dict[str, Any], for_send: bool = False
) -> tuple[list[CaseParty], dict[str, list[str]]]:
    """Every rule a referral must meet, all reported at once, naming the fields: the
    referral's own (`Referral.clean`, through `full_clean`), then those that span
    records (the people chosen, the fields shared of each, what the receiver may
    hold). Returns the chosen parties and the shared fields, normalised."""
    membership = cast(Membership, access.membership_of(actor))
    to_agency = values["to_agency"] if isinstance(values["to_agency"], Agency) else None
    referral = Referral(
        case=case,
        from_agency=membership.agency,
        to_agency=to_agency,
        to_team=values["to_team"],
        **{field: values[field] for field in SCALAR_FIELDS},
    )
    errors: dict[str, list[str]] = {}
    try:
        referral.full_clean(
            exclude=["case", "from_agency", "created_by", *Referral.CLEANED_FIELDS],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if for_send and not values["summary_for_receiver"]:
        errors["summary_for_receiver"] = ["Write a summary for the receiving agency."]

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


def referral_values_clean(values: dict[str, Any]) -> dict[str, Any]:
    for field in _TEXT_FIELDS:
        values[field] = (values.get(field) or "").strip()
    for field in ("purpose", "urgency", "lawful_basis", "sensitive_condition", "consent_status"):
        values[field] = values.get(field) or ""
    return values


def referral_values_get(referral: Referral) -> dict[str, Any]:
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
