"""A person merge (issue 19): two records of one agency found to be the same person.
What moved from the merged record to the survivor is recorded row by row, so that
an undo puts back exactly those rows and nothing added to the survivor since."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from cases.models.person import Person

# How long a merge can be undone, in working days from the moment it was made.
MERGE_UNDO_WORKING_DAYS = 20
REASON_MAX_LENGTH = 2000


class PersonMerge(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField()
    # Computed once, when the merge is made (agencies.working_days), and stored.
    undo_until = models.DateTimeField()
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-merged_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-merged_at", "-id"], name="person_merge_agency"),
            models.Index(fields=["survivor"], name="person_merge_survivor"),
            models.Index(fields=["merged"], name="person_merge_merged"),
        ]
        constraints = [
            models.CheckConstraint(
                name="person_merge_two_people", condition=~models.Q(survivor=models.F("merged"))
            ),
            # A record is merged into one survivor at a time.
            models.UniqueConstraint(
                fields=["merged"],
                condition=models.Q(undone_at__isnull=True),
                name="person_merge_once",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of {self.merged_id} into {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class MoveOutcome(models.TextChoices):
    MOVED = "moved", "Moved to the survivor"
    RESTORED = "restored", "Put back by the undo"
    # Removed since the merge, or moved on again by someone: the undo leaves it.
    GONE = "gone", "No longer with the survivor at the undo"


class PersonMergeMove(models.Model):
    """One row that pointed at the merged person and was moved to the survivor:
    `reference` names what kind of row and which of its fields (a name registered
    in cases.person_references, such as "cases.party" or "safeguarding.flag")."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    merge = models.ForeignKey(PersonMerge, on_delete=models.PROTECT, related_name="moves")
    reference = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    outcome = models.CharField(
        max_length=16, choices=MoveOutcome.choices, default=MoveOutcome.MOVED
    )

    class Meta:
        ordering = ["reference", "object_id"]
        indexes = [models.Index(fields=["merge", "reference"], name="person_merge_move")]
        constraints = [
            models.UniqueConstraint(
                fields=["merge", "reference", "object_id"], name="person_merge_move_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.object_id}"
