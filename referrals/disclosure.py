"""What a referral discloses, and whether the receiver may hold it.

A partner never sees the live case: it sees the snapshot `disclosure_build` fixes
when the referral is sent. `disclosure_check` decides, before anything is sent,
whether that snapshot would put in the receiver's hands something the receiver's
kind may never hold. The walls are the access policy's
(`agencies.access.compartments_for_agency`: nothing from the material compartment
outside the police, nothing about victims to a family-support charity, nothing
about suspects or their families to a victim-support charity), with one exception
of the disclosure's own: a victim-support charity may hear of a suspect when the
referrer writes down why it is needed. The purpose must be one the receiver
exists for (`PURPOSES`).
"""

from collections.abc import Iterable, Mapping

from django.utils import timezone

from agencies.access import compartments_for_agency
from agencies.models import Agency, CharityService, Compartment
from cases.models import CaseParty, Person
from cases.models.person import PERSON_FIELDS_WITH_AGE
from cases.selectors import age_on
from common.errors import ValidationError
from referrals.models import (
    PURPOSES,
    Referral,
    ReferralDocumentPurpose,
    ReferralPurpose,
    purpose_fits,
)
from safeguarding.models import Flag
from safeguarding.services.queue import case_current_level
from safeguarding.services.scales import agency_grade, current_scale_levels

# The person fields a sender may share, in the order the form and the snapshot show
# them: the one list of person fields, with the estimate as a derived `age`, so a
# sender can share how old someone is without their date of birth.
DISCLOSABLE_FIELDS: tuple[str, ...] = PERSON_FIELDS_WITH_AGE

# --- The walls, as the refusal words them

# How a receiver whose kind walls off compartments is named.
_RECEIVER_NAMES: dict[str, str] = {
    CharityService.VICTIM_SUPPORT: "victim-support charity",
    CharityService.FAMILY_SUPPORT: "family-support charity",
}
# For each compartment a receiver may not hold: what it is about, and whom to remove.
_WALLED: dict[str, tuple[str, str]] = {
    Compartment.VICTIM: ("victims", "the victims"),
    Compartment.FAMILY: ("a suspect's family", "the family members"),
    Compartment.SUSPECT: ("suspects", "the suspects"),
}
_ORDER: list[str] = list(Compartment)


def _wall_errors(
    to_agency: Agency, compartments: set[str], suspect_details_reason: str
) -> dict[str, list[str]]:
    """What the receiver's kind may not hold of these compartments, by field."""
    walled = compartments - compartments_for_agency(to_agency)
    receiver = _RECEIVER_NAMES.get(to_agency.charity_service, to_agency.name)
    errors: dict[str, list[str]] = {}
    party_errors: list[str] = []
    if Compartment.SUSPECT in walled and (suspect_details_reason or "").strip():
        walled.discard(Compartment.SUSPECT)  # the one exception: a stated reason
    # The material first, then in the order of the compartments.
    for compartment in sorted(walled, key=lambda c: (c != Compartment.MATERIAL, _ORDER.index(c))):
        if compartment == Compartment.MATERIAL:
            party_errors.append("Nothing about the material may be shared outside the police.")
        elif compartment == Compartment.SUSPECT:
            errors["suspect_details_reason"] = [
                f"Say why the {receiver} needs to know about the suspect, "
                "or remove the suspect from this referral."
            ]
        else:
            label = Compartment(compartment).label.lower()
            about, whom = _WALLED.get(compartment, (label, f"the {label} records"))
            party_errors.append(
                f"A {receiver} may not receive anything about {about}; "
                f"remove {whom} from this referral."
            )
    if party_errors:
        errors["parties"] = party_errors
    return errors


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
            f"{PURPOSES[purpose].receivers_text}; choose another agency or purpose."
        ]
    errors.update(
        _wall_errors(to_agency, {party.compartment for party in parties}, suspect_details_reason)
    )
    field_errors = _shared_field_errors({str(party.pk) for party in parties}, shared_fields)
    if field_errors:
        errors["shared_fields"] = field_errors
    if errors:
        raise ValidationError(errors)


def _shared_field_errors(chosen: set[str], shared_fields: object) -> list[str]:
    """What is wrong with the fields chosen to share: only disclosable fields of the
    people chosen, as a list for each."""
    if not isinstance(shared_fields, Mapping):
        return ["Give the fields to share for each chosen person."]
    field_errors: list[str] = []
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
    return list(dict.fromkeys(field_errors))


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
        "to_team": referral.to_team.name if referral.to_team else None,
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
