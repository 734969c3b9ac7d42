import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from cases.models.party import CaseParty
from cases.models.rules import Errors, RulesFirst, in_order, not_in_future, one_of


class OffenceType(models.TextChoices):
    IIOC_POSSESSING = "iioc_possessing", "Possessing indecent images of children"
    IIOC_MAKING = "iioc_making", "Making indecent images of children"
    IIOC_DISTRIBUTING = "iioc_distributing", "Distributing indecent images of children"
    SEXUAL_COMMUNICATION = "sexual_communication", "Sexual communication with a child"
    MEETING_AFTER_GROOMING = (
        "meeting_after_grooming",
        "Arranging or facilitating a meeting after grooming",
    )
    CAUSING_INCITING = (
        "causing_inciting",
        "Causing or inciting a child to engage in sexual activity",
    )
    SEXUAL_EXTORTION = "sexual_extortion", "Sexual extortion"
    LIVE_STREAMED_ABUSE = "live_streamed_abuse", "Live-streamed abuse"
    PROHIBITED_IMAGES = "prohibited_images", "Prohibited images of children"
    OTHER = "other", "Other"


class Offence(RulesFirst, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="offences")
    offence_type = models.CharField(max_length=32, choices=OffenceType.choices)
    description = models.CharField(max_length=300, blank=True, default="")
    committed_from = models.DateField()
    committed_to = models.DateField(null=True, blank=True)
    platform = models.CharField(
        max_length=200, blank=True, default="", help_text="Platform or service involved."
    )
    parties = models.ManyToManyField(CaseParty, related_name="offences", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[parties])

    class Meta:
        ordering = ["committed_from", "created_at"]
        indexes = [models.Index(fields=["case", "committed_from"], name="offence_case_from")]
        constraints = [
            models.CheckConstraint(
                name="offence_dates_in_order",
                condition=models.Q(committed_to__isnull=True)
                | models.Q(committed_to__gte=models.F("committed_from")),
            )
        ]

    def __str__(self) -> str:
        return self.get_offence_type_display()

    def rules(self) -> Errors:
        errors: Errors = {}
        one_of(self.offence_type, OffenceType.values, "offence_type", errors)
        if self.offence_type == OffenceType.OTHER and not self.description.strip():
            errors["description"] = ["Describe the offence."]
        not_in_future(self.committed_from, "committed_from", errors)
        not_in_future(self.committed_to, "committed_to", errors)
        in_order(
            self.committed_from,
            self.committed_to,
            "committed_to",
            errors,
            earlier_label="committed_from",
        )
        return errors
