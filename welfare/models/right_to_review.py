"""The Victims' Right to Review (docs/adr/0017): a victim's request that a decision
not to charge be looked at again, by an officer who had no part in the case."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models import Case, CaseParty, Outcome


class ReviewScheme(models.TextChoices):
    """Whose decision it was decides whose scheme reviews it."""

    POLICE = "police", "Police scheme (NPCC Victims' Right to Review, 2015)"
    CPS = "cps", "CPS Victims' Right to Review scheme"


class ReviewRequester(models.TextChoices):
    VICTIM = "victim", "The victim"
    REPRESENTATIVE = "representative", "Someone on the victim's behalf"


class ReviewStatus(models.TextChoices):
    REQUESTED = "requested", "Requested: waiting for a reviewer"
    ASSIGNED = "assigned", "Assigned to a reviewer"
    UPHELD = "upheld", "Decided: the decision not to charge stands"
    OVERTURNED = "overturned", "Decided: overturned, the investigation goes on"
    WITHDRAWN = "withdrawn", "Withdrawn by the victim"


OPEN_REVIEW_STATUSES = frozenset({ReviewStatus.REQUESTED, ReviewStatus.ASSIGNED})
DECIDED_REVIEW_STATUSES = frozenset({ReviewStatus.UPHELD, ReviewStatus.OVERTURNED})


class ReviewRequest(models.Model):
    """One victim's request to review one decision not to charge (an outcome). Its
    window and its review deadline are computed when it is received, and stored."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="review_requests")
    victim = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="review_requests")
    # The decision it asks to review: the suspect's outcome (one per suspect).
    outcome = models.ForeignKey(Outcome, on_delete=models.PROTECT, related_name="review_requests")
    scheme = models.CharField(max_length=16, choices=ReviewScheme.choices)
    received_on = models.DateField()
    requested_by = models.CharField(max_length=16, choices=ReviewRequester.choices)
    # Who asked on the victim's behalf, and as what: "Mother, Jane Smith".
    representative = models.CharField(max_length=200, blank=True, default="")
    # What the victim says, in their words (optional: the scheme asks for no reasons).
    grounds = models.TextField(blank=True, default="")
    # The last day the victim could ask (from when they were told of the decision).
    window_ends_on = models.DateField()
    # The scheme's target to complete the review and tell the victim.
    review_due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.REQUESTED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews_assigned",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    # The reviewer's reasons (upheld or overturned), or why the victim withdrew.
    result_reason = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-created_at"]
        indexes = [
            models.Index(fields=["case", "-received_on"], name="review_case_received"),
            models.Index(fields=["reviewer", "status", "review_due_at"], name="review_reviewer"),
        ]
        constraints = [
            # One open request per victim and decision: a second is the same request.
            models.UniqueConstraint(
                fields=["victim", "outcome"],
                condition=models.Q(status__in=["requested", "assigned"]),
                name="review_one_open_per_victim_decision",
            ),
            models.CheckConstraint(
                name="review_assigned_has_reviewer",
                condition=models.Q(status="requested")
                | models.Q(reviewer__isnull=False)
                | models.Q(status="withdrawn"),
            ),
            models.CheckConstraint(
                name="review_closed_has_time",
                condition=models.Q(status__in=["requested", "assigned"], closed_at__isnull=True)
                | (
                    ~models.Q(status__in=["requested", "assigned"])
                    & models.Q(closed_at__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Review request {self.pk} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REVIEW_STATUSES
