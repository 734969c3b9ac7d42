import uuid
from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from cases.models import Case, CaseParty, InvestigationEvent
from cases.models.base import Versioned, user_ref


class Answer(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known or would not say"


class ScreeningResult(models.TextChoices):
    AT_RISK = "at_risk", "At risk"
    NOT_AT_RISK = "not_at_risk", "Not at risk"
    UNKNOWN = "unknown", "Unknown"


class WelfareScreening(models.Model):
    """The short suicide-risk screening when a suspect learns of the investigation,
    and again at charge, no further action and release. At risk or unknown raises
    the suicide-risk flag: unknown is never treated as safe."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="welfare_screenings")
    suspect = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, related_name="welfare_screenings"
    )
    event = models.ForeignKey(
        InvestigationEvent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="welfare_screenings",
    )
    screened_at = models.DateTimeField()
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    thoughts_of_suicide = models.CharField(max_length=8, choices=Answer.choices)
    previous_attempts = models.CharField(max_length=8, choices=Answer.choices)
    mental_health_concerns = models.CharField(max_length=8, choices=Answer.choices)
    support_around_them = models.CharField(max_length=8, choices=Answer.choices)
    impact_on_job_and_family = models.TextField(blank=True, default="")
    result = models.CharField(max_length=16, choices=ScreeningResult.choices)
    notes = models.TextField(blank=True, default="")
    # The suicide-risk flag this screening raised, if it raised one.
    flag = models.ForeignKey(
        "safeguarding.Flag", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-screened_at"]
        indexes = [
            models.Index(fields=["case", "-screened_at"], name="screening_case"),
            models.Index(fields=["suspect", "-screened_at"], name="screening_suspect"),
            models.Index(fields=["screened_at"], name="screening_when"),
        ]

    def __str__(self) -> str:
        return f"Screening: {self.get_result_display()}"

    # The questions asked, each answered yes, no or not known.
    ANSWER_FIELDS = (
        "thoughts_of_suicide",
        "previous_attempts",
        "mental_health_concerns",
        "support_around_them",
    )
    # The fields `clean` checks, with the messages the pages and the API show, rather
    # than Django's own field checks.
    CLEANED_FIELDS = (*ANSWER_FIELDS, "result")

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude={*(exclude or ()), *self.CLEANED_FIELDS})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {
            name: ["Choose yes, no or not known."]
            for name in self.ANSWER_FIELDS
            if getattr(self, name) not in Answer.values
        }
        said_yes = Answer.YES in (self.thoughts_of_suicide, self.previous_attempts)
        if self.result not in ScreeningResult.values:
            errors["result"] = ["Choose at risk, not at risk or unknown."]
        elif self.result == ScreeningResult.NOT_AT_RISK and said_yes:
            errors["result"] = [
                "A suspect with thoughts of suicide or previous attempts cannot be screened "
                "as not at risk: choose at risk, or unknown."
            ]
        if errors:
            raise ValidationError(errors)


class SafetyPlan(Versioned):
    """Before a suspect flagged at risk is released: who was told, what support was
    offered, how they get home safely. The 48-hour check after release is a duty
    (`DutyKind.WELFARE_CHECK`) with a clock deadline."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="safety_plans")
    suspect = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="safety_plans")
    screening = models.ForeignKey(
        WelfareScreening,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="safety_plans",
    )
    # Lists of `SafetyPlanTold` and `SafetyPlanSupport` values.
    told = models.JSONField(default=list)
    next_of_kin_consent = models.BooleanField(null=True, blank=True)
    support_offered = models.JSONField(default=list)
    safe_release_arrangements = models.TextField()
    notes = models.TextField(blank=True, default="")
    # Set by the release event that followed the plan.
    released_at = models.DateTimeField(null=True, blank=True)
    release_event = models.ForeignKey(
        InvestigationEvent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = user_ref()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "-created_at"], name="safety_plan_case"),
            models.Index(fields=["suspect", "-created_at"], name="safety_plan_suspect"),
            models.Index(fields=["created_at"], name="safety_plan_when"),
        ]

    def __str__(self) -> str:
        return f"Safety plan for {self.suspect_id}"

    # The fields `clean` checks, with the messages the pages and the API show, rather
    # than Django's own field checks.
    CLEANED_FIELDS = ("told", "support_offered", "next_of_kin_consent", "safe_release_arrangements")

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude={*(exclude or ()), *self.CLEANED_FIELDS})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        told, support = self.told or [], self.support_offered or []
        if any(value not in SafetyPlanTold.values for value in told):
            errors["told"] = [f"Choose from: {', '.join(SafetyPlanTold.values)}."]
        if any(value not in SafetyPlanSupport.values for value in support):
            errors["support_offered"] = [f"Choose from: {', '.join(SafetyPlanSupport.values)}."]
        if SafetyPlanTold.NEXT_OF_KIN in told and self.next_of_kin_consent is not True:
            errors["next_of_kin_consent"] = [
                "Next of kin may be told only with the suspect's consent: record that they "
                "consented."
            ]
        if not (self.safe_release_arrangements or "").strip():
            errors["safe_release_arrangements"] = [
                "Describe the safe-release arrangements: how they get home, and who is with them."
            ]
        if not told and not support and "told" not in errors:
            errors["told"] = ["Record who was told, or the support offered."]
        if errors:
            raise ValidationError(errors)


