import uuid

from django.conf import settings
from django.db import models

from cases.models.case import Case
from cases.models.rules import Errors, RulesFirst, not_in_future


class KeyDecision(RulesFirst, models.Model):
    """A key decision and why it was made. Never edited: a correction is a new
    decision that points at the one it corrects."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    decision = models.TextField()
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField()
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-created_at"]
        indexes = [models.Index(fields=["case", "-decided_at"], name="decision_case_when")]

    def __str__(self) -> str:
        return self.decision[:60]

    def rules(self) -> Errors:
        errors: Errors = {}
        if not self.decision.strip():
            errors["decision"] = ["Enter the decision."]
        if not self.rationale.strip():
            errors["rationale"] = ["Enter the rationale: why this decision was made."]
        not_in_future(self.decided_at, "decided_at", errors)
        return errors
