"""Urgent concerns: the receiver of a referral raises the alarm on it; the sending
side acknowledges it (`referrals.services.concern_answers`), and the acknowledged
concern may become a flag or a contact on the case.

    raised -> acknowledged

A concern is raised by the receiving side only, on a referral that has been sent
(a draft has reached nobody: 409). The sender's lead officer, the owning team and
its supervisors are told at once, marked urgent (the notification's kind begins
`referrals.urgent_`). Acknowledgement is due two clock hours after it was raised:
real elapsed time, across nights, weekends and the clock change, never working
days. The sweep (`referrals.deadlines.concern_escalations_sweep`) escalates it.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast
from uuid import UUID

from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.models import Membership
from agencies.selectors.supervision import supervisors_for_team
from cases.models import CaseParty
from cases.services import documents as document_services
from common.dates import when_text
from common.errors import InvalidState, ValidationError
from common.history import history_note
from referrals.models import (
    DEFAULT_COMPARTMENT_OF_KIND,
    FIXED_COMPARTMENT_KINDS,
    Concern,
    ConcernKind,
    Referral,
    ReferralDocument,
    ReferralDocumentPurpose,
    ReferralState,
)
from referrals.selectors import referral_locked_get
from referrals.selectors.sides import referral_side_require
from referrals.services.common import (
    RECEIVER,
    event_record,
    people_tell,
    referral_access_log,
    referrer_of,
)

# Clock hours, not working days: a risk to a child or to life does not wait.
ACKNOWLEDGE_WITHIN = timedelta(hours=2)
# Then every supervisor of the sending agency, when the supervisors have not acted.
ESCALATE_TO_ALL_AFTER = timedelta(hours=2)

# The notifications of a concern. A kind whose last part begins `urgent_` is shown
# marked "Urgent" wherever notifications are listed.
URGENT_CONCERN_RAISED = "referrals.urgent_concern_raised"
URGENT_CONCERN_ESCALATED = "referrals.urgent_concern_not_acknowledged"
URGENT_CONCERN_ESCALATED_TO_ALL = "referrals.urgent_concern_escalated"
CONCERN_ACKNOWLEDGED = "referrals.concern_acknowledged"


def concern_link(concern: Concern) -> str:
    return reverse("referral-concern-page", args=[concern.referral_id, concern.pk])


def acknowledge_due_at_compute(raised_at: datetime) -> datetime:
    """Two hours of real time on. The sum is made in UTC: adding hours to a local
    wall-clock time would be an hour out across the clock change."""
    return raised_at.astimezone(UTC) + ACKNOWLEDGE_WITHIN


def escalate_to_all_at_compute(concern: Concern) -> datetime:
    return concern.acknowledge_due_at.astimezone(UTC) + ESCALATE_TO_ALL_AFTER


# --- Who answers for a concern


@dataclass(frozen=True)
class ConcernPeople:
    """The sending side's people for one referral: told at once (`told`), then the
    supervisors when two hours pass, then every supervisor of the agency."""

    responsible: list[User]
    team: list[User]
    supervisors: list[User]
    all_supervisors: list[User]

    @property
    def told(self) -> list[User]:
        return _unique([*self.responsible, *self.team, *self.supervisors])


def _unique(users: Iterable[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def _sending_team_id(referral: Referral) -> UUID | None:
    """The team that answers for the referral: the case's team when the sender owns
    the case, else the referrer's own team (a hub referring on a granted case)."""
    case = referral.case
    if case.owning_agency_id == referral.from_agency_id and case.team_id:
        return case.team_id
    referrer = referrer_of(referral)
    membership = Membership.objects.filter(user_id=referrer.pk).only("team_id").first()
    return membership.team_id if membership else None


def concern_people(referral: Referral) -> ConcernPeople:
    """The sender's lead officer (the case's, when the sender owns the case) and the
    referrer; the members of the owning team who may acknowledge; its supervisors;
    and every supervisor of the sending agency."""
    case = referral.case
    agency = referral.from_agency
    lead = case.lead_officer if case.owning_agency_id == agency.pk else None
    team_id = _sending_team_id(referral)
    team: list[User] = []
    if team_id is not None:
        team = [
            membership.user
            for membership in Membership.objects.filter(
                agency_id=agency.pk,
                team_id=team_id,
                user__is_active=True,
                role__in=access.CAPABILITIES["referrals.concern.acknowledge"],
            )
            .select_related("user")
            .order_by("user__username")
        ]
    supervisors = supervisors_for_team(
        agency_id=agency.pk, agency_kind=agency.kind, team_id=team_id, exclude_user_id=None
    )
    everyone = supervisors_for_team(
        agency_id=agency.pk, agency_kind=agency.kind, team_id=None, exclude_user_id=None
    )
    return ConcernPeople(
        responsible=_unique([lead, referrer_of(referral)]),
        team=_unique(team),
        supervisors=_unique(supervisors),
        all_supervisors=_unique(everyone),
    )


# --- Raising


