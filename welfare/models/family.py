import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models import Case, CaseParty, InvestigationEvent


class FamilyPack(models.Model):
    """A family pack offered to a suspect's family at arrest or search: signposts to
    support for the partner, the parents and the children (Recommendation 11)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="family_packs")
    suspect = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="family_packs")
    event = models.ForeignKey(
        InvestigationEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_packs",
    )
    given = models.BooleanField()
    given_on = models.DateField(null=True, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_to = models.CharField(
        max_length=200, blank=True, default="", help_text="Who in the family received it."
    )
    pack_version = models.CharField(max_length=40, blank=True, default="")
    # None: not known yet whether the family took it up.
    accepted = models.BooleanField(null=True, blank=True)
    not_given_reason = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["case", "-created_at"], name="family_pack_case")]
        constraints = [
            models.CheckConstraint(
                name="family_pack_given_or_why_not",
                condition=(
                    models.Q(given=True, given_on__isnull=False, not_given_reason="")
                    | (
                        models.Q(given=False, given_on__isnull=True)
                        & ~models.Q(not_given_reason="")
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return "Family pack given" if self.given else "Family pack not given"
