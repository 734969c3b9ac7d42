import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from agencies.models import Agency
from safeguarding.models.levels import SharedLevel


class RiskScale(models.Model):
    """One version of an agency's own risk scale. Versions are never changed: an
    edit makes a new version, and each assessment records the version it used."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="risk_scales")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=100)
    is_current = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    change_reason = models.CharField(max_length=300, blank=True, default="")

    class Meta:
        ordering = ["agency", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="scale_unique_version"),
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(is_current=True),
                name="scale_one_current_per_agency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    # For `full_clean(exclude=...)`: set by the service, or worded by `clean()`.
    CLEAN_EXCLUDE = ("agency", "version", "name", "created_by", "change_reason")

    def clean(self) -> None:
        """A scale has a name of at most 100 characters."""
        name = (self.name or "").strip()
        if not name:
            raise ValidationError({"name": ["Enter the scale's name."]})
        if len(name) > 100:
            raise ValidationError({"name": ["Keep the scale's name to 100 characters or fewer."]})


class RiskScaleLevel(models.Model):
    """One grade of an agency's scale, in its own words, mapped to one shared level."""

    scale = models.ForeignKey(RiskScale, on_delete=models.CASCADE, related_name="levels")
    position = models.PositiveSmallIntegerField(help_text="1 is the most severe.")
    label = models.CharField(max_length=60)
    definition = models.TextField()
    shared_level = models.CharField(max_length=16, choices=SharedLevel.choices)

    class Meta:
        ordering = ["scale", "position"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "position"], name="scale_level_position"),
            models.UniqueConstraint(fields=["scale", "label"], name="scale_level_label"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.shared_level})"

    # For `full_clean(exclude=...)`: set by the service, or worded by `clean()`.
    CLEAN_EXCLUDE = ("scale", "position", "label", "definition", "shared_level")

    def clean(self) -> None:
        """A grade has a name of at most 60 characters, says what it means, and is
        mapped to one shared level."""
        errors: dict[str, list[str]] = {}
        if not self.label:
            errors["label"] = ["Enter the grade's name."]
        elif len(self.label) > 60:
            errors["label"] = ["Keep the grade's name to 60 characters or fewer."]
        if not self.definition:
            errors["definition"] = ["Write down what this grade means."]
        if not self.shared_level:
            errors["shared_level"] = [
                "Map this grade to a shared level: a scale cannot leave a grade unmapped."
            ]
        elif self.shared_level not in SharedLevel.values:
            errors["shared_level"] = [f"Choose one of: {', '.join(SharedLevel.values)}."]
        if errors:
            raise ValidationError(errors)
