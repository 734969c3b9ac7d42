"""Every read of safeguarding records a user can trigger, scoped in the database."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from agencies import access
from agencies.models import Agency, Membership, Team
from agencies.selectors import member_list_for_casework
from cases.models import Case
from cases.selectors import case_get_for_actor, visible_parties
from common.errors import NotFound
from safeguarding.filters import FlagFilter, QueueFilter, QueuePageFilter, filtered
from safeguarding.models import (
    Assessment,
    CasePriority,
    Flag,
    RiskScale,
    RiskScaleLevel,
    StrategyDiscussion,
    StrategyDiscussionChild,
)


def scale_list() -> QuerySet[RiskScale]:
    """Every agency's current scale: the vocabulary is not secret."""
    return (
        RiskScale.objects.filter(is_current=True)
        .select_related("agency")
        .prefetch_related(Prefetch("levels", queryset=RiskScaleLevel.objects.order_by("position")))
        .order_by("agency__name")
    )


def scale_current_for(agency: Agency) -> RiskScale | None:
    return scale_list().filter(agency=agency).first()


def assessment_list(*, actor: User, case: Case) -> QuerySet[Assessment]:
    if not access.can(actor, "safeguarding.assessment.view", case):
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(case=case, subject__in=visible_parties(actor))
        .select_related("subject__person", "assessor", "scale__agency", "superseded_by")
        .order_by("-assessed_at", "-id")
    )


def assessment_get_for_actor(*, actor: User, case: Case, assessment_id: UUID | str) -> Assessment:
    """One assessment of the case, with what it replaced and its scale's levels; the
    same NotFound for "does not exist" and "not yours"."""
    try:
        return (
            assessment_list(actor=actor, case=case)
            .select_related("supersedes")
            .prefetch_related("scale__levels")
            .get(pk=assessment_id)
        )
    except (Assessment.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound() from exc


def flag_list(
    *,
    actor: User,
    case: Case,
    include_cleared: bool = False,
    filters: Mapping[str, Any] | None = None,
) -> QuerySet[Flag]:
    """The flags of every person the user may see in this case, wherever they were
    raised: a flag follows the person. `filters`: the API's (`FlagFilter`);
    ValidationError naming each one that is wrong."""
    if not access.can(actor, "safeguarding.flag.view", case):
        flags = Flag.objects.none()
    else:
        persons = visible_parties(actor).filter(case=case).values("person_id")
        flags = Flag.objects.filter(person_id__in=persons)
        if not include_cleared:
            flags = flags.filter(cleared_at__isnull=True)
        flags = flags.select_related(
            "person", "party", "case__owning_agency", "raised_by", "cleared_by"
        ).order_by("-raised_at", "-id")
    if filters is None:
        return flags
    return filtered(FlagFilter(filters, queryset=flags))


def flag_get_for_actor(*, actor: User, case: Case, flag_id: UUID | str) -> Flag:
    try:
        return flag_list(actor=actor, case=case, include_cleared=True).get(pk=flag_id, case=case)
    except (Flag.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound() from exc


def strategy_discussion_list(*, actor: User, case: Case) -> QuerySet[StrategyDiscussion]:
    """The case's strategy discussions about a child the actor may see, newest first
    (by the `strategy_case_when` index), each with `visible_decisions`: its
    children's rows the actor may see, in one more query for the page."""
    if not access.can(actor, "safeguarding.strategy.view", case):
        return StrategyDiscussion.objects.none()
    parties = visible_parties(actor)
    return (
        StrategyDiscussion.objects.filter(
            case=case,
            pk__in=StrategyDiscussionChild.objects.filter(child__in=parties).values(
                "discussion_id"
            ),
        )
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=StrategyDiscussionChild.objects.filter(child__in=parties)
                .select_related("child__person", "decided_by")
                .order_by("child__created_at", "id"),
                to_attr="visible_decisions",
            )
        )
        .order_by("-created_at", "-id")
    )


def strategy_discussion_get_for_actor(
    *, actor: User, case: Case, discussion_id: UUID | str
) -> StrategyDiscussion:
    """One strategy discussion of the case; the same NotFound for "does not exist"
    and "not yours"."""
    try:
        return strategy_discussion_list(actor=actor, case=case).get(pk=discussion_id)
    except (StrategyDiscussion.DoesNotExist, ValueError, ValidationError) as exc:
        raise NotFound() from exc


