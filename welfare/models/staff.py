import uuid
from collections.abc import Collection
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Team

# Each rule: (lowest, highest, what it is called, its unit, what to ask when it is missing).
EXPOSURE_RULE_BOUNDS: dict[str, tuple[int, int, str, str, str]] = {
    "max_review_minutes_per_day": (
        30,
        720,
        "The daily limit of review",
        "minutes",
        "Enter the daily limit of review, in minutes.",
    ),
    "no_review_final_minutes": (
        0,
        240,
        "The end of a shift kept free of review",
        "minutes",
        "Enter how many minutes at the end of a shift are kept free of review.",
    ),
    "debrief_every_months": (
        1,
        12,
        "The time between debriefs",
        "months",
        "Enter how often a debrief is due, in months.",
    ),
    "welfare_review_every_months": (
        1,
        24,
        "The time between welfare reviews",
        "months",
        "Enter how often a welfare review is due, in months.",
    ),
}


class ExposureRules(models.Model):
    """An agency's rules of good practice for staff who review abuse material
    (Recommendation 6). The defaults are one force's practice."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="exposure_rules")
    max_review_minutes_per_day = models.PositiveSmallIntegerField(default=240)
    # No review in the final part of a shift.
    no_review_final_minutes = models.PositiveSmallIntegerField(default=60)
    debrief_every_months = models.PositiveSmallIntegerField(default=1)
    welfare_review_every_months = models.PositiveSmallIntegerField(default=6)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "exposure rules"

    def __str__(self) -> str:
        return f"Exposure rules of {self.agency_id}"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # The four numbers are checked by `clean`, with the messages the page and
        # the API show.
        super().clean_fields(exclude={*(exclude or ()), *EXPOSURE_RULE_BOUNDS})

    def clean(self) -> None:
        """Each of the four numbers: given, a whole number, within its bounds."""
        errors: dict[str, list[str]] = {}
        for name, (lowest, highest, called, unit, missing) in EXPOSURE_RULE_BOUNDS.items():
            value = getattr(self, name)
            if value is None or value == "":
                errors[name] = [missing]
            elif isinstance(value, bool) or not isinstance(value, int):
                errors[name] = [f"{called} must be a whole number of {unit}."]
            elif not lowest <= value <= highest:
                errors[name] = [f"{called} must be between {lowest} and {highest} {unit}."]
        if errors:
            raise ValidationError(errors)


class StaffShift(models.Model):
    """A member of staff's usual shift. A shift that ends before it starts runs
    past midnight."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_shift"
    )
    starts_at = models.TimeField(default=time(8, 0))
    ends_at = models.TimeField(default=time(16, 0))
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.starts_at:%H:%M}-{self.ends_at:%H:%M}"

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # The times are checked by `clean`, with the messages the page and the API show.
        super().clean_fields(exclude={*(exclude or ()), "starts_at", "ends_at"})

    def clean(self) -> None:
        """Both times given, and different (a shift that ends before it starts runs
        past midnight)."""
        errors: dict[str, list[str]] = {}
        if self.starts_at is None:
            errors["starts_at"] = ["Enter when the shift starts."]
        if self.ends_at is None:
            errors["ends_at"] = ["Enter when the shift ends."]
        elif self.starts_at is not None and self.ends_at == self.starts_at:
            errors["ends_at"] = ["The shift must end at a different time from its start."]
        if errors:
            raise ValidationError(errors)


class ReviewKind(models.TextChoices):
    GRADING = "grading", "Grading material"
    INTERVIEW = "interview", "Reviewing for an interview"
    OTHER = "other", "Other review"


class ExposureBreach(models.TextChoices):
    DAILY_LIMIT = "daily_limit", "More than the daily limit of review"
    FINAL_HOUR = "final_hour", "Review in the final hour of the shift"


class ExposureSession(models.Model):
    """One stretch of reviewing material. Staff welfare compartment: the person sees
    their own; their supervisor sees the hours and breaches, never the note."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exposure_sessions"
    )
    # Copied from the membership when logged, so that a team's view is one filter.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    minutes = models.PositiveIntegerField(editable=False)
    review_kind = models.CharField(max_length=16, choices=ReviewKind.choices)
    # `ExposureBreach` values this session broke, decided when it was logged.
    breaches = models.JSONField(default=list, blank=True)
    has_breach = models.BooleanField(default=False, editable=False)
    private_note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["private_note"])

    class Meta:
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["user", "-started_at"], name="exposure_user_when"),
            models.Index(fields=["team", "-started_at"], name="exposure_team_when"),
            models.Index(
                fields=["team", "-started_at"],
                name="exposure_team_breaches",
                condition=models.Q(has_breach=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="exposure_ends_after_start",
                condition=models.Q(ended_at__gt=models.F("started_at")),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_review_kind_display()}, {self.minutes} minutes"


class WelfareMeetingKind(models.TextChoices):
    DEBRIEF = "debrief", "Debrief"
    WELFARE_REVIEW = "welfare_review", "Welfare review"


class WelfareMeeting(models.Model):
    """That a debrief or welfare review took place, and when. Its content stays
    with occupational health and is never recorded here."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="welfare_meetings"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=16, choices=WelfareMeetingKind.choices)
    held_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-held_on"]
        indexes = [
            models.Index(fields=["user", "kind", "-held_on"], name="welfare_meeting_user"),
            models.Index(fields=["team", "kind", "-held_on"], name="welfare_meeting_team"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.held_on}"
