import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Compartment, Team
from cases.models import Case, CaseParty, ContactLog, InvestigationEvent


class DutyKind(models.TextChoices):
    """Every duty of care that Tideline will not let anyone forget. One table, so
    that one list, one case panel and one sweep cover them all."""

    # The Victims' Code: updates (Right 6) and referral to support (Right 4).
    VICTIM_UPDATE = "victim_update", "Update the victim"
    VICTIM_SUPPORT_REFERRAL = (
        "victim_support_referral",
        "Refer the victim to support, or record their refusal",
    )
    # The suspect's family (Recommendation 11).
    FAMILY_PACK = "family_pack", "Offer the suspect's family a family pack"
    FAMILY_SUPPORT_OFFER = (
        "family_support_offer",
        "Offer the family support: a referral, or their refusal",
    )
    CHILDREN_SAFEGUARDING_REFERRAL = (
        "children_safeguarding_referral",
        "Refer the children in the suspect's household to the safeguarding hub",
    )
    # The suspect's own welfare (Recommendation 10).
    WELFARE_SCREENING = "welfare_screening", "Screen the suspect for suicide risk"
    SAFETY_PLAN = "safety_plan", "Make a safety plan before release"
    WELFARE_CHECK = "welfare_check", "Check on the suspect within 48 hours of release"
    WELFARE_CONTACT = "welfare_contact", "Welfare contact with the suspect"
    # A welfare check that twice could not reach the suspect: their supervisor acts
    # (a welfare visit by patrol, say) and records what was done.
    WELFARE_CHECK_ESCALATION = (
        "welfare_check_escalation",
        "Act on a welfare check that could not reach the suspect twice",
    )
    # A conditional caution's conditions fall due: the officer in charge records
    # whether they were complied with (Recommendations 13 and 18).
    CAUTION_COMPLIANCE = (
        "caution_compliance",
        "Record whether the conditional caution was complied with",
    )
    # The Victims' Right to Review (docs/adr/0017): after a decision not to charge,
    # tell the victim they may ask for it to be reviewed; after the review, its result.
    RIGHT_TO_REVIEW = (
        "right_to_review",
        "Tell the victim of their right to review the decision not to charge",
    )
    RIGHT_TO_REVIEW_RESULT = (
        "right_to_review_result",
        "Tell the victim the result of the review they asked for",
    )


VICTIM_DUTIES = frozenset(
    {
        DutyKind.VICTIM_UPDATE,
        DutyKind.VICTIM_SUPPORT_REFERRAL,
        DutyKind.RIGHT_TO_REVIEW,
        DutyKind.RIGHT_TO_REVIEW_RESULT,
    }
)
FAMILY_DUTIES = frozenset(
    {
        DutyKind.FAMILY_PACK,
        DutyKind.FAMILY_SUPPORT_OFFER,
        DutyKind.CHILDREN_SAFEGUARDING_REFERRAL,
    }
)
SUSPECT_DUTIES = frozenset(
    {
        DutyKind.WELFARE_SCREENING,
        DutyKind.SAFETY_PLAN,
        DutyKind.WELFARE_CHECK,
        DutyKind.WELFARE_CONTACT,
        DutyKind.WELFARE_CHECK_ESCALATION,
        DutyKind.CAUTION_COMPLIANCE,
    }
)
# A duty lives in the compartment of what it is about: the walls between victim,
# family and suspect records hold for duties too.
DUTY_COMPARTMENT: dict[str, str] = {
    **dict.fromkeys(VICTIM_DUTIES, Compartment.VICTIM),
    **dict.fromkeys(FAMILY_DUTIES, Compartment.FAMILY),
    **dict.fromkeys(SUSPECT_DUTIES, Compartment.SUSPECT),
}
# Duties met by logging a contact with their subject.
CONTACT_DUTIES = frozenset(
    {
        DutyKind.VICTIM_UPDATE,
        DutyKind.WELFARE_CHECK,
        DutyKind.WELFARE_CONTACT,
        DutyKind.RIGHT_TO_REVIEW,
        DutyKind.RIGHT_TO_REVIEW_RESULT,
    }
)
# Duties met by a referral, or closed by a recorded refusal or reason.
REFERRAL_DUTIES = frozenset(
    {
        DutyKind.VICTIM_SUPPORT_REFERRAL,
        DutyKind.FAMILY_SUPPORT_OFFER,
        DutyKind.CHILDREN_SAFEGUARDING_REFERRAL,
    }
)


