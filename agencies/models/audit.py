from django.conf import settings
from django.db import models


class AccessOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    DENIED = "denied", "Denied"
    FAILED = "failed", "Failed"


class AppendOnlyError(Exception):
    """Raised when code tries to change or remove an access log entry."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The access log is append-only: entries cannot be updated.")

    def delete(self):
        raise AppendOnlyError("The access log is append-only: entries cannot be deleted.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("The access log is append-only: entries cannot be updated.")


class NumberedByDatabase(models.BigIntegerField):
    """A number the database gives each row as it is inserted (a PostgreSQL
    sequence), read back by the insert itself: no query before it, and no lock."""

    db_returning = True


class AccessLogEntry(models.Model):
    """One entry of the access log required by the Data Protection Act 2018 s.62.

    Append-only (refused here and, on PostgreSQL, by a trigger) and hash-chained
    (ADR 0012): an entry is inserted unsealed, with no lock, and a sealer then
    chains it after the entry before it in `sequence` order, filling in its
    previous entry's number and hash and its own hash, once. `verify_audit` finds
    any sealed entry that was changed, removed or moved. Names are copied in, not
    only linked, so the log still reads correctly after users or agencies change.
    """

    sequence = NumberedByDatabase(unique=True)
    at = models.DateTimeField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    username = models.CharField(max_length=150, blank=True, default="")
    agency_slug = models.CharField(max_length=80, blank=True, default="")
    action = models.CharField(max_length=100)
    outcome = models.CharField(max_length=16, choices=AccessOutcome.choices)
    object_type = models.CharField(max_length=100, blank=True, default="")
    object_id = models.CharField(max_length=64, blank=True, default="")
    # The agency that owns the object: lets that agency's auditor see who read its records.
    object_agency_slug = models.CharField(max_length=80, blank=True, default="")
    endpoint = models.CharField(max_length=300, blank=True, default="")
    method = models.CharField(max_length=10, blank=True, default="")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    justification = models.CharField(max_length=500, blank=True, default="")
    # A list or search names what it returned: the query asked (filters, search
    # words, cursor) and each record on the page, as "type:id". A page showing one
    # record with others beside it (a case and its parties) names the others here.
    query = models.CharField(max_length=1000, blank=True, default="")
    record_ids = models.JSONField(default=list, blank=True)
    # When the records returned belong to more than one agency, each of them: every
    # owner's auditor sees the read, not only one.
    object_agency_slugs = models.JSONField(default=list, blank=True)
    # Empty until the entry is sealed into the chain (agencies.audit_chain). The
    # previous entry's number names what a deletion removed: numbers have gaps
    # (a transaction that rolled back), so the one before is not always n - 1.
    # Entries chained before sealing existed have no previous number: theirs is n - 1.
    # NULL rather than "" while waiting: many entries wait at once, and the hash is unique.
    previous_sequence = models.BigIntegerField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    entry_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "access log entries"
        # Django's internal manager must refuse changes too.
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["agency_slug", "-sequence"], name="accesslog_agency_seq"),
            models.Index(
                fields=["object_agency_slug", "-sequence"], name="accesslog_objagency_seq"
            ),
            models.Index(fields=["username", "-sequence"], name="accesslog_user_seq"),
            models.Index(fields=["object_type", "object_id"], name="accesslog_object"),
            models.Index(fields=["at"], name="accesslog_at"),
            # What the sealer reads: only the entries still waiting, a few at a time.
            models.Index(
                fields=["sequence"],
                condition=models.Q(entry_hash__isnull=True),
                name="accesslog_unsealed",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} by {self.username or 'anonymous'}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("The access log is append-only: entries cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The access log is append-only: entries cannot be deleted.")