def concern_compartment(kind: str, subject: CaseParty | None) -> str:
    """Where the concern stands on the case (stated in `referrals.models.concerns`):
    a risk to a child is child safeguarding and an offender account the suspect's,
    whoever they name; otherwise the compartment of the person named, or of the
    kind when nobody is."""
    if kind in FIXED_COMPARTMENT_KINDS or subject is None:
        return DEFAULT_COMPARTMENT_OF_KIND[kind]
    return subject.compartment


def _disclosed_party(referral: Referral, subject_id: UUID | str) -> CaseParty | None:
    """A person the referral disclosed to the receiver, by party id; None for any
    other id, so the receiver can name only someone it was told about."""
    disclosed = {
        str(party.get("party_id")) for party in (referral.disclosure or {}).get("parties", [])
    }
    if str(subject_id) not in disclosed:
        return None
    return referral.parties.filter(pk=subject_id).first()


@transaction.atomic
def concern_raise(
    *,
    actor: User,
    referral: Referral,
    kind: str,
    heard: str,
    heard_at: datetime | None,
    heard_from: str,
    subject_id: UUID | str | None = None,
    uploaded_file: UploadedFile | None = None,
) -> Concern:
    """Raise an urgent concern on a referral the actor's agency received. Refused
    with NotFound off either side of it, InvalidState (409) for the sending side
    or a draft, ValidationError naming each bad field, FileTooLarge (413) or
    UnsupportedFileType (415) for the document; nothing is stored when refused."""
    locked = referral_locked_get(referral)
    side = referral_side_require(actor, locked)
    # Any referral that reached the receiver: what it hears after declining or
    # completing one may be the most urgent of all.
    if locked.state == ReferralState.DRAFT:
        raise InvalidState(
            "A draft referral has reached nobody: an urgent concern is raised by its "
            "receiver once it is sent.",
            state=locked.state,
        )
    if side != RECEIVER:
        raise InvalidState(
            "Only the receiving agency raises an urgent concern on a referral; the "
            "referring agency acknowledges it.",
            state=locked.state,
        )
    access.require(actor, "referrals.concern.raise")
    membership = cast(Membership, access.membership_of(actor))
    now = timezone.now()
    subject = _disclosed_party(locked, subject_id) if subject_id else None
    concern = Concern(
        referral=locked,
        case_id=locked.case_id,
        kind=kind,
        subject=subject,
        heard=heard,
        heard_at=cast(datetime, heard_at),  # None is refused by Concern.clean
        heard_from=heard_from,
        raised_by=actor,
        raised_by_agency_id=membership.agency_id,
        raised_at=now,
        acknowledge_due_at=acknowledge_due_at_compute(now),
    )
    # Its own rules (`Concern.clean`), then the one that spans records: only a
    # person the referral disclosed may be named.
    errors: dict[str, list[str]] = {}
    try:
        concern.full_clean(
            exclude=[*Concern.CLEANED_FIELDS, "compartment"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as refused:
        errors.update(refused.message_dict)
    if subject_id and subject is None:
        errors["subject"] = ["Choose one of the people named in the referral."]
    if uploaded_file is not None:
        # The size first (413, before reading), then the fields, then the content.
        document_services.document_size_check(uploaded_file)
    if errors:
        raise ValidationError(errors)
    content_type = sha256 = ""
    if uploaded_file is not None:
        content_type, sha256 = document_services.document_content_judge(uploaded_file)
    stored_name = document_services.document_file_store(uploaded_file) if uploaded_file else ""
    try:
        with transaction.atomic():
            document = None
            if uploaded_file is not None:
                name = document_services.document_name_clean(uploaded_file.name)
                document = ReferralDocument.objects.create(
                    referral=locked,
                    purpose=ReferralDocumentPurpose.CONCERN,
                    title=name,
                    original_name=name,
                    stored_name=stored_name,
                    content_type=content_type,
                    size=uploaded_file.size,  # type: ignore[misc]  # an upload has a size
                    sha256=sha256,
                    uploaded_by=actor,
                    uploaded_at=now,
                )
            concern.compartment = concern_compartment(kind, subject)
            concern.document = document
            concern.full_clean()
            history_note(concern, actor=actor, reason="urgent concern raised")
            concern.save()
    except BaseException:
        if stored_name:
            default_storage.delete(stored_name)
        raise
    event_record(
        locked,
        actor=actor,
        action="concern_raised",
        from_state=locked.state,
        note=f"Urgent concern: {ConcernKind(kind).label.lower()}.",
        at=now,
    )
    referral_access_log(
        actor=actor,
        referral=locked,
        action="referrals.concern.raised",
        note=f"concern {concern.pk}; {kind}; compartment {concern.compartment}",
    )
    # No personal details: what kind of thing, from which agency, and by when.
    people_tell(
        concern_people(locked).told,
        actor=actor,
        kind=URGENT_CONCERN_RAISED,
        message=(
            f"Urgent: {membership.agency.name} has raised a concern on a referral your "
            f"agency sent. Acknowledge it by {when_text(concern.acknowledge_due_at)}."
        ),
        link=concern_link(concern),
        dedupe_key=f"concern:{concern.pk}:raised",
    )
    return concern
