"""Reads of victims' care, scoped to the reader: a police caseworker of the force
that owns the case, cleared for the victim compartment."""

from collections.abc import Iterable
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet

from agencies import access
from agencies.audit import access_list_record
from agencies.selectors import member_list_for_casework
from cases import selectors as case_selectors
from cases.models import Case, CaseParty, PartyRole
from cases.selectors import log_case_read
from common.errors import NotFound
from welfare.models import VICTIM_DUTIES, Duty, DutyKind, DutyStatus, VictimCare
from welfare.selectors.duties import case_duty_list, duty_scope

VIEW = "welfare.victim_care.view"


def victim_care_case_get(*, actor: User, case_id: UUID | str, action: str = VIEW) -> Case:
    """The case, for a reader who may see victims' care on it (404 otherwise)."""
    case = case_selectors.case_get_for_actor(actor=actor, case_id=case_id, log=False)
    if not access.can(actor, action, case):
        raise NotFound()
    return case


def victim_party_get(*, actor: User, case: Case, party_id: UUID | str) -> CaseParty:
    """A victim of the case the reader may see (404 for anyone else)."""
    if not access.can(actor, VIEW, case):
        raise NotFound()
    party = case_selectors.party_get_for_actor(actor=actor, case=case, party_id=party_id)
    if party.role != PartyRole.VICTIM:
        raise NotFound()
    return party


def victim_care_find(*, actor: User, party: CaseParty) -> VictimCare | None:
    if not access.can(actor, VIEW, party.case):
        raise NotFound()
    return (
        VictimCare.objects.filter(party=party, case__owning_agency_id=party.case.owning_agency_id)
        .select_related("point_of_contact")
        .first()
    )


def victim_list(
    *, actor: User, case: Case, parties: Iterable[CaseParty] | None = None
) -> list[CaseParty]:
    """The victims of the case the reader may see, each with `care` (or None).
    `parties`: the case's parties the reader may see, when the caller has read them
    already through `cases.selectors.party_list` (the case page)."""
    if not access.can(actor, VIEW, case):
        return []
    if parties is None:
        parties = case_selectors.party_list(actor=actor, case=case).filter(role=PartyRole.VICTIM)
    victims = [party for party in parties if party.role == PartyRole.VICTIM]
    if not victims:
        return []
    cares = {
        care.party_id: care
        for care in VictimCare.objects.filter(case=case, party__in=victims).select_related(
            "point_of_contact"
        )
    }
    for victim in victims:
        victim.care = cares.get(victim.pk)  # type: ignore[attr-defined]  # for the template
    return victims


def victim_duty_list(*, actor: User, case: Case) -> QuerySet[Duty]:
    return case_duty_list(actor=actor, case=case, kinds=VICTIM_DUTIES)


def point_of_contact_get_for_actor(*, actor: User, username: str) -> User | None:
    """A caseworker of the reader's own agency, by username, who might be a victim's
    named contact; None when there is none (the service then names the field)."""
    member = (
        member_list_for_casework(actor=actor)
        .filter(user__username=username)
        .select_related("user")
        .first()
    )
    return member.user if member else None


MEET = "welfare.duty.meet"


def victim_updates_owed_list(*, actor: User, party: CaseParty) -> list[Duty]:
    """The updates owed to this victim now that the reader may meet by a contact:
    open VICTIM_UPDATE duties of this party, in this case, in the order they fall
    due (each with its event, for what the contact tells them of). Nothing for a
    reader who may not meet duties on the case. The read is logged."""
    if not access.can(actor, MEET, party.case):
        return []
    owed = list(
        duty_scope(actor, action=MEET)
        .filter(
            case_id=party.case_id,
            party=party,
            kind=DutyKind.VICTIM_UPDATE,
            status=DutyStatus.OPEN,
        )
        .select_related("event")
        .order_by("due_at", "id")
    )
    access_list_record(actor=actor, records=owed)
    return owed


def duty_visible_find(*, actor: User, duty_id: UUID | str) -> Duty | None:
    """A duty the reader may see, to say why it cannot be met here; None for one
    that does not exist or is not theirs (the caller says the same for both)."""
    try:
        duty = duty_scope(actor).select_related("party__person", "case").filter(pk=duty_id).first()
    except (ValueError, TypeError, DjangoValidationError):
        return None
    if duty is not None:
        # Its kind and reason are shown in the refusal: a read, logged as any other.
        log_case_read(
            actor=actor,
            action="welfare.duty.viewed",
            case=duty.case,
            object_type="duty",
            object_id=duty.pk,
        )
    return duty


def contact_told_about_map(
    *, actor: User, contact_ids: Iterable[UUID | str]
) -> dict[UUID, list[Duty]]:
    """For each contact, the victim updates it met, with their events and the
    contact, in the order of the events: what the contact told the person of. One
    query for all of them, logged, of the duties the caller may see: an agency granted
    the case reads its contacts, not the owning force's duties."""
    ids = {contact_id for contact_id in contact_ids if contact_id}
    told: dict[UUID, list[Duty]] = {}
    if not ids:
        return told
    met = list(
        duty_scope(actor)
        .filter(contact_id__in=ids, kind=DutyKind.VICTIM_UPDATE, status=DutyStatus.MET)
        .select_related("event", "contact")
        .order_by("contact_id", "due_at", "id")
    )
    access_list_record(actor=actor, records=met)
    for duty in met:
        if duty.contact_id is not None:
            told.setdefault(duty.contact_id, []).append(duty)
    for duties in told.values():
        duties.sort(key=lambda duty: duty.event.occurred_at if duty.event else duty.created_at)
    return told
