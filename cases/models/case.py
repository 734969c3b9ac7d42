import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Team
from cases.models.rules import Errors, RulesFirst, in_order, not_in_future, one_of


class CaseSource(models.TextChoices):
    NCA_INDUSTRY_REPORT = "nca_industry_report", "NCA / NCMEC industry report"
    VICTIM_OR_PARENT = "victim_or_parent", "Victim or parent"
    SCHOOL = "school", "School"
    HELPLINE = "helpline", "Helpline"
    PROACTIVE = "proactive", "Proactive police work"
    ACTIVIST_GROUP = "activist_group", "Online activist group"
    OTHER_AGENCY = "other_agency", "Another agency"
    OTHER = "other", "Other"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class ClosingReason(models.TextChoices):
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded for every suspect"
    NO_CRIME = "no_crime", "No crime"
    TRANSFERRED = "transferred", "Transferred to another force or agency"
    DUPLICATE = "duplicate", "Duplicate of another case"
    OTHER = "other", "Other"


# The reasons a person may choose when closing a case. "Transferred" stays a value
# for the cases closed that way before transfers existed; a transfer now moves the
# case to the other force (cases.services.transfers), it does not close it.
CLOSING_REASONS_CHOSEN_BY_HAND = tuple(
    (value, label) for value, label in ClosingReason.choices if value != ClosingReason.TRANSFERRED
)


class Case(RulesFirst, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=32, unique=True, editable=False)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closing_reason = models.CharField(
        max_length=32, choices=ClosingReason.choices, blank=True, default=""
    )
    closing_note = models.TextField(blank=True, default="")
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases_led",
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="cases"
    )
    source = models.CharField(max_length=32, choices=CaseSource.choices)
    source_reference = models.CharField(max_length=100, blank=True, default="")
    received_on = models.DateField()
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-created_at"]
        indexes = [
            models.Index(
                fields=["owning_agency", "-received_on", "-id"], name="case_agency_received"
            ),
            # The case list's order across agencies: what a scope that is the agency's
            # own cases OR those granted to it walks, newest first, until a page is
            # full (an OR cannot use the index above, which leads with the agency).
            models.Index(fields=["-received_on", "-id"], name="case_received"),
            # The same, for the list filtered by status: closed cases are the older
            # ones, so walking case_received for them reads every recent open case first.
            models.Index(fields=["status", "-received_on", "-id"], name="case_status_received"),
            # A search for a whole reference, case-insensitively (`reference__iexact`).
            # Substring searches of the reference, the title and the names use trigram
            # indexes, made on PostgreSQL only (migration 0006).
            models.Index(Upper("reference"), name="case_reference_upper"),
            models.Index(fields=["owning_agency", "status"], name="case_agency_status"),
            models.Index(fields=["owning_agency", "source"], name="case_agency_source"),
            models.Index(fields=["lead_officer", "status"], name="case_lead_status"),
            models.Index(fields=["team", "status"], name="case_team_status"),
        ]
        constraints = [
            models.CheckConstraint(
                name="case_closed_has_reason_and_date",
                condition=(
                    models.Q(status=CaseStatus.OPEN, closed_on__isnull=True, closing_reason="")
                    | (
                        models.Q(status=CaseStatus.CLOSED, closed_on__isnull=False)
                        & ~models.Q(closing_reason="")
                    )
                ),
            ),
        ]
        # A grant of the whole case (every party the grantee is cleared for) holds
        # this beside `view_case`; a grant scoped to parties holds `view_caseparty`
        # on each of them instead (ADR 0002, agencies.access.party_scope).
        # A read-only grant (the force that handed the case over) holds
        # `read_only_case` too: it reads what a grant shows and adds nothing.
        permissions = [
            ("view_whole_case", "Can see every party of a granted case"),
            ("read_only_case", "Can only read a granted case"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    def rules(self) -> Errors:
        errors: Errors = {}
        one_of(self.source, CaseSource.values, "source", errors)
        if not (self.title or "").strip():
            errors["title"] = ["Enter a title."]
        not_in_future(self.received_on, "received_on", errors)
        not_in_future(self.opened_on, "opened_on", errors)
        # A received date in the future is the one mistake to report; an opening date
        # "before" it follows from that mistake, not from a second one.
        if "received_on" not in errors:
            in_order(
                self.received_on, self.opened_on, "opened_on", errors, earlier_label="received_on"
            )
        return errors

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class CaseReferenceCounter(models.Model):
    """The last reference number used per agency and year; never goes back, so a
    reference is never reused."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="case_counter_agency_year")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}: {self.last_number}"


class CaseUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's direct foreign-key table for per-user grants of a case."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian's direct foreign-key table: a grant of a case to another
    agency is a permission held by that agency's grant group (ADR 0002)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class GrantSource(models.TextChoices):
    NAMED = "named", "Named by the owning agency"
    REFERRAL = "referral", "An accepted referral"
    # The force that handed the case over keeps reading it for a while.
    TRANSFER = "transfer", "A transfer to another force"


class CaseGrant(models.Model):
    """Why another agency may see a case, who allowed it, and when it ended. The
    permission itself is the guardian row; this is its reason and history.

    The source is stored as plain fields (kind, id, label) so that cases depends on
    nothing above it: a referral grant names its referral without a foreign key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="grants")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="case_grants")
    reason = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.TextField(blank=True, default="")
    source_kind = models.CharField(
        max_length=16, choices=GrantSource.choices, default=GrantSource.NAMED
    )
    source_id = models.UUIDField(null=True, blank=True)
    source_label = models.CharField(max_length=200, blank=True, default="")
    # Scoped to parties: the grantee sees only `parties` (and what it is cleared for
    # of them). Stored as a flag, so that a scoped grant whose parties are gone
    # shows nobody rather than everybody.
    party_scoped = models.BooleanField(default=False)
    parties = models.ManyToManyField("cases.CaseParty", blank=True, related_name="grants")
    # When it ends by itself unless renewed; None while it lasts until revoked.
    expires_at = models.DateTimeField(null=True, blank=True)
    renewed_at = models.DateTimeField(null=True, blank=True)
    renewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    renew_reason = models.TextField(blank=True, default="")
    # Ended by itself at `expires_at`, not revoked by a person.
    expired = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-granted_at"]
        indexes = [
            models.Index(
                fields=["expires_at"],
                name="case_grant_expiry",
                condition=models.Q(revoked_at__isnull=True, expires_at__isnull=False),
            ),
            models.Index(fields=["source_kind", "source_id"], name="case_grant_source"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=models.Q(revoked_at__isnull=True),
                name="case_grant_one_live_per_agency",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} granted to {self.agency_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
