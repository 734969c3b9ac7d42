"""What a referral discloses, and whether the receiver may hold it.

A partner never sees the live case: it sees the snapshot `disclosure_build` fixes
when the referral is sent. `disclosure_check` decides, before anything is sent,
whether that snapshot would put in the receiver's hands something the receiver's
kind may never hold (the walls of the access model):

* nothing from the material compartment goes to anyone outside the police;
* a family-support charity receives nothing about victims;
* a victim-support charity receives nothing about suspects' family members, and
  nothing about a suspect unless the referrer writes down why it is needed;
* the purpose must be one the receiver exists for.
"""

from collections.abc import Iterable, Mapping

from django.utils import timezone

from agencies.models import Agency, AgencyKind, CharityService, Compartment
from cases.models import CaseParty, Person
from cases.selectors import age_on
from common.errors import ValidationError
from referrals.models import Referral, ReferralDocumentPurpose, ReferralPurpose
from safeguarding.models import Flag
from safeguarding.services.queue import case_current_level
from safeguarding.services.scales import agency_grade, current_scale_levels

# The person fields a sender may share, in the order the form and the snapshot show
# them. `age` is derived (from the date of birth or an estimate), so a sender can
# share how old someone is without their date of birth.
DISCLOSABLE_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "aliases",
    "date_of_birth",
    "age",
    "gender",
    "address",
    "phone",
    "email",
    "safe_to_phone",
    "safe_to_write",
    "safe_to_visit",
    "preferred_channel",
    "preferred_times",
    "safe_contact_notes",
    "language",
    "interpreter_needed",
    "adjustments",
)

# Enough to recognise the person and to reach them safely; no address by default,
# because a safe way to make contact matters more than where someone lives.
_IDENTIFY = ["first_name", "last_name", "age"]
_SAFE_CONTACT = [
    "phone",
    "safe_to_phone",
    "safe_to_write",
    "safe_to_visit",
    "preferred_channel",
    "preferred_times",
    "safe_contact_notes",
    "language",
    "interpreter_needed",
    "adjustments",
]
_DEFAULT_FIELDS: dict[str, list[str]] = {
    ReferralPurpose.SAFEGUARDING: [*_IDENTIFY, "date_of_birth", "gender", "address"],
    ReferralPurpose.STRATEGY_DISCUSSION: [*_IDENTIFY, "date_of_birth", "gender", "address"],
    ReferralPurpose.VICTIM_SUPPORT: [*_IDENTIFY, *_SAFE_CONTACT],
    ReferralPurpose.FAMILY_SUPPORT: [*_IDENTIFY, *_SAFE_CONTACT],
    ReferralPurpose.SUSPECT_SUPPORT: [*_IDENTIFY, *_SAFE_CONTACT],
    ReferralPurpose.REQUEST_FOR_INFORMATION: list(_IDENTIFY),
}

_HUB_OR_CHILDRENS_SERVICES = frozenset({AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES})


def default_fields_for(purpose: str) -> list[str]:
    """The fields a new referral for `purpose` shares of each party unless the
    sender changes them: the least that lets the receiver act."""
    chosen = set(_DEFAULT_FIELDS.get(purpose, _IDENTIFY))
    return [name for name in DISCLOSABLE_FIELDS if name in chosen]


def purpose_fits(agency: Agency, purpose: str) -> bool:
    """Whether `agency` is the kind of agency that takes referrals for `purpose`."""
    if purpose == ReferralPurpose.VICTIM_SUPPORT:
        return (
            agency.kind == AgencyKind.CHARITY
            and agency.charity_service == CharityService.VICTIM_SUPPORT
        )
    if purpose == ReferralPurpose.FAMILY_SUPPORT:
        return (
            agency.kind == AgencyKind.CHARITY
            and agency.charity_service == CharityService.FAMILY_SUPPORT
        )
    if purpose in (ReferralPurpose.SAFEGUARDING, ReferralPurpose.STRATEGY_DISCUSSION):
        return agency.kind in _HUB_OR_CHILDRENS_SERVICES
    if purpose == ReferralPurpose.SUSPECT_SUPPORT:
        return agency.kind in (AgencyKind.CHARITY, AgencyKind.POLICE)
    return purpose == ReferralPurpose.REQUEST_FOR_INFORMATION


_PURPOSE_RECEIVERS = {
    ReferralPurpose.VICTIM_SUPPORT: "a victim-support charity",
    ReferralPurpose.FAMILY_SUPPORT: "a family-support charity",
    ReferralPurpose.SAFEGUARDING: "a safeguarding hub or children's services",
    ReferralPurpose.STRATEGY_DISCUSSION: "a safeguarding hub or children's services",
    ReferralPurpose.SUSPECT_SUPPORT: "a charity or a police force",
}