class DutyTrigger(models.TextChoices):
    EVENT = "event", "An investigation event"
    CRIME_RECORDED = "crime_recorded", "The crime was recorded"
    REGULAR_UPDATE = "regular_update", "A regular update the victim agreed"
    NEW_POINT_OF_CONTACT = "new_point_of_contact", "A new named point of contact"
    CHILD_ADDED = "child_added", "A child was recorded in the household"
    SCREENING = "screening", "A welfare screening found a risk"
    WELFARE_CADENCE = "welfare_cadence", "The welfare contact cadence"
    SECOND_ATTEMPT = "second_attempt", "A welfare check could not reach the person"
    CHECK_ESCALATED = "check_escalated", "A second welfare check attempt failed"
    RISK_HIGHER = "risk_higher", "A welfare check found the risk higher"
    CAUTION_DUE = "caution_due", "A conditional caution's conditions fall due"
    DECISION_NOT_TO_CHARGE = "decision_not_to_charge", "A decision not to charge was recorded"
    REVIEW_DECIDED = "review_decided", "A review of a decision not to charge was decided"


class DutyStatus(models.TextChoices):
    OPEN = "open", "Open"
    MET = "met", "Met"
    DECLINED = "declined", "Declined by the person"
    # A welfare check that could not reach the person: not met, not declined and
    # not "no longer applies". It hands on to a second attempt (or, the second time,
    # to the supervisor), and the lists and statistics must say so plainly.
    NOT_REACHED = "not_reached", "Could not reach the person"
    NOT_NEEDED = "not_needed", "Not needed (reason recorded)"
    OPTED_OUT = "opted_out", "Not wanted: the victim asked not to be updated"
    CANCELLED = "cancelled", "No longer applies"


class Duty(models.Model):
    """Something owed to someone by a deadline, created by what happened in the case
    and stored with its due moment when it was created."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="duties")
    # Whom it is about: the victim, or the suspect (for their family and welfare).
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="duties")
    kind = models.CharField(max_length=40, choices=DutyKind.choices)
    compartment = models.CharField(max_length=32, choices=Compartment.choices, editable=False)
    trigger = models.CharField(max_length=32, choices=DutyTrigger.choices)
    # What created it, in words the list can show: "Suspect arrested on 3 Nov 2026".
    reason = models.CharField(max_length=300)
    event = models.ForeignKey(
        InvestigationEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="duties"
    )
    # Names what created the duty, so that a handler run twice creates it once.
    source_key = models.CharField(max_length=200, unique=True, editable=False)
    due_at = models.DateTimeField()
    # Most duties count in working days (17:00 on the day); the 48-hour check is a
    # clock deadline and is shown with its countdown.
    due_by_clock = models.BooleanField(default=False)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties",
    )
    status = models.CharField(max_length=16, choices=DutyStatus.choices, default=DutyStatus.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # How it was met: the contact, the referral, or the reason recorded.
    contact = models.ForeignKey(
        ContactLog, on_delete=models.PROTECT, null=True, blank=True, related_name="duties_met"
    )
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="duties_met",
    )
    resolution_note = models.TextField(blank=True, default="")
    # For a children's duty closed because they are already known: their reference.
    external_reference = models.CharField(max_length=100, blank=True, default="")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_at", "created_at"]
        verbose_name_plural = "duties"
        indexes = [
            # Whose list it is, then the lists' order (`welfare.selectors.duties.DUTY_ORDER`),
            # ending in the key: a page is read from the index with nothing to sort.
            models.Index(fields=["responsible", "status", "due_at", "id"], name="duty_mine"),
            models.Index(fields=["team", "status", "due_at", "id"], name="duty_team"),
            models.Index(fields=["agency", "status", "due_at", "id"], name="duty_agency"),
            models.Index(fields=["case", "status", "due_at"], name="duty_case"),
            models.Index(fields=["party", "kind", "status"], name="duty_party_kind"),
            models.Index(
                fields=["due_at"], name="duty_open_due", condition=models.Q(status="open")
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="duty_resolved_has_time",
                condition=models.Q(status="open", resolved_at__isnull=True)
                | (~models.Q(status="open") & models.Q(resolved_at__isnull=False)),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == DutyStatus.OPEN
