import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from simple_history import register
from simple_history.models import HistoricalRecords

from agencies.models.agency import Agency, Team


class Role(models.TextChoices):
    GENERALIST_OFFICER = "generalist_officer", "Generalist officer"
    SPECIALIST_INVESTIGATOR = "specialist_investigator", "Specialist investigator"
    POLICE_SUPERVISOR = "police_supervisor", "Police supervisor"
    MASH_COORDINATOR = "mash_coordinator", "MASH coordinator"
    SOCIAL_WORKER = "social_worker", "Social worker"
    PARTNER_CASEWORKER = "partner_caseworker", "Partner caseworker"
    AGENCY_ADMIN = "agency_admin", "Agency admin"
    AUDITOR = "auditor", "Auditor"
    # Information governance (issue 19): reviews closed records when they fall due,
    # decides to keep or dispose, and answers subject access requests.
    RECORDS_MANAGER = "records_manager", "Records manager"


class Compartment(models.TextChoices):
    # What every reader of a case may see: the case itself, witnesses, referrers.
    CASE = "case", "Case"
    VICTIM = "victim", "Victim"
    SUSPECT = "suspect", "Suspect"
    FAMILY = "family", "Family"
    CHILD_SAFEGUARDING = "child_safeguarding", "Child safeguarding"
    MATERIAL = "material", "Material"
    STAFF_WELFARE = "staff_welfare", "Staff welfare"


class Membership(models.Model):
    """A user's one place in one agency. The role decides what they may do; the
    agency decides which records. Whether the person may sign in at all is the
    user's is_active flag: one switch, which Django's own authentication honours."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="membership"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="memberships", null=True, blank=True
    )
    role = models.CharField(max_length=32, choices=Role.choices)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__username"]
        indexes = [models.Index(fields=["agency", "role"], name="membership_agency_role")]

    def __str__(self) -> str:
        return f"{self.user.get_username()} ({self.get_role_display()}, {self.agency.slug})"

    def clean(self) -> None:
        """A role from the list, and no team but one of the member's own agency."""
        errors: dict[str, list[str]] = {}
        if self.role not in Role.values:
            errors["role"] = [f"Choose one of: {', '.join(Role.values)}."]
        if self.team is not None and self.team.agency_id != self.agency_id:
            errors["team"] = ["Choose a team of your own agency."]
        if errors:
            raise ValidationError(errors)

    @property
    def full_name(self) -> str:
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_active(self) -> bool:
        return self.user.is_active


# The account itself (name, email, whether it may sign in) has history too; the
# password hash and sign-in times are left out of it.
register(
    get_user_model(),
    app="agencies",
    excluded_fields=["password", "last_login"],
    table_name="agencies_historicaluser",
)
