import uuid

from django.conf import settings
from django.db import models

from cases.models import Case, CaseParty
from safeguarding.models.levels import SharedLevel
from safeguarding.models.scale import RiskScale


class FactorAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Assessment(models.Model):
    """A risk assessment of one party. Never edited: a new one supersedes the last."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="assessments")
    subject = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="assessments")
    template_key = models.CharField(max_length=60)
    template_version = models.PositiveSmallIntegerField()
    # {factor_key: {"answer": "yes" | "no" | "unknown", "note": "..."}}
    answers = models.JSONField()
    computed_level = models.CharField(max_length=16, choices=SharedLevel.choices)
    known_factors = models.PositiveSmallIntegerField()
    total_factors = models.PositiveSmallIntegerField()
    override_level = models.CharField(
        max_length=16, choices=SharedLevel.choices, blank=True, default=""
    )
    override_rationale = models.TextField(blank=True, default="")
    # The assessor's agency's scale version, and the grade it gives the level used.
    scale = models.ForeignKey(
        RiskScale, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency_grade = models.CharField(max_length=60, blank=True, default="")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField()
    review_on = models.DateField()
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-assessed_at"]
        indexes = [
            models.Index(fields=["case", "-assessed_at"], name="assessment_case_when"),
            models.Index(fields=["subject", "-assessed_at"], name="assessment_subject_when"),
        ]
        constraints = [
            models.CheckConstraint(
                name="assessment_override_has_rationale",
                condition=models.Q(override_level="") | ~models.Q(override_rationale=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.template_key} v{self.template_version}: {self.level}"

    @property
    def level(self) -> str:
        """The level that counts: the professional judgement when there is one."""
        return self.override_level or self.computed_level
