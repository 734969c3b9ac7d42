from django.conf import settings
from django.db import models

from agencies.models import Agency
from cases.models import Case
from safeguarding.models.levels import SharedLevel


class ActionTarget(models.Model):
    """How many working days an agency gives itself to first act on a case at each
    shared level."""

    DEFAULTS: dict[str, int] = {
        SharedLevel.CRITICAL: 1,
        SharedLevel.HIGH: 5,
        SharedLevel.UNKNOWN: 5,
        SharedLevel.MEDIUM: 10,
        SharedLevel.LOW: 20,
    }

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="action_targets")
    level = models.CharField(max_length=16, choices=SharedLevel.choices)
    working_days = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "level"], name="action_target_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.level}: {self.working_days} working days"


def target_levels() -> list[SharedLevel]:
    """The shared levels an agency sets a target for, in the order its targets are
    asked and shown (that of `ActionTarget.DEFAULTS`)."""
    return [SharedLevel(level) for level in ActionTarget.DEFAULTS]


class CasePriority(models.Model):
    """A case's place in its agency's work queue, kept up to date by the services
    that change it (case opened, assessment recorded, first action, target changed),
    so that the queue is one indexed query."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="priority")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=16, choices=SharedLevel.choices)
    level_rank = models.PositiveSmallIntegerField()
    # 0 for critical, 1 for everything else: critical cases always come first.
    band = models.PositiveSmallIntegerField()
    agency_grade = models.CharField(max_length=60, blank=True, default="")
    received_on = models.DateField()
    action_due_at = models.DateTimeField()
    actioned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # The queue's order (`safeguarding.selectors.QUEUE_ORDER`), ending in the case (one
    # entry each), so that a page is read from this index in order with nothing to
    # sort, and a keyset cursor names one entry.
    class Meta:
        indexes = [
            models.Index(
                fields=["agency", "band", "action_due_at", "level_rank", "received_on", "case"],
                name="queue_order",
                condition=models.Q(actioned_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.level} due {self.action_due_at:%Y-%m-%d}"


class FirstAction(models.Model):
    """What was first done on a case: it takes the case out of the queue."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="first_action")
    description = models.TextField()
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"First action on {self.case_id}"
