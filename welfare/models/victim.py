import uuid
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models import Case, CaseParty


class ServiceLevel(models.TextChoices):
    """The Victims' Code: enhanced victims are updated within 1 working day of each
    event, others within 5 (the timescales are settings, as the Code may change)."""

    ENHANCED = "enhanced", "Enhanced"
    STANDARD = "standard", "Standard"


class EnhancedReason(models.TextChoices):
    UNDER_18 = "under_18", "Under 18 at the time of the offence"
    SEXUAL_OFFENCE = "sexual_offence", "Victim of a sexual offence"
    PERSISTENTLY_TARGETED = "persistently_targeted", "Persistently targeted"
    VULNERABLE_OR_INTIMIDATED = "vulnerable_or_intimidated", "Vulnerable or intimidated"


REGULAR_UPDATE_MAX_WORKING_DAYS = 60


class VictimCare(models.Model):
    """What the Victims' Code gives one victim in one case: their service level,
    their one named point of contact, and how they want to be kept informed."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="victim_care")
    party = models.OneToOneField(CaseParty, on_delete=models.PROTECT, related_name="victim_care")
    service_level = models.CharField(
        max_length=16, choices=ServiceLevel.choices, default=ServiceLevel.ENHANCED
    )
    # Empty for the standard level.
    enhanced_reason = models.CharField(
        max_length=32, choices=EnhancedReason.choices, blank=True, default=""
    )
    point_of_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="victims_contact_for",
    )
    # A victim may ask not to be updated; their duties then say so instead of nagging.
    wants_updates = models.BooleanField(default=True)
    opt_out_note = models.TextField(blank=True, default="")
    # For a child: the parent or carer who speaks for them ("Mother, Jane Smith").
    spoken_for_by = models.CharField(max_length=200, blank=True, default="")
    # A regular update agreed with the victim even when nothing happens.
    regular_update_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "victim care"
        indexes = [models.Index(fields=["point_of_contact"], name="victim_care_contact")]
        constraints = [
            models.CheckConstraint(
                name="victim_care_enhanced_has_reason",
                condition=models.Q(service_level="enhanced") & ~models.Q(enhanced_reason="")
                | models.Q(service_level="standard", enhanced_reason=""),
            ),
            models.CheckConstraint(
                name="victim_care_regular_update_positive",
                condition=models.Q(regular_update_working_days__isnull=True)
                | models.Q(regular_update_working_days__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"Victim care for {self.party_id}"

    # The fields `clean` checks, with the messages the pages and the API show, rather
    # than Django's own field checks.
    CLEANED_FIELDS = (
        "service_level",
        "enhanced_reason",
        "opt_out_note",
        "spoken_for_by",
        "regular_update_working_days",
    )

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude={*(exclude or ()), *self.CLEANED_FIELDS})

    def clean(self) -> None:
        """The service level, with the reason an enhanced victim is owed it (and none
        for a standard one); how the victim wants to be kept informed: opting out
        needs a note; a regular schedule is 1 to 60 working days."""
        errors: dict[str, list[str]] = {}
        if self.service_level not in ServiceLevel.values:
            errors["service_level"] = [f"Choose one of: {', '.join(ServiceLevel.values)}."]
        elif (
            self.service_level == ServiceLevel.ENHANCED
            and self.enhanced_reason not in EnhancedReason.values
        ):
            errors["enhanced_reason"] = [
                f"Choose why the victim is owed the enhanced service: "
                f"{', '.join(EnhancedReason.values)}."
            ]
        elif self.service_level == ServiceLevel.STANDARD and self.enhanced_reason:
            errors["enhanced_reason"] = ["A victim on the standard service has no enhanced reason."]
        if not self.wants_updates and not self.opt_out_note:
            errors["opt_out_note"] = [
                "Record what the victim said when they asked not to be updated."
            ]
        days = self.regular_update_working_days
        if days is not None and (
            isinstance(days, bool)
            or not isinstance(days, int)
            or not 1 <= days <= REGULAR_UPDATE_MAX_WORKING_DAYS
        ):
            errors["regular_update_working_days"] = [
                f"Enter a number of working days from 1 to {REGULAR_UPDATE_MAX_WORKING_DAYS}, "
                "or leave it empty for no regular update."
            ]
        if len(self.spoken_for_by) > 200:
            errors["spoken_for_by"] = ["Keep this to 200 characters or fewer."]
        if errors:
            raise ValidationError(errors)
