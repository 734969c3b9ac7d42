import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from cases.models.case import Case


class TransferState(models.TextChoices):
    REQUESTED = "requested", "Waiting for the receiving force"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class CaseTransfer(models.Model):
    """A police force asks another force to take a case over. The case stays with
    the sender until the receiving force's supervisor accepts; then the case, its
    records and its open duties move, and the sender keeps read access for a while
    through a grant (source "transfer")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transfers")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="transfers_received"
    )
    state = models.CharField(
        max_length=16, choices=TransferState.choices, default=TransferState.REQUESTED
    )
    reason = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # Why the receiving force declined, or why the sender withdrew the request.
    decision_reason = models.TextField(blank=True, default="")
    # Named by the receiving force when it accepts: the case's new lead officer.
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [
            models.Index(fields=["to_agency", "state", "-requested_at"], name="transfer_incoming"),
            models.Index(fields=["from_agency", "state"], name="transfer_outgoing"),
        ]
        constraints = [
            # One request at a time: a second would race the first for the case.
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(state="requested"),
                name="transfer_one_pending_per_case",
            ),
            models.CheckConstraint(
                name="transfer_not_to_itself",
                condition=~models.Q(from_agency=models.F("to_agency")),
            ),
            models.CheckConstraint(
                name="transfer_decided_has_time",
                condition=models.Q(state="requested", decided_at__isnull=True)
                | (~models.Q(state="requested") & models.Q(decided_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="transfer_accepted_has_lead",
                condition=~models.Q(state="accepted") | models.Q(lead_officer__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_agency_id} to {self.to_agency_id} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == TransferState.REQUESTED
