import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.models import Case, CaseParty
from cases.models.rules import Errors, not_in_future


class StrategyDiscussion(models.Model):
    """A strategy discussion about a child (Working Together to Safeguard Children).
    When section 47 enquiries start, two deadlines follow from the one calendar and
    are stored: the initial child protection conference within 15 working days of
    the discussion, and the child and family assessment within 45 working days of
    the referral."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="strategy_discussions")
    child = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    held_at = models.DateTimeField()
    agencies_present = models.TextField(help_text="The agencies and people present.")
    section_47_started = models.BooleanField()
    rationale = models.TextField()
    referral_received_on = models.DateField()
    conference_due_at = models.DateTimeField(null=True, blank=True)
    assessment_due_at = models.DateTimeField(null=True, blank=True)
    conference_held_on = models.DateField(null=True, blank=True)
    assessment_completed_on = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_at"]
        indexes = [
            models.Index(
                fields=["conference_due_at"],
                name="strategy_conference_due",
                condition=models.Q(section_47_started=True, conference_held_on__isnull=True),
            ),
            models.Index(
                fields=["assessment_due_at"],
                name="strategy_assessment_due",
                condition=models.Q(section_47_started=True, assessment_completed_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"Strategy discussion {self.held_at:%Y-%m-%d}"

    # For `full_clean(exclude=...)`: links to records the service has checked, the
    # deadlines it computes, and the fields `clean()` words itself.
    CLEAN_EXCLUDE = (
        "case",
        "child",
        "recorded_by",
        "held_at",
        "agencies_present",
        "section_47_started",
        "rationale",
        "referral_received_on",
    )

    def clean(self) -> None:
        """When it was held (not in the future, not before the referral was
        received), whether section 47 enquiries start, who was there and why."""
        errors: Errors = {}
        if self.held_at is None:
            errors["held_at"] = ["Enter when the discussion was held."]
        not_in_future(self.held_at, "held_at", errors)
        not_in_future(self.referral_received_on, "referral_received_on", errors)
        if (
            self.held_at is not None
            and self.referral_received_on is not None
            and self.referral_received_on > timezone.localtime(self.held_at).date()
        ):
            errors.setdefault("held_at", []).append("Must not be before the referral was received.")
        if self.section_47_started is None:
            errors["section_47_started"] = ["Say whether section 47 enquiries start."]
        if not (self.agencies_present or "").strip():
            errors["agencies_present"] = ["Name the agencies present."]
        if not (self.rationale or "").strip():
            errors["rationale"] = ["Write the rationale for the decision."]
        if errors:
            raise ValidationError(errors)
