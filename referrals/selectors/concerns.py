"""The reads of a referral's urgent concerns, its message thread and the documents
that travel with it. Each takes a referral already read through
`referrals.selectors.referral_get_for_actor` (which answers NotFound to anyone on
neither side), asks the side again, scopes in the query, and logs the read."""

from typing import Any, TypeVar, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Model, Q, QuerySet

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from agencies.models import Membership, Role
from cases.models import Case
from common.errors import NotFound
from referrals.models import (
    Concern,
    ConcernState,
    Referral,
    ReferralDocument,
    ReferralDocumentPurpose,
    ReferralMessage,
    ReferralState,
)
from referrals.selectors.sides import RECEIVER, SENDER, referral_side_require

_CONCERN_RELATED = (
    "referral",
    "referral__case",
    "referral__from_agency",
    "referral__to_agency",
    "subject__person",
    "document",
    "raised_by",
    "raised_by_agency",
    "acknowledged_by",
    "flag",
    "contact",
)


M = TypeVar("M", bound=Model)


def _log_read(
    actor: User, referral: Referral, *, action: str, object_type: str, object_id: Any
) -> None:
    membership = cast(Membership, access.membership_of(actor))
    side = referral_side_require(actor, referral)
    relation = "receiving agency" if side == RECEIVER else "referring agency"
    access_read_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_agency_slug=referral.case.owning_agency.slug,
        justification=f"{relation} ({membership.agency.slug})",
    )


def _uuid_or_none(value: object) -> UUID | None:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except (TypeError, ValueError):
        return None


def _one_logged(
    actor: User,
    referral: Referral,
    records: QuerySet[M],
    record_id: object,
    *,
    action: str,
    object_type: str,
) -> M:
    """The one of `records` with this id, its read logged; NotFound for a missing or
    malformed id or one out of scope, and the refusal logged too."""
    pk = _uuid_or_none(record_id)
    found = records.filter(pk=pk).first() if pk else None
    if found is None:
        access_denial_record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=record_id,
            object_agency_slug=referral.case.owning_agency.slug,
            justification="not found or out of scope",
        )
        raise NotFound()
    _log_read(actor, referral, action=action, object_type=object_type, object_id=found.pk)
    return found


# --- Concerns


def concern_scope_for_referral(*, actor: User, referral: Referral) -> QuerySet[Concern]:
    """The receiving side sees every concern it raised on the referral; the sending
    side those in compartments its people are cleared for."""
    side = referral_side_require(actor, referral)
    concerns = Concern.objects.filter(referral_id=referral.pk)
    if side == SENDER:
        concerns = access.compartment_scope(actor, concerns)
    return concerns.select_related(*_CONCERN_RELATED).order_by("-raised_at", "-id")


def concern_list_for_referral(*, actor: User, referral: Referral) -> QuerySet[Concern]:
    concerns = concern_scope_for_referral(actor=actor, referral=referral)
    _log_read(
        actor,
        referral,
        action="referrals.concern.listed",
        object_type="referral",
        object_id=referral.pk,
    )
    return concerns


def concern_get_for_actor(*, actor: User, referral: Referral, concern_id: object) -> Concern:
    """One concern of the referral; the same NotFound for missing and out of scope.
    Logged, as is every refusal."""
    return _one_logged(
        actor,
        referral,
        concern_scope_for_referral(actor=actor, referral=referral),
        concern_id,
        action="referrals.concern.viewed",
        object_type="concern",
    )


