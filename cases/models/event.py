import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.case import Case
from cases.models.party import CaseParty


class EventKind(models.TextChoices):
    """What happens to a suspect in the investigation. Each kind is the source of
    the duties that follow from it (victim updates, family support, suspect
    welfare); the apps that own those duties register their handlers in
    `cases.events`."""

    SEARCHED = "searched", "Premises searched"
    ARRESTED = "arrested", "Arrested"
    VOLUNTARY_INTERVIEW = "voluntary_interview", "Voluntary interview under caution"
    INTERVIEWED = "interviewed", "Interviewed under caution"
    RELEASED_WITHOUT_CHARGE = "released_without_charge", "Released without charge"
    BAILED = "bailed", "Released on pre-charge bail"
    BAIL_EXTENDED = "bail_extended", "Pre-charge bail extended"
    BAIL_CONDITIONS_CHANGED = "bail_conditions_changed", "Bail conditions changed"
    RELEASED_UNDER_INVESTIGATION = "released_under_investigation", "Released under investigation"
    CHARGED = "charged", "Charged"
    NO_FURTHER_ACTION = "no_further_action", "No further action decided"
    OUTCOME_RECORDED = "outcome_recorded", "Outcome recorded"
    PASSED_TO_PROSECUTOR = "passed_to_prosecutor", "Case passed to the prosecutor"
    COURT_OUTCOME = "court_outcome", "Court outcome"


# The events that let a suspect go from police custody or from the interview room.
RELEASE_EVENTS = frozenset(
    {
        EventKind.RELEASED_WITHOUT_CHARGE,
        EventKind.BAILED,
        EventKind.RELEASED_UNDER_INVESTIGATION,
        EventKind.NO_FURTHER_ACTION,
    }
)
# The events by which a suspect first learns of the investigation.
FIRST_CONTACT_EVENTS = frozenset(
    {EventKind.SEARCHED, EventKind.ARRESTED, EventKind.VOLUNTARY_INTERVIEW}
)
# The limbo the report's Recommendation 10 is about: released, nothing decided.
LIMBO_EVENTS = frozenset({EventKind.BAILED, EventKind.RELEASED_UNDER_INVESTIGATION})
# The events that end it.
DECISION_EVENTS = frozenset(
    {
        EventKind.CHARGED,
        EventKind.NO_FURTHER_ACTION,
        EventKind.OUTCOME_RECORDED,
        EventKind.COURT_OUTCOME,
    }
)


class BailAuthority(models.TextChoices):
    """Who may extend pre-charge bail, and how far from the first release
    (Police and Criminal Evidence Act 1984 ss.47ZB-47ZG, as amended in 2022)."""

    INSPECTOR = "inspector", "Inspector (up to 6 months)"
    SUPERINTENDENT = "superintendent", "Superintendent (up to 9 months)"
    MAGISTRATES = "magistrates", "Magistrates' court (beyond 9 months)"


class InvestigationEvent(models.Model):
    """One thing that happened to one suspect. Never edited: a mistake is corrected
    by a later event, so that the duties it created keep their source."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    suspect = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    occurred_at = models.DateTimeField()
    # Pre-charge bail: when it ends, and for an extension, who authorised it.
    bail_end_on = models.DateField(null=True, blank=True)
    bail_authority = models.CharField(
        max_length=16, choices=BailAuthority.choices, blank=True, default=""
    )
    details = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_at", "created_at"]
        indexes = [
            models.Index(fields=["case", "occurred_at"], name="event_case_when"),
            models.Index(fields=["suspect", "kind", "occurred_at"], name="event_suspect_kind"),
            models.Index(fields=["kind", "occurred_at"], name="event_kind_when"),
        ]
        constraints = [
            models.CheckConstraint(
                name="event_bail_has_end",
                condition=~models.Q(kind__in=["bailed", "bail_extended"])
                | models.Q(bail_end_on__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.occurred_at:%Y-%m-%d %H:%M}"
