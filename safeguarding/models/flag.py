import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.models import Case, CaseParty, Person

REASON_MAX_LENGTH = 2000


def reason_errors(reason: str | None, *, field: str, missing: str) -> dict[str, list[str]]:
    """A reason is required, and at most `REASON_MAX_LENGTH` characters once trimmed."""
    text = (reason or "").strip()
    if not text:
        return {field: [missing]}
    if len(text) > REASON_MAX_LENGTH:
        return {field: [f"Keep it to {REASON_MAX_LENGTH} characters or fewer."]}
    return {}


def clear_reason_errors(reason: str | None) -> dict[str, list[str]]:
    """Why a flag is cleared: named `reason`, as the clearing form and API name it."""
    return reason_errors(reason, field="reason", missing="Give the reason the flag is cleared.")


class FlagKind(models.TextChoices):
    SUICIDE_SELF_HARM = "suicide_self_harm", "Suicide or self-harm risk"
    VULNERABLE_ADULT = "vulnerable_adult", "Vulnerable adult"
    CHILD_AT_RISK = "child_at_risk", "Child at risk"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    WEAPONS = "weapons", "Weapons"
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
    SAFE_CONTACT_ONLY = "safe_contact_only", "Safe contact only"


class Flag(models.Model):
    """A warning about a person, raised on their part in a case. It shows wherever
    the person appears, to everyone who may see that part."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="flags")
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="flags")
    # Copied from the party so that "this person's flags" is one indexed lookup.
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    review_on = models.DateField()
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    clear_reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-raised_at"]
        indexes = [
            models.Index(
                fields=["person", "kind"],
                name="flag_person_live",
                condition=models.Q(cleared_at__isnull=True),
            ),
            models.Index(fields=["case", "-raised_at"], name="flag_case_when"),
            models.Index(
                fields=["review_on"],
                name="flag_review_due",
                condition=models.Q(cleared_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    # For `full_clean(exclude=...)`: links to records the service has checked, and the
    # fields `clean()` words itself.
    CLEAN_EXCLUDE = (
        "case",
        "party",
        "person",
        "raised_by",
        "cleared_by",
        "kind",
        "reason",
        "review_on",
        "clear_reason",
    )

    def clean(self) -> None:
        """A flag names its kind and its reason, and is reviewed on a date that is,
        when it is raised, today or later; a cleared flag says why."""
        errors: dict[str, list[str]] = {}
        if self.kind not in FlagKind.values:
            errors["kind"] = [f"Choose one of: {', '.join(FlagKind.values)}."]
        errors.update(
            reason_errors(self.reason, field="reason", missing="Give the reason for the flag.")
        )
        if self.review_on is None:
            errors["review_on"] = ["Set the date the flag is to be reviewed."]
        elif self._state.adding and self.review_on < timezone.localdate():
            errors["review_on"] = ["Set a review date from today onwards."]
        if self.cleared_at is not None:
            errors.update(
                reason_errors(
                    self.clear_reason,
                    field="reason",
                    missing="Give the reason the flag is cleared.",
                )
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_live(self) -> bool:
        return self.cleared_at is None