class SafetyPlanTold(models.TextChoices):
    CUSTODY_HEALTHCARE = "custody_healthcare", "Custody healthcare"
    GP = "gp", "GP"
    CRISIS_TEAM = "crisis_team", "Mental health crisis team"
    NEXT_OF_KIN = "next_of_kin", "Next of kin (with consent)"


class SafetyPlanSupport(models.TextChoices):
    SAMARITANS = "samaritans", "Samaritans"
    STOP_IT_NOW = (
        "stop_it_now",
        "Stop It Now (confidential help with sexual thoughts about children)",
    )
    SOLICITOR = "solicitor", "Their solicitor"
    OTHER = "other", "Other support (see notes)"


class IncidentKind(models.TextChoices):
    SELF_HARM = "self_harm", "Self-harm"
    SUICIDE_ATTEMPT = "suicide_attempt", "Suicide attempt"
    DEATH = "death", "Death"


class IncidentStage(models.TextChoices):
    BEFORE_ARREST = "before_arrest", "Before arrest"
    IN_CUSTODY = "in_custody", "In custody"
    WITHIN_48_HOURS = "within_48_hours", "Within 48 hours of release"
    UNDER_INVESTIGATION = "under_investigation", "Released under investigation or on bail"
    AFTER_CHARGE = "after_charge", "After charge"
    AFTER_OUTCOME = "after_outcome", "After the outcome"


class WelfareIncident(Versioned):
    """Self-harm, a suicide attempt or a death of a suspect. A death or serious harm
    after police contact must be referred to the Independent Office for Police
    Conduct (Police Reform Act 2002), recorded here with its reference."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="welfare_incidents")
    suspect = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, related_name="welfare_incidents"
    )
    kind = models.CharField(max_length=16, choices=IncidentKind.choices)
    stage = models.CharField(max_length=24, choices=IncidentStage.choices)
    occurred_at = models.DateTimeField()
    serious_harm = models.BooleanField(default=False)
    description = models.TextField()
    # Stored from the rule when recorded, so that an outstanding referral is one filter.
    iopc_referral_required = models.BooleanField(default=False)
    iopc_reference = models.CharField(max_length=60, blank=True, default="")
    iopc_referred_on = models.DateField(null=True, blank=True)
    recorded_by = user_ref()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_at"]
        indexes = [
            models.Index(fields=["case", "-occurred_at"], name="incident_case"),
            models.Index(fields=["occurred_at"], name="incident_when"),
            models.Index(
                fields=["occurred_at"],
                name="incident_iopc_outstanding",
                condition=models.Q(iopc_referral_required=True, iopc_reference=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_stage_display()})"

    # The fields `clean` checks, with the messages the pages and the API show, rather
    # than Django's own field checks.
    CLEANED_FIELDS = ("kind", "stage", "description")

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        super().clean_fields(exclude={*(exclude or ()), *self.CLEANED_FIELDS})

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if self.kind not in IncidentKind.values:
            errors["kind"] = ["Choose self-harm, suicide attempt or death."]
        if self.stage not in IncidentStage.values:
            errors["stage"] = ["Choose the stage of the investigation."]
        if not (self.description or "").strip():
            errors["description"] = ["Describe what happened."]
        if errors:
            raise ValidationError(errors)


class CheckOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke with them"
    NOT_REACHED = "not_reached", "Could not reach them"
    DECLINED = "declined", "They declined to talk"
    # The supervisor's answer to a check that twice could not reach the person.
    ACTION_RECORDED = "action_recorded", "Supervisor recorded the action taken"


class RiskNow(models.TextChoices):
    LOWER = "lower", "Lower"
    UNCHANGED = "unchanged", "Unchanged"
    HIGHER = "higher", "Higher"


class WelfareCheckAttempt(models.Model):
    """One attempt at a welfare check (the 48-hour check, a second attempt, a welfare
    contact) or the supervisor's action on an escalated one: its outcome, the contact
    it logged, and for a conversation the risk now, what was said and the support
    offered again. A check is met only by speaking with the person
    (`welfare.services.welfare_checks`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    duty = models.ForeignKey(
        "welfare.Duty", on_delete=models.PROTECT, related_name="check_attempts"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="welfare_checks")
    suspect = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="welfare_checks")
    # None for the supervisor's action, which is not a contact with the person.
    contact = models.ForeignKey(
        "cases.ContactLog",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="welfare_checks",
    )
    outcome = models.CharField(max_length=16, choices=CheckOutcome.choices)
    made_at = models.DateTimeField()
    risk_now = models.CharField(max_length=10, choices=RiskNow.choices, blank=True, default="")
    what_was_said = models.TextField(blank=True, default="")
    support_offered = models.TextField(blank=True, default="")
    action_taken = models.TextField(blank=True, default="")
    notes = models.TextField(blank=True, default="")
    # Whole hours after the duty's due moment, rounded up; None when made in time.
    made_late_by_hours = models.PositiveIntegerField(null=True, blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-made_at"]
        indexes = [
            models.Index(fields=["duty", "-made_at"], name="check_attempt_duty"),
            models.Index(fields=["case", "-made_at"], name="check_attempt_case"),
            models.Index(fields=["made_at"], name="check_attempt_when"),
        ]

    def __str__(self) -> str:
        return f"Welfare check: {self.get_outcome_display()}"