def concern_list_for_case(*, actor: User, case: Case) -> QuerySet[Concern]:
    """The concerns that stand on a case the actor may read (`case` read through the
    cases selector): those on referrals of the actor's agency, or any on a case it
    owns, in compartments the actor is cleared for. A partner reads its concerns on
    its referral, never on the case."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "cases.case.view", case):
        return Concern.objects.none()
    mine = Q(case__owning_agency_id=membership.agency_id) | Q(
        referral__from_agency_id=membership.agency_id
    )
    # Joined to what the case page's panel shows of each (who raised it, whom it is
    # about, who acknowledged it), not to the referral and its case, which it links
    # to by key: eight joins fewer for the planner.
    return (
        access.compartment_scope(actor, Concern.objects.filter(case_id=case.pk))
        .filter(mine)
        .select_related("raised_by_agency", "subject__person", "acknowledged_by")
        .order_by("-raised_at", "-id")
    )


# Those who, whatever their team, answer for every concern their agency was sent.
_SUPERVISING_ROLES = frozenset({Role.POLICE_SUPERVISOR, Role.MASH_COORDINATOR})


def concern_list_awaiting_acknowledgement(*, actor: User) -> QuerySet[Concern]:
    """Urgent concerns on referrals the actor's agency sent that nobody has yet
    acknowledged, for those who answer for them: the case's lead officer, the
    referrer, the owning team, and supervisors. Soonest due first."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "referrals.concern.acknowledge"):
        return Concern.objects.none()
    waiting = Concern.objects.filter(
        state=ConcernState.RAISED, referral__from_agency_id=membership.agency_id
    )
    if membership.role not in _SUPERVISING_ROLES:
        theirs = (
            Q(case__lead_officer_id=actor.pk)
            | Q(referral__sent_by_id=actor.pk)
            | Q(referral__created_by_id=actor.pk)
        )
        if membership.team_id is not None:
            theirs |= Q(case__team_id=membership.team_id)
        waiting = waiting.filter(theirs)
    return (
        access.compartment_scope(actor, waiting)
        .select_related(*_CONCERN_RELATED)
        .order_by("acknowledge_due_at", "id")
    )


# --- The message thread


def message_list(*, actor: User, referral: Referral) -> QuerySet[ReferralMessage]:
    """The referral's thread, oldest first, for either side; logged as a read."""
    referral_side_require(actor, referral)
    if referral.state == ReferralState.DRAFT:
        return ReferralMessage.objects.none()
    _log_read(
        actor,
        referral,
        action="referrals.message.listed",
        object_type="referral",
        object_id=referral.pk,
    )
    return (
        ReferralMessage.objects.filter(referral_id=referral.pk)
        .select_related("author", "author_agency")
        .order_by("posted_at", "id")
    )


# --- Documents that travel with the referral


def disclosure_document_list(*, actor: User, referral: Referral) -> QuerySet[ReferralDocument]:
    """The documents shared with the disclosure: the receiver sees them once the
    referral is sent (never a draft's); the sender also while drafting."""
    referral_side_require(actor, referral)
    return (
        ReferralDocument.objects.filter(
            referral_id=referral.pk, purpose=ReferralDocumentPurpose.DISCLOSURE
        )
        .select_related("uploaded_by")
        .order_by("uploaded_at", "id")
    )


def disclosure_document_get_for_actor(
    *, actor: User, referral: Referral, document_id: UUID | str
) -> ReferralDocument:
    """One document of the disclosure (`disclosure_document_list`); NotFound if it
    is not one."""
    pk = _uuid_or_none(document_id)
    document = (
        disclosure_document_list(actor=actor, referral=referral).filter(pk=pk).first()
        if pk
        else None
    )
    if document is None:
        raise NotFound()
    return document


def referral_document_get_for_actor(
    *, actor: User, referral: Referral, document_id: object
) -> ReferralDocument:
    """A document of the referral the actor may download (a disclosure document, or
    the document of a concern the actor may see), with the download logged; the
    same NotFound for missing and out of scope."""
    visible_concerns = concern_scope_for_referral(actor=actor, referral=referral).values("pk")
    return _one_logged(
        actor,
        referral,
        ReferralDocument.objects.filter(referral_id=referral.pk).filter(
            Q(purpose=ReferralDocumentPurpose.DISCLOSURE)
            | Q(purpose=ReferralDocumentPurpose.CONCERN, concern__in=visible_concerns)
        ),
        document_id,
        action="referrals.document.downloaded",
        object_type="referral_document",
    )
