import uuid

from django.conf import settings
from django.db import models

from cases.models import Case, CaseParty


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
