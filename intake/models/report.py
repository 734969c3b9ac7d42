"""One online report, as a package carried it: metadata only, never content."""

import uuid

from django.db import models

from agencies.models import Agency
from intake.models.package import IntakePackage


class ReportSource(models.TextChoices):
    NCMEC_CYBERTIP = "ncmec_cybertip", "NCMEC CyberTipline"
    NCA_CEOP = "nca_ceop", "NCA / CEOP"
    IWF = "iwf", "Internet Watch Foundation"
    SERVICE_PROVIDER = "service_provider", "Direct from a service provider"
    PUBLIC = "public", "Member of the public"


class IncidentType(models.TextChoices):
    """The incident types of a CyberTipline report, in the words a UK force uses."""

    CSAM_SHARED = "csam_shared", "Apparent child sexual abuse material shared or held"
    ONLINE_ENTICEMENT = "online_enticement", "Online enticement of a child for sexual acts"
    SEXTORTION = "sextortion", "Sexual extortion of a child"
    CHILD_SEX_TRAFFICKING = "child_sex_trafficking", "Child sex trafficking"
    CONTACT_ABUSE = "contact_abuse", "Contact sexual abuse of a child"
    UNSOLICITED_OBSCENE_MATERIAL = (
        "unsolicited_obscene_material",
        "Unsolicited obscene material sent to a child",
    )
    MISLEADING_DOMAIN_OR_WORDS = (
        "misleading_domain_or_words",
        "Misleading domain name, words or images",
    )
    OTHER = "other", "Other"


class IntakeReport(models.Model):
    """A report kept once per (agency, source, source report id): importing it again
    changes nothing and counts as a duplicate. Its accounts and identifiers are rows
    of the one identifier index (`cases.Identifier`, `report_id`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    package = models.ForeignKey(IntakePackage, on_delete=models.PROTECT, related_name="reports")
    line_number = models.PositiveIntegerField()
    source = models.CharField(max_length=32, choices=ReportSource.choices)
    source_report_id = models.CharField(max_length=100)
    package_reference = models.CharField(max_length=100, blank=True, default="")
    received_at = models.DateTimeField()
    incident_at = models.DateTimeField(null=True, blank=True)
    service_provider = models.CharField(max_length=200, blank=True, default="")
    incident_type = models.CharField(max_length=40, choices=IncidentType.choices)
    # The apparent children: [{"estimated_age": 13, "location": "Northshire"}, ...].
    children = models.JSONField(default=list, blank=True)
    # The youngest apparent age, for triage and the queue; None: unknown.
    youngest_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # File counts only: never a file. None: the provider did not say.
    files_total = models.PositiveIntegerField(null=True, blank=True)
    files_viewed_by_provider = models.PositiveIntegerField(null=True, blank=True)
    files_hash_matched = models.PositiveIntegerField(null=True, blank=True)
    # The provider's indicators. None: not said, which triage counts as unknown,
    # never as "no".
    child_at_imminent_risk = models.BooleanField(null=True, blank=True)
    sextortion = models.BooleanField(null=True, blank=True)
    self_harm = models.BooleanField(null=True, blank=True)
    meeting_arranged = models.BooleanField(null=True, blank=True)
    contact_offending = models.BooleanField(null=True, blank=True)
    suspect_has_access_to_children = models.BooleanField(null=True, blank=True)
    # Where the provider resolved the incident: ISO 3166 country, and a postcode or
    # area where it gave one.
    country = models.CharField(max_length=2, blank=True, default="")
    postcode = models.CharField(max_length=10, blank=True, default="")
    area = models.CharField(max_length=100, blank=True, default="")
    # The bundle it folded into (intake.IntakeItem); set by the import.
    item = models.ForeignKey(
        "intake.IntakeItem", on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [
            models.Index(fields=["package", "line_number"], name="report_package_line"),
            models.Index(fields=["item", "received_at", "id"], name="report_item"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source", "source_report_id"], name="report_once_per_source_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.source_report_id}"
