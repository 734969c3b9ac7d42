"""Reads of the support owed to suspects' families: per suspect, their family and
the children in their household, the family packs, the family duties, and the
case's family-support and safeguarding referrals. Only for readers cleared for
the family compartment; a fixed number of queries however large the family."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from agencies import access
from agencies.models import AgencyKind, CharityService, Compartment
from cases.models import Case, CaseParty, InvestigationEvent, PartyRole
from cases.selectors import party_list
from common.errors import NotFound
from referrals.models import Referral, ReferralPurpose, ReferralState
from referrals.selectors import referral_list_for_case, referral_scope_qs
from welfare.models import (
    FAMILY_DUTIES,
    REFERRAL_DUTIES,
    Duty,
    DutyKind,
    DutyStatus,
    FamilyPack,
)
from welfare.selectors.duties import case_duty_list, duty_get_from, duty_scope

FAMILY_REFERRAL_PURPOSES = (ReferralPurpose.FAMILY_SUPPORT, ReferralPurpose.SAFEGUARDING)


@dataclass
class SuspectFamily:
    suspect: CaseParty
    family_members: list[CaseParty] = field(default_factory=list)
    children: list[CaseParty] = field(default_factory=list)
    packs: list[FamilyPack] = field(default_factory=list)
    duties: list[Duty] = field(default_factory=list)

    @property
    def open_duties(self) -> list[Duty]:
        return [duty for duty in self.duties if duty.status == DutyStatus.OPEN]


@dataclass
class FamilySupport:
    case: Case
    suspects: list[SuspectFamily]
    referrals: list[Referral]

    @property
    def open_duties(self) -> list[Duty]:
        return [duty for family in self.suspects for duty in family.open_duties]


def family_access_check(actor: User, case: Case) -> bool:
    return access.can(actor, "welfare.family.view", case) and access.is_cleared_for(
        actor, Compartment.FAMILY
    )


def family_pack_list(*, actor: User, case: Case) -> QuerySet[FamilyPack]:
    if not family_access_check(actor, case):
        return FamilyPack.objects.none()
    return (
        FamilyPack.objects.filter(case_id=case.pk, case__owning_agency_id=case.owning_agency_id)
        .select_related("given_by", "recorded_by", "event")
        .order_by("-created_at")
    )


def family_support_get(
    *,
    actor: User,
    case: Case,
    with_packs: bool = True,
    with_referrals: bool = True,
    parties: Iterable[CaseParty] | None = None,
    duties: Iterable[Duty] | None = None,
) -> FamilySupport:
    """Everything about the support for this case's suspects' families that the
    reader may see. NotFound for a reader who may not see family support. The case
    page's summary leaves out the packs and referrals (the duties say enough), and
    passes what it has read already for every panel: the case's `parties` the reader
    may see (`cases.selectors.party_list`) and its `duties` (`duty_scope`, of any
    kind: the family's are kept)."""
    if not family_access_check(actor, case):
        raise NotFound()
    parties = list(party_list(actor=actor, case=case) if parties is None else parties)
    families = {
        party.pk: SuspectFamily(suspect=party)
        for party in parties
        if party.role == PartyRole.SUSPECT
    }
    for party in parties:
        family = families.get(party.related_to_id) if party.related_to_id else None
        if family is None:
            continue
        if party.role == PartyRole.FAMILY_MEMBER:
            family.family_members.append(party)
        elif party.role == PartyRole.CHILD_IN_HOUSEHOLD:
            family.children.append(party)
    packs = family_pack_list(actor=actor, case=case) if with_packs else []
    for pack in packs:
        if pack.suspect_id in families:
            families[pack.suspect_id].packs.append(pack)
    if duties is None:
        duties = case_duty_list(actor=actor, case=case, kinds=FAMILY_DUTIES)
    for duty in duties:
        if duty.kind in FAMILY_DUTIES and duty.party_id in families:
            families[duty.party_id].duties.append(duty)
    referrals = (
        list(
            referral_list_for_case(actor=actor, case=case)
            .filter(purpose__in=FAMILY_REFERRAL_PURPOSES)
            .select_related("to_agency")
        )
        if with_referrals
        else []
    )
    return FamilySupport(case=case, suspects=list(families.values()), referrals=referrals)


def referral_duty_get_for_actor(*, actor: User, duty_id: UUID | str) -> Duty:
    """A duty that a referral meets, that the reader may act on; NotFound otherwise."""
    duties = (
        duty_scope(actor, action="welfare.duty.meet")
        .filter(kind__in=sorted(REFERRAL_DUTIES))
        .select_related("case__owning_agency", "party__person", "party__related_to")
    )
    return duty_get_from(actor=actor, duties=duties, duty_id=duty_id)


def _eligible_q(duty: Duty) -> Q:
    """The referrals that meet this duty (the rules of
    `welfare.services.duty_referral.referral_fit_check`, as a query): sent, of the
    duty's purpose, to the kind of agency that serves it, about its person."""
    if duty.kind == DutyKind.VICTIM_SUPPORT_REFERRAL:
        return Q(
            purpose=ReferralPurpose.VICTIM_SUPPORT,
            to_agency__kind=AgencyKind.CHARITY,
            to_agency__charity_service=CharityService.VICTIM_SUPPORT,
            parties=duty.party_id,
        )
    if duty.kind == DutyKind.FAMILY_SUPPORT_OFFER:
        return Q(
            purpose=ReferralPurpose.FAMILY_SUPPORT,
            to_agency__kind=AgencyKind.CHARITY,
            to_agency__charity_service=CharityService.FAMILY_SUPPORT,
        ) & (Q(parties=duty.party_id) | Q(parties__related_to=duty.party_id))
    return Q(
        purpose=ReferralPurpose.SAFEGUARDING,
        to_agency__kind__in=[AgencyKind.SAFEGUARDING_HUB, AgencyKind.CHILDRENS_SERVICES],
        parties__role=PartyRole.CHILD_IN_HOUSEHOLD,
        parties__related_to=duty.party_id,
    )


def referral_eligible_list(*, actor: User, duty: Duty) -> list[Referral]:
    """The case's sent referrals that would meet this duty, for the form's choices."""
    if duty.kind not in REFERRAL_DUTIES:
        return []
    eligible = (
        referral_list_for_case(actor=actor, case=duty.case)
        .exclude(state__in=[ReferralState.DRAFT, ReferralState.WITHDRAWN])
        .filter(pk__in=Referral.objects.filter(_eligible_q(duty)).values("pk"))
        .select_related("to_agency")
    )
    return list(eligible)


def family_suspect_get_for_actor(
    *, actor: User, case: Case, suspect_id: UUID | str | None
) -> CaseParty | None:
    """A party of this case that the reader may see, whose family a pack is for; None
    when there is none (the service then names the field)."""
    if not suspect_id:
        return None
    return party_list(actor=actor, case=case).filter(pk=suspect_id).first()


def family_event_get_for_actor(
    *, actor: User, case: Case, event_id: UUID | str | None
) -> InvestigationEvent | None:
    """An arrest or search recorded on this case that the reader may see; None when
    there is no such event (the service then names the field)."""
    if not event_id or not access.can(actor, "cases.event.view", case):
        return None
    try:
        return (
            InvestigationEvent.objects.filter(case_id=case.pk, pk=event_id)
            .select_related("suspect")
            .first()
        )
    except (ValueError, TypeError):
        return None


def family_referral_get_for_actor(
    *, actor: User, referral_id: UUID | str | None
) -> Referral | None:
    """A referral the reader's agency sent or received; None when there is none."""
    if not referral_id:
        return None
    try:
        return (
            referral_scope_qs(actor)
            .filter(pk=referral_id)
            .select_related("to_agency", "case")
            .prefetch_related("parties")
            .first()
        )
    except (ValueError, TypeError):
        return None
