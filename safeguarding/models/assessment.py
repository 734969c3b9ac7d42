import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.models import Case, CaseParty, PartyRole
from safeguarding.models.levels import SharedLevel
from safeguarding.models.scale import RiskScale
from safeguarding.risk_templates import Template, template_get

NOTE_MAX_LENGTH = 1000


class FactorAnswer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


def _answers_clean(template: Template, answers: Any, errors: dict[str, list[str]]) -> dict:
    """Each factor's answer and note, cleaned; every problem goes into `errors`,
    named `answers.<factor key>`."""
    if not isinstance(answers, dict):
        errors["answers"] = ["Give an answer for each factor of the template."]
        return {}
    factor_keys = {factor.key for factor in template.factors}
    for key in sorted(set(answers) - factor_keys, key=str):
        errors[f"answers.{key}"] = [f"The template '{template.name}' has no factor '{key}'."]
    cleaned = {}
    for factor in template.factors:
        given = answers.get(factor.key)
        field = f"answers.{factor.key}"
        if given is None:
            errors[field] = [f"Answer '{factor.label}': yes, no or not known."]
            continue
        answer = given.get("answer") if isinstance(given, dict) else given
        note = given.get("note") if isinstance(given, dict) else ""
        if not isinstance(answer, str) or answer not in FactorAnswer.values:
            errors[field] = [f"Choose one of: {', '.join(FactorAnswer.values)}."]
            continue
        if note is None:
            note = ""
        if not isinstance(note, str):
            errors[field] = ["A note must be text."]
            continue
        note = note.strip()
        if len(note) > NOTE_MAX_LENGTH:
            errors[field] = [f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."]
            continue
        cleaned[factor.key] = {"answer": answer, "note": note}
    return cleaned


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

    # For `full_clean(exclude=...)`: computed by the service from what `clean()`
    # accepts, links to records the service has checked, or worded by `clean()` itself.
    CLEAN_EXCLUDE = (
        "case",
        "subject",
        "answers",
        "computed_level",
        "known_factors",
        "total_factors",
        "override_level",
        "scale",
        "agency_grade",
        "assessor",
        "assessed_at",
        "review_on",
        "supersedes",
    )

    def clean(self) -> None:
        """The rules of one assessment: its subject is a party its template assesses,
        each of the template's factors is answered (`answers` is left cleaned), the
        review date is today or later, and a professional judgement comes with its
        level and its rationale."""
        errors: dict[str, list[str]] = {}
        template = template_get(self.template_key, self.template_version)
        if template is not None and self.subject.role not in template.subject_roles:
            roles = [
                str(label).lower()
                for role, label in PartyRole.choices
                if role in template.subject_roles
            ]
            errors["subject"] = [f"'{template.name}' assesses a {' or '.join(roles)}."]
        if self.review_on is None or self.review_on < timezone.localdate():
            errors["review_on"] = ["Set a review date from today onwards."]
        if self.override_level:
            if self.override_level not in SharedLevel.values:
                errors["override_level"] = [f"Choose one of: {', '.join(SharedLevel.values)}."]
            if not self.override_rationale.strip():
                errors["override_rationale"] = [
                    "Write the rationale for the professional judgement."
                ]
        elif self.override_rationale.strip():
            errors["override_level"] = [
                "Choose the level your judgement sets, or leave out the rationale."
            ]
        if template is not None:
            self.answers = _answers_clean(template, self.answers, errors)
        if errors:
            raise ValidationError(errors)

    @property
    def level(self) -> str:
        """The level that counts: the professional judgement when there is one."""
        return self.override_level or self.computed_level
