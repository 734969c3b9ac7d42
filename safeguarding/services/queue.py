"""The work queue: each open case's current level, its action due date, and its
first action. Kept up to date by the services that change them, so that reading
the queue is one indexed query."""

from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies.working_days import add_working_days
from cases.models import Case, CaseTransfer
from cases.services.common import case_action_require, case_open_require, log_case_access
from common.errors import InvalidState, ValidationError
from safeguarding.models import (
    LEVEL_RANK,
    Assessment,
    CasePriority,
    FirstAction,
    RiskScaleLevel,
    SharedLevel,
)
from safeguarding.services.scales import action_targets, agency_grade, current_scale_levels


def _received_moment(case: Case) -> datetime:
    # A case received on a day counts from that day's start of work.
    return timezone.make_aware(datetime.combine(case.received_on, time(9, 0)))


def case_current_level(case: Case) -> str:
    latest = (
        Assessment.objects.filter(case=case)
        .order_by("-assessed_at", "-id")
        .only("computed_level", "override_level")
        .first()
    )
    return latest.level if latest else SharedLevel.UNKNOWN


def priority_refresh(
    case: Case,
    *,
    targets: dict[str, Any] | None = None,
    scale_levels: list[RiskScaleLevel] | None = None,
) -> CasePriority:
    """Recompute one case's place in the queue. Called inside the transaction of
    whatever changed it."""
    level = case_current_level(case)
    targets = targets if targets is not None else action_targets(case.owning_agency_id)
    if scale_levels is None:
        _, scale_levels = current_scale_levels(case.owning_agency_id)
    due = add_working_days(_received_moment(case), targets[level])
    priority, _ = CasePriority.objects.update_or_create(
        case=case,
        defaults={
            "agency_id": case.owning_agency_id,
            "level": level,
            "level_rank": LEVEL_RANK[level],
            "band": 0 if level == SharedLevel.CRITICAL else 1,
            "agency_grade": agency_grade(scale_levels, level),
            "received_on": case.received_on,
            "action_due_at": due,
        },
    )
    return priority


def priorities_refresh_for_agency(*, agency_id: UUID) -> int:
    """After an agency changes its targets or its scale: every waiting case moves."""
    targets = action_targets(agency_id)
    _, scale_levels = current_scale_levels(agency_id)
    waiting = Case.objects.filter(
        owning_agency_id=agency_id, status="open", first_action__isnull=True
    )
    count = 0
    for case in waiting.iterator():
        priority_refresh(case, targets=targets, scale_levels=scale_levels)
        count += 1
    return count


def on_case_opened(case: Case) -> None:
    """Registered with cases: a new case enters its agency's queue at `unknown`."""
    priority_refresh(case)


def on_case_transferred(*, case: Case, transfer: CaseTransfer, actor: User) -> None:
    """Registered with cases: a case another force accepted leaves the sender's queue
    for the receiver's, graded on the receiver's scale and due by its targets."""
    priority_refresh(case)


@transaction.atomic
def case_actioned(*, actor: User, case: Case, description: str) -> FirstAction:
    """The first action on a case takes it out of the queue."""
    case_action_require(actor, "safeguarding.case.action", case)
    case_open_require(case)
    if not description.strip():
        raise ValidationError({"description": ["Say what was done."]})
    if FirstAction.objects.filter(case=case).exists():
        raise InvalidState("The first action on this case is already recorded.", state="actioned")
    now = timezone.now()
    action = FirstAction.objects.create(
        case=case, description=description.strip(), done_by=actor, done_at=now
    )
    priority = priority_refresh(case)
    priority.actioned_at = now
    priority.save(update_fields=["actioned_at", "updated_at"])
    log_case_access(
        actor=actor,
        action="safeguarding.case.actioned",
        case=case,
        object_type="first_action",
        object_id=action.pk,
    )
    return action