def disclosure_check(
    *,
    to_agency: Agency,
    purpose: str,
    parties: Iterable[CaseParty],
    shared_fields: Mapping[str, Iterable[str]],
    suspect_details_reason: str,
) -> None:
    """Refuse a disclosure the receiver may not hold, naming the field to change.
    Every problem is reported at once."""
    parties = list(parties)
    errors: dict[str, list[str]] = {}

    if purpose in ReferralPurpose.values and not purpose_fits(to_agency, purpose):
        errors["to_agency"] = [
            f"A {ReferralPurpose(purpose).label.lower()} referral goes to "
            f"{_PURPOSE_RECEIVERS[purpose]}; choose another agency or purpose."
        ]

    compartments = {party.compartment for party in parties}
    party_errors: list[str] = []
    if Compartment.MATERIAL in compartments and to_agency.kind != AgencyKind.POLICE:
        party_errors.append("Nothing about the material may be shared outside the police.")
    if to_agency.kind == AgencyKind.CHARITY:
        service = to_agency.charity_service
        if service == CharityService.FAMILY_SUPPORT and Compartment.VICTIM in compartments:
            party_errors.append(
                "A family-support charity may not receive anything about victims; "
                "remove the victims from this referral."
            )
        if service == CharityService.VICTIM_SUPPORT:
            if Compartment.FAMILY in compartments:
                party_errors.append(
                    "A victim-support charity may not receive anything about a suspect's "
                    "family; remove the family members from this referral."
                )
            if Compartment.SUSPECT in compartments and not (suspect_details_reason or "").strip():
                errors["suspect_details_reason"] = [
                    "Say why the victim-support charity needs to know about the suspect, "
                    "or remove the suspect from this referral."
                ]
    if party_errors:
        errors["parties"] = party_errors

    chosen = {str(party.pk) for party in parties}
    field_errors: list[str] = []
    if not isinstance(shared_fields, Mapping):
        field_errors.append("Give the fields to share for each chosen person.")
    else:
        unknown: set[str] = set()
        for party_id, names in shared_fields.items():
            if str(party_id) not in chosen:
                field_errors.append("Share fields only of the people chosen for this referral.")
                continue
            if isinstance(names, str) or not isinstance(names, Iterable):
                field_errors.append("Give a list of field names for each person.")
                continue
            unknown.update(str(name) for name in names if name not in DISCLOSABLE_FIELDS)
        if unknown:
            field_errors.append(
                f"These cannot be shared: {', '.join(sorted(unknown))}. "
                f"Choose from: {', '.join(DISCLOSABLE_FIELDS)}."
            )
    if field_errors:
        errors["shared_fields"] = list(dict.fromkeys(field_errors))

    if errors:
        raise ValidationError(errors)


# --- The snapshot


def _field_value(person: Person, name: str, on_day):
    if name == "age":
        return age_on(person, on_day)
    value = getattr(person, name)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _shown_name(person: Person, fields: list[str], fallback: str) -> str:
    shown = " ".join(
        getattr(person, name) for name in ("first_name", "last_name") if name in fields
    ).strip()
    return shown or fallback


def _risk(referral: Referral) -> dict | None:
    if not referral.share_risk:
        return None
    level = case_current_level(referral.case)
    _, scale_levels = current_scale_levels(referral.from_agency_id)
    return {"shared_level": level, "sender_grade": agency_grade(scale_levels, level)}


def _flags(referral: Referral, shown: dict) -> list[dict]:
    if not referral.share_flags or not shown:
        return []
    live = (
        Flag.objects.filter(person_id__in=list(shown), cleared_at__isnull=True)
        .order_by("raised_at", "id")
        .only("kind", "reason", "person_id")
    )
    return [
        {
            "kind": flag.kind,
            "label": flag.get_kind_display(),
            "person": shown[flag.person_id][0],
            "party_id": shown[flag.person_id][1],
            "reason": flag.reason,
        }
        for flag in live
    ]


def _documents(referral: Referral) -> list[dict]:
    """The documents shared with the disclosure: each already a copy of its own
    (`referrals.services.disclosure_documents`), so this list names exactly what
    the receiver may download."""
    shared = referral.documents.filter(purpose=ReferralDocumentPurpose.DISCLOSURE).order_by(
        "uploaded_at", "id"
    )
    return [
        {
            "id": str(document.pk),
            "title": document.title,
            "original_name": document.original_name,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        }
        for document in shared
    ]


def disclosure_build(referral: Referral) -> dict:
    """The snapshot the receiver will see, as plain JSON: the chosen parties' chosen
    fields as they are now, the summary, the risk and flags if shared, and the
    lawful basis and consent. Called once, when the referral is sent; it is never
    rebuilt, so later changes to the case do not reach the receiver."""
    sent_at = referral.sent_at or timezone.now()
    on_day = timezone.localtime(sent_at).date()
    sender = referral.sent_by or referral.created_by
    parties = sorted(
        referral.parties.select_related("person"),
        key=lambda party: (party.created_at, str(party.pk)),
    )
    shown_parties = []
    # person id -> (how the flags name them, party id)
    shown: dict = {}
    for party in parties:
        wanted = set(referral.shared_fields.get(str(party.pk), []))
        names = [name for name in DISCLOSABLE_FIELDS if name in wanted]
        shown_parties.append(
            {
                "party_id": str(party.pk),
                "role": party.role,
                "role_label": party.get_role_display(),
                "fields": {name: _field_value(party.person, name, on_day) for name in names},
            }
        )
        shown.setdefault(
            party.person_id,
            (_shown_name(party.person, names, party.get_role_display()), str(party.pk)),
        )
    return {
        "sent_at": sent_at.isoformat(),
        "from_agency": {"slug": referral.from_agency.slug, "name": referral.from_agency.name},
        "to_agency": {"slug": referral.to_agency.slug, "name": referral.to_agency.name},
        "to_team": referral.to_team.name if referral.to_team_id else None,
        "sender": {"full_name": sender.get_full_name() or sender.get_username()},
        "purpose": referral.purpose,
        "urgency": referral.urgency,
        "case_reference": referral.case.reference,
        "summary": referral.summary_for_receiver,
        "parties": shown_parties,
        "risk": _risk(referral),
        "flags": _flags(referral, shown),
        "lawful_basis": referral.lawful_basis,
        "sensitive_condition": referral.sensitive_condition,
        "consent": {
            "status": referral.consent_status,
            "given_on": (
                referral.consent_given_on.isoformat() if referral.consent_given_on else None
            ),
            "how": referral.consent_how,
            "given_by": referral.consent_given_by,
            "reason": referral.consent_reason,
        },
        "suspect_details_reason": referral.suspect_details_reason,
        "documents": _documents(referral),
    }
