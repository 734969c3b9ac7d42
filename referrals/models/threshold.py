"""The threshold decision of a safeguarding hub or children's services, taken for
each child a safeguarding referral is about (Working Together to Safeguard
Children): each child's decision is owed from when the referral is sent, due
within one working day, and recorded once, with its own rationale."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import CaseParty
from referrals.models.referral import Referral, ThresholdDecisionKind

# How a referral's children are listed: the soonest due first, then in the order
# its disclosure lists them (the parties' order in the case).
THRESHOLD_ORDER = ("due_at", "child__created_at", "child_id")


class ThresholdDecision(models.Model):
    """One child's threshold decision on one referral. The row exists from when the
    referral is sent (its deadline stored then), owed until `decided_at` is set."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, related_name="threshold_decisions"
    )
    # One of the parties the referral names (its disclosure's), never another.
    child = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="+")
    due_at = models.DateTimeField()
    decision = models.CharField(
        max_length=32, choices=ThresholdDecisionKind.choices, blank=True, default=""
    )
    rationale = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "child"], name="threshold_one_per_child"),
            # Decided means all three: the decision, its rationale and its moment.
            models.CheckConstraint(
                condition=(
                    Q(decided_at__isnull=True, decision="", rationale="")
                    | (Q(decided_at__isnull=False) & ~Q(decision="") & ~Q(rationale=""))
                ),
                name="threshold_decided_whole",
            ),
        ]
        indexes = [
            # The sweep reads the children still owed a decision by their deadline.
            models.Index(
                fields=["due_at", "id"],
                name="threshold_open_due",
                condition=Q(decided_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_decision_display() if self.decision else "Owed"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None
