import uuid

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase
from simple_history.models import HistoricalRecords

from agencies.models import Compartment
from cases.models.case import Case
from cases.models.person import Person


class PartyRole(models.TextChoices):
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    FAMILY_MEMBER = "family_member", "Family member of a suspect"
    CHILD_IN_HOUSEHOLD = "child_in_household", "Child in the suspect's household"
    WITNESS = "witness", "Witness"
    REFERRER = "referrer", "Referrer"


# A party's compartment follows from its part in the case (the design's access model).
COMPARTMENT_OF_ROLE: dict[str, str] = {
    PartyRole.VICTIM: Compartment.VICTIM,
    PartyRole.SUSPECT: Compartment.SUSPECT,
    PartyRole.FAMILY_MEMBER: Compartment.FAMILY,
    PartyRole.CHILD_IN_HOUSEHOLD: Compartment.FAMILY,
    PartyRole.WITNESS: Compartment.CASE,
    PartyRole.REFERRER: Compartment.CASE,
}


class CaseParty(models.Model):
    """A person's part in one case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="parts")
    role = models.CharField(max_length=32, choices=PartyRole.choices)
    # Stored, not derived at query time, so that scoping is one indexed filter.
    compartment = models.CharField(max_length=32, choices=Compartment.choices, editable=False)
    # For a family member or child in the household: whose, and how related.
    related_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="relatives"
    )
    relationship = models.CharField(max_length=100, blank=True, default="")
    notes = models.TextField(blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "case parties"
        indexes = [
            models.Index(fields=["case", "compartment"], name="party_case_compartment"),
            models.Index(fields=["person", "compartment"], name="party_person_compartment"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person", "role"], name="party_unique_role_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} in {self.case_id}"


class CasePartyGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's direct foreign-key table for grants scoped to parties: the
    grantee's grant group holds `view_caseparty` on each party it may see."""

    content_object = models.ForeignKey(CaseParty, on_delete=models.CASCADE)
