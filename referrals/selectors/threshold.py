"""Each child's threshold decision on a referral the caller already holds (found
through `referral_get_for_actor`, which scoped and logged the read): both sides read
them, named as the disclosure names the children."""

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.utils import timezone

from common.errors import NotFound
from referrals.models import Referral, ThresholdDecision
from referrals.models.threshold import THRESHOLD_ORDER
from referrals.services.threshold import threshold_child_names


@dataclass(frozen=True)
class ChildThreshold:
    """One child's decision as a page shows it."""

    row: ThresholdDecision
    name: str
    overdue: bool

    @property
    def decided(self) -> bool:
        return self.row.decided_at is not None


def threshold_decision_list(
    *, referral: Referral, now: datetime | None = None
) -> list[ChildThreshold]:
    """The referral's children, each with their decision owed or recorded, the
    soonest due first: one query, none for a referral that takes no decision."""
    if referral.threshold_due_at is None:
        return []
    now = now or timezone.now()
    rows = list(
        ThresholdDecision.objects.filter(referral=referral)
        .select_related("decided_by")
        .order_by(*THRESHOLD_ORDER)
    )
    if not rows:
        return []
    names = threshold_child_names(referral)
    return [
        ChildThreshold(
            row=row,
            name=names.get(str(row.child_id), "A child"),
            overdue=row.decided_at is None and row.due_at < now,
        )
        for row in rows
    ]


def threshold_decision_for_child(
    *, referral: Referral, child_id: UUID | str, now: datetime | None = None
) -> ChildThreshold:
    """One child's decision; NotFound for a child the referral is not about."""
    for child in threshold_decision_list(referral=referral, now=now):
        if str(child.row.child_id) == str(child_id):
            return child
    raise NotFound()
