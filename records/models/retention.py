"""Retention, review and disposal of closed cases (issue 19, docs/adr/0015).

The rules are data (`RetentionRule`), per kind of agency, each with its source,
seeded by a migration and changed only by one. A closed case has one
`CaseRetention`: its rule (the group), its next review date and its state. It is
keyed by the case's id without a foreign key, because it outlives the case: once
the case is disposed of it is the tombstone (reference, dates, group, who decided
and why), with the case's reviews and legal holds."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency, AgencyKind


class RetentionRule(models.Model):
    """How long one group of an agency kind's closed cases is kept, and when it is
    reviewed. Every date is counted from the case's closing date, or from the
    subject's date of birth (`keep_until_age`)."""

    code = models.SlugField(max_length=40, unique=True)
    agency_kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    label = models.CharField(max_length=200)
    # Which cases of that kind it takes: the rule of lowest `rank` whose offence
    # types meet the case's (cases.models.OffenceType values), else the kind's
    # default rule. Rules for a state only a review can know (a looked-after child)
    # are chosen by the records manager on a review.
    rank = models.PositiveSmallIntegerField()
    offence_types = models.JSONField(default=list, blank=True)
    is_default = models.BooleanField(default=False)
    # The first review: this many years after closing (or at the age below, if later).
    first_review_years = models.PositiveSmallIntegerField()
    # Later reviews, when kept, are suggested this many years on.
    review_every_years = models.PositiveSmallIntegerField()
    # Never disposed of before the subject would reach this age (None: no such floor).
    keep_until_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Whose date of birth `keep_until_age` counts from: "suspect" or "child".
    age_of = models.CharField(max_length=16, blank=True, default="")
    # The first review is no earlier than this birthday of the subject (children's
    # records kept to the 25th birthday), when it is later than `first_review_years`.
    first_review_not_before_age = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.TextField(help_text="Where the rule comes from, cited.")
    source_url = models.URLField(blank=True, default="")

    class Meta:
        ordering = ["agency_kind", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency_kind"],
                condition=models.Q(is_default=True),
                name="retention_rule_one_default_per_kind",
            ),
            models.CheckConstraint(
                name="retention_rule_age_has_subject",
                condition=models.Q(
                    keep_until_age__isnull=True, first_review_not_before_age__isnull=True
                )
                | ~models.Q(age_of=""),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class RetentionState(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled for review"
    # Reopened: the schedule is lifted until the case is closed again.
    REOPENED = "reopened", "Case reopened: no schedule"
    DISPOSED = "disposed", "Disposed of"


class CaseRetention(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The case's id, not a foreign key: the row outlives the case as its tombstone,
    # and access-log entries naming the case keep naming this id.
    case_id = models.UUIDField(unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # Copied from the case when it closes: what the tombstone shows.
    reference = models.CharField(max_length=32)
    received_on = models.DateField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closing_reason = models.CharField(max_length=32, blank=True, default="")
    rule = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=16, choices=RetentionState.choices, default=RetentionState.SCHEDULED
    )
    # When a scheduled case is due for review. NOT NULL, so that the queue's keyset
    # is a plain range (ADR 0013); a reopened or disposed case keeps its last date,
    # and the queue's partial index holds only scheduled ones.
    next_review_on = models.DateField()
    # A legal hold is in force (the live LegalHold row says why).
    on_hold = models.BooleanField(default=False)
    scheduled_at = models.DateTimeField()
    disposed_at = models.DateTimeField(null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    disposal_reason = models.TextField(blank=True, default="")
    # What was deleted, by kind: {"cases.caseparty": 3, "files": 1, ...}.
    disposal_counts = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["next_review_on", "id"]
        indexes = [
            # The review queue: an agency's scheduled cases, soonest due first, read
            # in index order (ADR 0013): (agency, next_review_on, id) for state
            # scheduled only.
            models.Index(
                fields=["agency", "next_review_on", "id"],
                condition=models.Q(state="scheduled"),
                name="retention_queue_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="retention_disposed_has_who_and_when",
                condition=~models.Q(state="disposed")
                | models.Q(disposed_at__isnull=False, disposed_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.get_state_display()}"

    @property
    def is_disposed(self) -> bool:
        return self.state == RetentionState.DISPOSED


class ReviewDecision(models.TextChoices):
    KEEP = "keep", "Keep, and review again"
    DISPOSE = "dispose", "Dispose of it"


class RetentionReview(models.Model):
    """One review of a closed case, append-only: its decision, why, who and when.
    The reviews are the retention record's history, kept in the tombstone."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    retention = models.ForeignKey(CaseRetention, on_delete=models.PROTECT, related_name="reviews")
    decision = models.CharField(max_length=16, choices=ReviewDecision.choices)
    reason = models.TextField()
    # Keep: the date of the next review (after the day decided).
    next_review_on = models.DateField(null=True, blank=True)
    # The review was due on this date (the schedule it answered).
    was_due_on = models.DateField()
    rule_before = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    rule_after = models.ForeignKey(RetentionRule, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [
            models.Index(fields=["retention", "-decided_at", "-id"], name="retention_review_case")
        ]
        constraints = [
            models.CheckConstraint(
                name="retention_review_keep_has_date",
                condition=models.Q(decision="dispose", next_review_on__isnull=True)
                | models.Q(decision="keep", next_review_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.retention_id}: {self.decision}"


class LegalHoldKind(models.TextChoices):
    INQUIRY = "inquiry", "A public inquiry"
    LITIGATION = "litigation", "Litigation, actual or expected"
    COMPLAINT = "complaint", "A complaint or conduct investigation"
    OTHER = "other", "Other"


class LegalHold(models.Model):
    """A hold on a closed case (an inquiry, litigation): while it is in force the
    case is neither reviewed nor disposed of. Lifted with a reason; one in force at
    a time; every hold kept, with its history."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    retention = models.ForeignKey(CaseRetention, on_delete=models.PROTECT, related_name="holds")
    kind = models.CharField(max_length=16, choices=LegalHoldKind.choices)
    reason = models.TextField()
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField()
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["retention"],
                condition=models.Q(lifted_at__isnull=True),
                name="legal_hold_one_in_force",
            ),
            models.CheckConstraint(
                name="legal_hold_lifted_with_reason",
                condition=models.Q(lifted_at__isnull=True)
                | (models.Q(lifted_by__isnull=False) & ~models.Q(lift_reason="")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.retention_id}: {self.kind}"

    @property
    def in_force(self) -> bool:
        return self.lifted_at is None
