"""An intake item: the reports that share an identifier, folded into one piece of
work, triaged, deconflicted and decided once."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Team
from cases.models import Case
from safeguarding.models import SharedLevel


class ItemState(models.TextChoices):
    # Another agency holds a matching identifier: nothing is decided until a
    # supervisor records the coordination agreed with them.
    HELD_FOR_DECONFLICTION = "held", "Held for deconfliction"
    AWAITING_DECISION = "awaiting_decision", "Awaiting a decision"
    DECIDED = "decided", "Decided"


class IntakeDecision(models.TextChoices):
    OPEN_CASE = "open_case", "Open a case"
    ATTACH_TO_CASE = "attach_to_case", "Attach to an existing case"
    PASS_TO_FORCE = "pass_to_force", "Pass to another force"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class IntakeItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(
        max_length=20, choices=ItemState.choices, default=ItemState.AWAITING_DECISION
    )
    # The earliest report's receipt: the preservation clock and the target run from it.
    received_at = models.DateTimeField()
    report_count = models.PositiveIntegerField(default=0)
    youngest_age = models.PositiveSmallIntegerField(null=True, blank=True)
    # Triage (intake.services.triage): the score, each factor with its weight and
    # what it added ([{"factor", "label", "weight", "value", "points"}]), the shared
    # level and the agency's own grade, and when the agency's target says to act.
    triage_score = models.PositiveIntegerField(default=0)
    triage_factors = models.JSONField(default=list, blank=True)
    level = models.CharField(
        max_length=16, choices=SharedLevel.choices, default=SharedLevel.UNKNOWN
    )
    # 0 for critical, 1 for everything else: critical items always come first.
    band = models.PositiveSmallIntegerField(default=1)
    agency_grade = models.CharField(max_length=60, blank=True, default="")
    action_due_at = models.DateTimeField()
    # The service provider keeps its data for a limited time: a preservation request
    # is owed within 5 working days of receipt.
    preservation_due_at = models.DateTimeField()
    preservation_sent_at = models.DateTimeField(null=True, blank=True)
    preservation_sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    preservation_reference = models.CharField(max_length=100, blank=True, default="")
    # The one decision, with who made it and why.
    decision = models.CharField(
        max_length=24, choices=IntakeDecision.choices, blank=True, default=""
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(blank=True, default="")
    # The case opened or attached to, or the force it was passed to.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="intake_items"
    )
    passed_to = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["band", "action_due_at", "id"]
        indexes = [
            # The intake queue: the agency's undecided items, critical first, then the
            # moment they are due, ending in the key (a keyset page, nothing sorted).
            models.Index(
                fields=["agency", "band", "action_due_at", "id"],
                name="item_queue",
                condition=~models.Q(state="decided"),
            ),
            # The preservation sweep: requests still owed, by due moment.
            models.Index(
                fields=["preservation_due_at"],
                name="item_preservation_owed",
                condition=models.Q(preservation_sent_at__isnull=True),
            ),
            models.Index(fields=["case"], name="item_case"),
        ]
        constraints = [
            models.CheckConstraint(
                name="item_decided_has_decision",
                condition=(
                    models.Q(state="decided")
                    & ~models.Q(decision="")
                    & models.Q(decided_at__isnull=False)
                )
                | (~models.Q(state="decided") & models.Q(decision="", decided_at__isnull=True)),
            )
        ]

    def __str__(self) -> str:
        return f"Intake item {self.id} ({self.get_state_display()})"


class DeconflictionHit(models.Model):
    """An identifier of an item already held on another agency's case. Each side
    learns only that the other holds a match, and whom to contact: never the other's
    case, reference, people or identifier. The holding case is kept here for the
    audit trail and the holder's own view; no page of the item's side shows it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    item = models.ForeignKey(IntakeItem, on_delete=models.CASCADE, related_name="hits")
    holding_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    holding_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    # Whom the item's side contacts: the holding case's team, else the agency.
    holding_contact_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Which kind of identifier matched, for the audit trail: never shown to either side.
    matched_kind = models.CharField(max_length=32)
    found_at = models.DateTimeField()
    coordinated_at = models.DateTimeField(null=True, blank=True)
    coordinated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    coordination_note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["found_at", "id"]
        indexes = [
            models.Index(fields=["holding_agency", "-found_at"], name="hit_holder"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["item", "holding_case"], name="hit_once_per_case")
        ]

    def __str__(self) -> str:
        return f"Deconfliction hit for {self.item_id}"
