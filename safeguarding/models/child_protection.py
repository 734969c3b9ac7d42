import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.models import Case, CaseParty
from cases.models.rules import Errors, not_in_future


class StrategyStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"


class StrategyDiscussion(models.Model):
    """A strategy discussion (Working Together to Safeguard Children) about one or
    several children of a case. It is planned (a time, the people invited by agency
    and name), then held (who attended, the minutes, and a decision for each child).

    The rule of completeness: each child's decision is a `StrategyDiscussionChild`
    row, empty until recorded, so a discussion that decides about one child and
    adjourns for more information about another keeps the first decision (and its
    deadlines) while the second is pending. The discussion is recorded as held only
    with a decision for every child: "held" means the record is complete, and the
    refusal of "a held discussion without a decision for each child" is made when
    it is recorded as held."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_discussions")
    status = models.CharField(
        max_length=16, choices=StrategyStatus.choices, default=StrategyStatus.HELD
    )
    planned_for = models.DateTimeField(null=True, blank=True)
    # [{"agency": "...", "name": "..."}], in the order given.
    invitees = models.JSONField(default=list, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    agencies_present = models.TextField(
        blank=True, default="", help_text="The agencies and people who attended."
    )
    minutes = models.TextField(blank=True, default="")
    referral_received_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="strategy_case_when"),
        ]

    def __str__(self) -> str:
        when = self.held_at or self.planned_for
        return f"Strategy discussion {when:%Y-%m-%d}" if when else "Strategy discussion"

    @property
    def when(self):
        """When it was held, or when it is planned for."""
        return self.held_at or self.planned_for

    # For `full_clean(exclude=...)`: links to records the service has checked, and
    # the fields `clean()` words itself.
    CLEAN_EXCLUDE = (
        "case",
        "recorded_by",
        "status",
        "planned_for",
        "invitees",
        "held_at",
        "agencies_present",
        "minutes",
        "referral_received_on",
    )

    def clean(self) -> None:
        """A held discussion: when (not in the future, not before the referral was
        received) and who was there. A planned one: when it will be (in the future)."""
        errors: Errors = {}
        not_in_future(self.referral_received_on, "referral_received_on", errors)
        if self.status == StrategyStatus.PLANNED:
            if self.planned_for is None:
                errors["planned_for"] = ["Enter when the discussion will be held."]
            elif self.planned_for <= timezone.now():
                errors["planned_for"] = ["Must be in the future: plan a discussion to come."]
        else:
            if self.held_at is None:
                errors["held_at"] = ["Enter when the discussion was held."]
            not_in_future(self.held_at, "held_at", errors)
            if (
                self.held_at is not None
                and self.referral_received_on is not None
                and self.referral_received_on > timezone.localtime(self.held_at).date()
            ):
                errors.setdefault("held_at", []).append(
                    "Must not be before the referral was received."
                )
            if not (self.agencies_present or "").strip():
                errors["agencies_present"] = ["Name the agencies present."]
        if errors:
            raise ValidationError(errors)


class StrategyDiscussionChild(models.Model):
    """One child of a strategy discussion, and the decision about them: whether
    section 47 enquiries start, and why. `section_47_started` is None while the
    decision is pending. When enquiries start, this child's two deadlines follow
    from the one calendar and are stored here: the initial child protection
    conference within 15 working days of the discussion, and the child and family
    assessment within 45 working days of the referral."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="decisions"
    )
    child = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, related_name="strategy_decisions"
    )
    section_47_started = models.BooleanField(null=True, blank=True)
    rationale = models.TextField(blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conference_due_at = models.DateTimeField(null=True, blank=True)
    assessment_due_at = models.DateTimeField(null=True, blank=True)
    conference_held_on = models.DateField(null=True, blank=True)
    assessment_completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["discussion", "child__created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["discussion", "child"], name="strategy_child_once_per_discussion"
            ),
            models.CheckConstraint(
                name="strategy_child_decision_has_rationale",
                condition=models.Q(section_47_started__isnull=True) | ~models.Q(rationale=""),
            ),
        ]
        # The deadlines sweep reads each child's open deadline by these.
        indexes = [
            models.Index(
                fields=["conference_due_at"],
                name="strategy_child_conference_due",
                condition=models.Q(section_47_started=True, conference_held_on__isnull=True),
            ),
            models.Index(
                fields=["assessment_due_at"],
                name="strategy_child_assessment_due",
                condition=models.Q(section_47_started=True, assessment_completed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.child_id}: {self.decision_text}"

    @property
    def child_id_text(self) -> str:
        """The child's id as text, for a page's links (`?child=`)."""
        return str(self.child_id)

    @property
    def decided(self) -> bool:
        return self.section_47_started is not None

    @property
    def decision_text(self) -> str:
        if self.section_47_started is None:
            return "Decision pending"
        if self.section_47_started:
            return "Section 47 enquiries start"
        return "No section 47 enquiries"
