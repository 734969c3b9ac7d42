import uuid

from django.conf import settings
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
