import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.case import Case


class _ReplacedWhole(models.Model):
    """A case's one record of a kind, replaced whole by each change: its version (for
    If-Match) and who changed it last."""

    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class MaterialSummary(_ReplacedWhole):
    """What is known about the material in a case, as metadata only. Tideline never
    holds the material itself: no file, no image, no thumbnail, ever."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="material_summary")
    category_a_count = models.PositiveIntegerField(default=0)
    category_b_count = models.PositiveIntegerField(default=0)
    category_c_count = models.PositiveIntegerField(default=0)
    first_generation = models.BooleanField(
        null=True, blank=True, help_text="Whether any of it was not previously known."
    )
    caid_reference = models.CharField(max_length=100, blank=True, default="")
    ncmec_report_id = models.CharField(max_length=100, blank=True, default="")
    nca_package_reference = models.CharField(max_length=100, blank=True, default="")
    # A list of {"algorithm": "md5" | "sha1" | "sha256", "value": lowercase hex}.
    hashes = models.JSONField(default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "material summaries"

    def __str__(self) -> str:
        return f"Material summary of {self.case_id}"

    @property
    def total_count(self) -> int:
        return self.category_a_count + self.category_b_count + self.category_c_count


class ActivistEvidence(_ReplacedWhole):
    """How evidence from an online activist group was obtained (the report's
    Recommendation 12): it needs care before it is relied on."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="activist_evidence")
    group_name = models.CharField(max_length=200)
    decoy_posed_as_child = models.BooleanField()
    suspect_confronted = models.BooleanField()
    confrontation_streamed_live = models.BooleanField()
    handed_over = models.TextField(help_text="What the group handed over.")
    handed_over_at = models.DateTimeField()
    chain_of_custody = models.TextField()
    suspect_alerted_risk = models.TextField(
        help_text="The risk that the suspect was alerted, and what follows from it."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "activist-group evidence"

    def __str__(self) -> str:
        return f"Activist-group evidence for {self.case_id}"
