"""A referral package as it arrived, and what its import made of each line."""

import uuid

from django.conf import settings
from django.db import models

from agencies.models import Agency


class PackageFormat(models.TextChoices):
    JSON_LINES = "jsonl", "JSON Lines (one report a line)"
    CSV = "csv", "CSV (the same flat columns)"


class PackageState(models.TextChoices):
    QUEUED = "queued", "Waiting to be imported"
    IMPORTING = "importing", "Importing"
    IMPORTED = "imported", "Imported"
    # The import stopped on something other than a bad report (the file could not be
    # read): it resumes from `lines_done`, so nothing is imported twice.
    FAILED = "failed", "Stopped: it will resume"


class IntakePackage(models.Model):
    """One uploaded package. The raw file is kept (under `stored_name`, as case
    documents are) until every report in it has been decided, then disposed of
    under the retention rule, and `raw_disposed_at` says when."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()
    file_name = models.CharField(max_length=200)
    format = models.CharField(max_length=8, choices=PackageFormat.choices)
    size_bytes = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The raw file in the private document storage; empty once disposed of.
    stored_name = models.CharField(max_length=100, blank=True, default="")
    raw_disposed_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(
        max_length=16, choices=PackageState.choices, default=PackageState.QUEUED
    )
    # Progress, saved with each batch of lines in the batch's own transaction: a
    # stopped import resumes after `lines_done` and counts on from these.
    lines_done = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.CharField(max_length=300, blank=True, default="")
    # A retried upload (the same Idempotency-Key, or the same file) is this package.
    idempotency_key = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            # The agency's packages, newest first (the intake page's list).
            models.Index(fields=["agency", "-uploaded_at", "-id"], name="package_agency_uploaded"),
            # The retention sweep: the packages whose raw file is still kept.
            models.Index(
                fields=["uploaded_at"],
                name="package_raw_kept",
                condition=models.Q(raw_disposed_at__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="package_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"


class IntakeRejection(models.Model):
    """A report the import refused: its line, which field, and why. The rest of the
    package is imported."""

    id = models.BigAutoField(primary_key=True)
    package = models.ForeignKey(IntakePackage, on_delete=models.CASCADE, related_name="rejections")
    line_number = models.PositiveIntegerField()
    field = models.CharField(max_length=100, blank=True, default="")
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["package", "line_number", "id"]
        indexes = [models.Index(fields=["package", "line_number", "id"], name="rejection_line")]
        constraints = [
            # A resumed import writes a line's rejection once.
            models.UniqueConstraint(
                fields=["package", "line_number", "field"], name="rejection_once_per_line_field"
            )
        ]

    def __str__(self) -> str:
        return f"line {self.line_number}: {self.reason}"
