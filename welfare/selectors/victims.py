"""Reads of victims' care, scoped to the reader: a police caseworker of the force
that owns the case, cleared for the victim compartment."""

from collections.abc import Iterable
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import QuerySet

from agencies import access
from agencies.selectors import member_list_for_casework
from cases import selectors as case_selectors
from cases.models import Case, CaseParty, PartyRole
from common.errors import NotFound
from welfare.models import VICTIM_DUTIES, Duty, VictimCare
from welfare.selectors.duties import case_duty_list

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