def strategy_discussion_get(
    *, actor: User, discussion_id: UUID | str, action: str = "safeguarding.strategy.view"
) -> StrategyDiscussion:
    """One strategy discussion by its id alone: its case read through the case's scope
    for `action` first (404 when out of scope), then the discussion as the case's
    list shows it."""
    try:
        case_id = (
            StrategyDiscussion.objects.filter(pk=discussion_id)
            .values_list("case_id", flat=True)
            .first()
        )
    except (ValueError, ValidationError) as exc:
        raise NotFound() from exc
    if case_id is None:
        raise NotFound()
    case = case_get_for_actor(actor=actor, case_id=case_id, action=action, log=False)
    return strategy_discussion_get_for_actor(actor=actor, case=case, discussion_id=discussion_id)


def case_priority_get(*, case: Case) -> CasePriority | None:
    """The case's place in its agency's work queue, if it has one (the caller has
    checked that the reader may see the case's risk)."""
    return CasePriority.objects.filter(case=case).first()


# The queue's order: stored columns, ending in the case (one entry each), that the
# `queue_order` index holds in this order (ADR 0013). `band` is 0 for a critical case,
# 1 for any other: critical cases always come first.
QUEUE_ORDER = ("band", "action_due_at", "level_rank", "received_on", "case_id")


def queue_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | None = None,
    page_choices: tuple[list[Team], list[Membership]] | None = None,
) -> QuerySet[CasePriority]:
    """The caller's agency's open cases waiting for a first action: critical first,
    then by action due date (so a low case past its target rises above a new high
    one), then by level, then by date received. One query, served by the index.
    `filters`: the API's (`QueueFilter`), or with `page_choices` (the teams and lead
    officers the page offers) the page's (`QueuePageFilter`); ValidationError naming
    each one that is wrong."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "safeguarding.queue.view"):
        entries = CasePriority.objects.none()
    else:
        entries = CasePriority.objects.filter(
            agency_id=membership.agency_id, actioned_at__isnull=True, case__status="open"
        )
    if page_choices is not None:
        teams, leads = page_choices
        entries = filtered(
            QueuePageFilter(filters or None, queryset=entries, teams=teams, leads=leads)
        )
    elif filters is not None:
        leads_queryset = member_list_for_casework(actor=actor)
        entries = filtered(QueueFilter(filters, queryset=entries, leads=leads_queryset))
    # Child protection deadlines show in the queue too, in the same query.
    outstanding = StrategyDiscussionChild.objects.filter(
        discussion__case_id=OuterRef("case_id"), section_47_started=True
    )
    entries = entries.annotate(
        conference_due_at=Subquery(
            outstanding.filter(conference_held_on__isnull=True)
            .order_by("conference_due_at")
            .values("conference_due_at")[:1]
        ),
        assessment_due_at=Subquery(
            outstanding.filter(assessment_completed_on__isnull=True)
            .order_by("assessment_due_at")
            .values("assessment_due_at")[:1]
        ),
    )
    return entries.select_related("case", "case__lead_officer", "case__team").order_by(*QUEUE_ORDER)


def child_protection_deadlines(*, actor: User) -> QuerySet[StrategyDiscussionChild]:
    """Each child's outstanding section 47 deadlines, of discussions the caller's
    agency recorded or whose case it owns: the queue shows them beside the cases."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "safeguarding.strategy.view"):
        return StrategyDiscussionChild.objects.none()
    mine = Q(discussion__recorded_by__membership__agency_id=membership.agency_id) | Q(
        discussion__case__owning_agency_id=membership.agency_id
    )
    outstanding = Q(conference_held_on__isnull=True) | Q(assessment_completed_on__isnull=True)
    return (
        StrategyDiscussionChild.objects.filter(mine, outstanding, section_47_started=True)
        .filter(child__in=visible_parties(actor))
        .select_related("discussion__case", "child__person")
        .order_by("conference_due_at", "assessment_due_at", "id")
    )
