"""Every read of referrals a user can trigger, scoped by the access policy in the
database: the referring agency sees what it sent (drafts too), the receiving
agency what was sent to it (never a draft). Neither list is filtered in Python."""

from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Case as SqlCase
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from cases.models import Case
from cases.selectors import refused_owner_slug
from common.errors import NotFound, ValidationError
from referrals.models import Referral, ReferralEvent, ReferralState, Urgency
from referrals.selectors.sides import RECEIVER, referral_side_of

_RELATED = (
    "from_agency",
    "to_agency",
    "to_team",
    "created_by",
    "sent_by",
    "owner",
    "threshold_decision",
    "threshold_decision__decided_by",
    # The case's owner: the agency whose auditor sees who read its referrals.
    "case__owning_agency",
)
_URGENCY_RANK = SqlCase(
    When(urgency=Urgency.IMMEDIATE, then=Value(0)),
    When(urgency=Urgency.URGENT, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)
_WAITING_FOR_THRESHOLD = (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.IN_PROGRESS)


def referral_scope_qs(actor: User) -> QuerySet[Referral]:
    return access.referral_scope(actor, Referral.objects.all())


def _state_filter(referrals: QuerySet[Referral], state: str) -> QuerySet[Referral]:
    if not state:
        return referrals
    if state not in ReferralState.values:
        raise ValidationError({"state": [f"Choose one of: {', '.join(ReferralState.values)}."]})
    return referrals.filter(state=state)


def overdue_q(now) -> Q:
    """A deadline the receiver owes has passed: the decision or victim support on a
    referral waiting for one, a threshold decision not yet recorded, or an accepted
    referral gone stale."""
    return (
        Q(state=ReferralState.SENT, decision_due_at__lt=now)
        | Q(state=ReferralState.SENT, victim_support_due_at__lt=now)
        | Q(
            state__in=_WAITING_FOR_THRESHOLD,
            threshold_due_at__lt=now,
            threshold_decision__isnull=True,
        )
        | Q(state__in=[ReferralState.ACCEPTED, ReferralState.IN_PROGRESS], stale_at__lt=now)
    )


def referral_get_for_actor(*, actor: User, referral_id: UUID | str) -> Referral:
    """The same NotFound for "does not exist" and "not yours". Every read is logged,
    and so is every refusal."""
    try:
        referral = (referral_scope_qs(actor).select_related(*_RELATED)).get(pk=referral_id)
    except (Referral.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        access_denial_record(
            actor=actor,
            action="referrals.referral.viewed",
            object_type="referral",
            object_id=referral_id,
            object_agency_slug=refused_owner_slug(
                Referral, referral_id, "case__owning_agency__slug"
            ),
            justification="not found or out of scope",
        )
        raise NotFound() from exc
    membership = access.membership_of(actor)
    side = referral_side_of(actor, referral)
    relation = "receiving agency" if side == RECEIVER else "referring agency"
    access_read_record(
        actor=actor,
        action="referrals.referral.viewed",
        object_type="referral",
        object_id=referral.pk,
        object_agency_slug=referral.case.owning_agency.slug,
        justification=f"{relation} ({membership.agency.slug})",
    )
    return referral


def referral_inbox(*, actor: User, state: str = "") -> QuerySet[Referral]:
    """What was sent to the actor's agency: overdue first, then the most urgent,
    then the soonest due."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "referrals.referral.receive"):
        return Referral.objects.none()
    now = timezone.now()
    received = referral_scope_qs(actor).filter(to_agency_id=membership.agency_id)
    return (
        _state_filter(received, state)
        .select_related(*_RELATED)
        .annotate(
            overdue_rank=SqlCase(
                When(overdue_q(now), then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
            urgency_rank=_URGENCY_RANK,
        )
        .order_by("overdue_rank", "urgency_rank", "decision_due_at", "-sent_at", "id")
    )


def referral_sent(*, actor: User, state: str = "") -> QuerySet[Referral]:
    """What the actor's agency sent or is drafting, newest first."""
    membership = access.membership_of(actor)
    if membership is None:
        return Referral.objects.none()
    sent = referral_scope_qs(actor).filter(from_agency_id=membership.agency_id)
    return _state_filter(sent, state).select_related(*_RELATED).order_by("-created_at", "-id")


def referral_list_for_case(*, actor: User, case: Case) -> QuerySet[Referral]:
    """A case's referrals that the actor's agency sent or received, with their
    outcomes: the feedback the referrer sees on the case."""
    return (
        referral_scope_qs(actor)
        .filter(case_id=case.pk)
        .select_related(*_RELATED)
        .order_by("-created_at", "-id")
    )


def referral_events(*, referral: Referral) -> QuerySet[ReferralEvent]:
    """The referral's timeline, oldest first. Takes a referral already read through
    `referral_get_for_actor`."""
    return referral.events.select_related("by", "by_agency").order_by("at", "id")
