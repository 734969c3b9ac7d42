"""What a sender writes to draft or change a referral, and how it becomes what the
services take: the agency by its slug, the team, the case's parties with the
fields to share of each, consent's five fields. Errors are named by their path
in the body (`consent.given_on`, `parties.0.fields`), like every other field: the
API's exception handler flattens nested errors, and `errors_named_as_sent` renames
the services' fields."""

from contextlib import contextmanager

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from agencies.selectors import agency_get_by_slug
from cases import selectors as case_selectors
from common.api.fields import optional_date, optional_text
from common.errors import NotFound, ValidationError
from referrals.disclosure import DISCLOSABLE_FIELDS
from referrals.models import (
    ConsentStatus,
    LawfulBasis,
    ReferralPurpose,
    SensitiveCondition,
    Urgency,
)


@extend_schema_serializer(component_name="ReferralPartyShare")
class PartyShareSerializer(serializers.Serializer):
    party = serializers.UUIDField(help_text="A party of the case.")
    fields = serializers.ListField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=list(DISCLOSABLE_FIELDS)),
        required=False,
        help_text=(
            "What to share of this person. Left out: what was chosen before, or else the "
            "safe defaults for the purpose."
        ),
    )


@extend_schema_serializer(component_name="ReferralConsentInput")
class ConsentInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ConsentStatus.choices)
    given_on = optional_date()
    how = optional_text(max_length=200)
    given_by = optional_text(max_length=200, help_text="The person, or for a child, the parent.")
    reason = optional_text(help_text="Why consent was refused or not sought (needed then).")


class _ReferralInput(serializers.Serializer):
    """The choices a sender makes, shared by the draft and its change."""

    to_agency = serializers.SlugField(help_text="The slug of the agency to refer to.")
    to_team = serializers.UUIDField(
        required=False, allow_null=True, help_text="A team of that agency."
    )
    purpose = serializers.ChoiceField(choices=ReferralPurpose.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    parties = serializers.ListField(
        child=PartyShareSerializer(),
        required=False,
        help_text="Whom the referral is about, and what to share of each.",
    )
    summary_for_receiver = optional_text()
    lawful_basis = serializers.ChoiceField(choices=LawfulBasis.choices)
    sensitive_condition = serializers.ChoiceField(choices=SensitiveCondition.choices)
    consent = ConsentInputSerializer()
    suspect_details_reason = optional_text(
        help_text="Why a victim-support charity needs to know about a suspect, when it does."
    )
    share_risk = serializers.BooleanField(required=False, default=True)
    share_flags = serializers.BooleanField(required=False, default=True)


@extend_schema_serializer(component_name="ReferralCreate")
class ReferralCreateSerializer(_ReferralInput):
    case = serializers.UUIDField(help_text="The case the referral is about.")


@extend_schema_serializer(component_name="ReferralChange")
class ReferralChangeSerializer(_ReferralInput):
    """Any of the draft's choices. `consent`, when sent, replaces all of it;
    `parties`, when sent, replaces the list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each choice may be left out, but one that is sent is whole. (DRF's
        # partial=True would also let a party be sent without its `party`, or consent
        # without its `status`, and the service would fail on what is missing.)
        for field in self.fields.values():
            field.required = False
            field.default = serializers.empty


# A service names the model's fields; the API names what the caller sent.
_FIELD_IN_BODY = {
    "shared_fields": "parties",
    "consent_status": "consent.status",
    "consent_given_on": "consent.given_on",
    "consent_how": "consent.how",
    "consent_given_by": "consent.given_by",
    "consent_reason": "consent.reason",
}


@contextmanager
def errors_named_as_sent():
    """Around a service call: its errors, renamed to the fields of the body."""
    try:
        yield
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        renamed: dict[str, list[str]] = {}
        for field, messages in exc.message_dict.items():
            renamed.setdefault(_FIELD_IN_BODY.get(field, field), []).extend(messages)
        raise ValidationError(renamed) from exc


def _party_choices(request, data: dict, *, case, shared_before: dict) -> dict:
    """The chosen parties, read through the case's scoped party list (one query),
    and the fields to share of each. A party sent without `fields` keeps what was
    chosen before, or else gets the purpose's safe defaults (the service fills
    those in)."""
    wanted = [str(choice["party"]) for choice in data["parties"]]
    found = {
        str(party.pk): party
        for party in case_selectors.party_list(actor=request.user, case=case).filter(pk__in=wanted)
    }
    if len(set(wanted)) != len(found):
        raise ValidationError({"parties": ["Choose people who are parties to this case."]})
    shared_fields = {}
    for choice in data["parties"]:
        party_id = str(choice["party"])
        if "fields" in choice:
            shared_fields[party_id] = list(choice["fields"])
        elif party_id in shared_before:
            shared_fields[party_id] = list(shared_before[party_id])
    return {"parties": [found[pk] for pk in dict.fromkeys(wanted)], "shared_fields": shared_fields}


_PLAIN_FIELDS = (
    "purpose",
    "urgency",
    "summary_for_receiver",
    "lawful_basis",
    "sensitive_condition",
    "suspect_details_reason",
    "share_risk",
    "share_flags",
)


def resolved_for_service(
    request, data: dict, *, case, shared_before: dict | None = None, current_agency=None
) -> dict:
    """The body as the services take it: the agency and team as records, the
    parties as the case's parties with their fields, consent as its five fields.
    What cannot be found is reported at once, naming the field."""
    problems: dict[str, list[str]] = {}
    resolved: dict = {name: data[name] for name in _PLAIN_FIELDS if name in data}
    agency = current_agency
    if "to_agency" in data:
        try:
            agency = resolved["to_agency"] = agency_get_by_slug(slug=data["to_agency"])
        except NotFound:
            problems["to_agency"] = ["No agency has this slug."]
    if data.get("to_team"):
        # Agencies and their teams are not secret; the service checks the team is
        # one of the receiving agency's.
        team = agency.teams.filter(pk=data["to_team"]).first() if agency else None
        if team is None and "to_agency" not in problems:
            problems["to_team"] = ["Choose a team of the agency you are referring to."]
        resolved["to_team"] = team
    elif "to_team" in data:
        resolved["to_team"] = None
    if "parties" in data:
        try:
            resolved.update(
                _party_choices(request, data, case=case, shared_before=shared_before or {})
            )
        except ValidationError as exc:
            problems.update(exc.message_dict)
    if "consent" in data:
        consent = data["consent"]
        resolved.update(
            consent_status=consent.get("status", ""),
            consent_given_on=consent.get("given_on"),
            consent_how=consent.get("how", ""),
            consent_given_by=consent.get("given_by", ""),
            consent_reason=consent.get("reason", ""),
        )
    if problems:
        raise ValidationError(problems)
    return resolved


def case_to_refer(request, case_id):
    """The case, as one the caller may refer (its own agency's, or one granted to
    it); anything else is the body's mistake, named like any other bad field."""
    try:
        return case_selectors.case_get_for_actor(
            actor=request.user, case_id=case_id, action="referrals.referral.create", log=False
        )
    except NotFound as exc:
        raise ValidationError({"case": ["Choose a case your agency may refer."]}) from exc
