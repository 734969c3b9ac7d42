import uuid
from datetime import UTC, date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Least
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Team
from cases.models import Case, CaseParty
from cases.models.rules import not_in_future, one_of
from referrals.models.purposes import PURPOSES, ReferralPurpose


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediate"
    URGENT = "urgent", "Urgent"
    ROUTINE = "routine", "Routine"


class ReferralState(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    RETURNED = "returned", "Returned for more information"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class LawfulBasis(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement purpose (DPA 2018 Part 3)"
    PUBLIC_TASK = "public_task", "Public task"
    LEGITIMATE_INTERESTS = (
        "legitimate_interests",
        "Legitimate interests or recognised legitimate interest",
    )
    VITAL_INTERESTS = "vital_interests", "Vital interests"
    CONSENT = "consent", "Consent"


class SensitiveCondition(models.TextChoices):
    SAFEGUARDING = (
        "safeguarding",
        "Safeguarding of children and of individuals at risk (DPA 2018 Sch. 1 para 18)",
    )
    STATUTORY_PURPOSES = "statutory_purposes", "Statutory and government purposes"
    PREVENTING_CRIME = "preventing_crime", "Preventing or detecting unlawful acts"
    SUPPORT_FOR_INDIVIDUALS = (
        "support_for_individuals",
        "Counselling and support for individuals",
    )
    EXPLICIT_CONSENT = "explicit_consent", "Explicit consent"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    NOT_SOUGHT = "not_sought", "Not sought"


class ThresholdDecisionKind(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    UNIVERSAL = "universal", "Universal services or signposting"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need assessment (section 17)"
    STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion (section 47)"


class CompletionOutcome(models.TextChoices):
    SUPPORT_PROVIDED = "support_provided", "Support provided"
    SUPPORT_DECLINED = "support_declined", "Support declined by the person"
    UNABLE_TO_CONTACT = "unable_to_contact", "Unable to make contact"
    REFERRED_ON = "referred_on", "Referred on"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


def _earliest(*deadlines: Combinable) -> Least:
    """The earliest of `deadlines` that are set, NULL when none is: PostgreSQL's LEAST
    skips NULLs but SQLite's MIN does not, so each is coalesced with the others."""
    return Least(
        *(Coalesce(due, *deadlines[:i], *deadlines[i + 1 :]) for i, due in enumerate(deadlines))
    )


# The threshold decision is owed until one is recorded.
_THRESHOLD_OWED = models.Case(
    models.When(threshold_decided_at__isnull=True, then=F("threshold_due_at")), default=None
)
# When nothing is owed: later than any deadline, so that such referrals come last
# in the inbox's index, and the column is never NULL (a NULL leading a keyset's
# comparison would turn its range into an OR no index serves in order).
NOTHING_OWED = datetime(9000, 1, 1, tzinfo=UTC)
# The first deadline the receiver still owes (`referrals.views.display.inbox_due`,
# which the inbox's rows show): to accept or decline, to offer victim support, to
# decide the threshold, to update the referrer; `NOTHING_OWED` when it owes none
# (returned, declined, completed, withdrawn, a draft). Stored, so that the inbox is
# read in this order from an index: it is overdue exactly when this has passed.
RECEIVER_DUE_AT = Coalesce(
    models.Case(
        models.When(
            Q(state="sent"),
            then=_earliest(F("decision_due_at"), F("victim_support_due_at"), _THRESHOLD_OWED),
        ),
        models.When(
            Q(state__in=["accepted", "in_progress"]),
            then=_earliest(F("stale_at"), _THRESHOLD_OWED),
        ),
        default=None,
        output_field=models.DateTimeField(),
    ),
    Value(NOTHING_OWED),
    output_field=models.DateTimeField(),
)
URGENCY_RANK = models.Case(
    models.When(urgency="immediate", then=Value(0)),
    models.When(urgency="urgent", then=Value(1)),
    default=Value(2),
    output_field=models.PositiveSmallIntegerField(),
)


class Referral(models.Model):
    """A tasked handoff from one agency to another about one case. The receiver sees
    only `disclosure`, fixed when the referral is sent; never the live case."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_received"
    )
    to_team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals_received"
    )
    purpose = models.CharField(max_length=32, choices=ReferralPurpose.choices)
    urgency = models.CharField(max_length=16, choices=Urgency.choices)
    state = models.CharField(
        max_length=16, choices=ReferralState.choices, default=ReferralState.DRAFT
    )

    # What the sender chooses to share: the parties, and for each the fields.
    parties = models.ManyToManyField(CaseParty, related_name="referrals", blank=True)
    # {party_id: [field names]}
    shared_fields = models.JSONField(default=dict, blank=True)
    summary_for_receiver = models.TextField(blank=True, default="")
    share_risk = models.BooleanField(default=True)
    share_flags = models.BooleanField(default=True)
    # Why a victim-support partner needs to know about a suspect, when it does.
    suspect_details_reason = models.TextField(blank=True, default="")
    # The immutable snapshot fixed at send: exactly what the receiver sees.
    disclosure = models.JSONField(null=True, blank=True, editable=False)

    lawful_basis = models.CharField(
        max_length=32, choices=LawfulBasis.choices, blank=True, default=""
    )
    sensitive_condition = models.CharField(
        max_length=32, choices=SensitiveCondition.choices, blank=True, default=""
    )
    consent_status = models.CharField(
        max_length=16, choices=ConsentStatus.choices, blank=True, default=""
    )
    consent_given_on = models.DateField(null=True, blank=True)
    consent_how = models.CharField(max_length=200, blank=True, default="")
    consent_given_by = models.CharField(
        max_length=200, blank=True, default="", help_text="The person, or for a child, the parent."
    )
    consent_reason = models.TextField(
        blank=True, default="", help_text="Why consent was not sought, or what was said."
    )

    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    # Deadlines, from the one working-day calendar, stored when set.
    decision_due_at = models.DateTimeField(null=True, blank=True)
    threshold_due_at = models.DateTimeField(null=True, blank=True)
    victim_support_due_at = models.DateTimeField(null=True, blank=True)
    stale_at = models.DateTimeField(null=True, blank=True)
    last_update_at = models.DateTimeField(null=True, blank=True)
    # The threshold decisions are taken for each child (`ThresholdDecision`). Kept on
    # the referral by `referrals.services.threshold` from its children's decisions, so
    # that `receiver_due_at` (the inbox's order) is read from this row alone:
    # `threshold_due_at` is the earliest deadline of a child still owed a decision (of
    # all its children once none is), `threshold_decided_at` when the last child's
    # decision was recorded (NULL while any child is owed one).
    threshold_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The inbox's order (ADR 0013), computed by the database from the row, whoever
    # writes it (a service, a bulk load, an older release).
    receiver_due_at = models.GeneratedField(
        expression=RECEIVER_DUE_AT, output_field=models.DateTimeField(), db_persist=True
    )
    urgency_rank = models.GeneratedField(
        expression=URGENCY_RANK, output_field=models.PositiveSmallIntegerField(), db_persist=True
    )

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, default="")
    return_question = models.TextField(blank=True, default="")
    return_answer = models.TextField(blank=True, default="")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        max_length=32, choices=CompletionOutcome.choices, blank=True, default=""
    )
    outcome_summary = models.TextField(blank=True, default="")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdraw_reason = models.TextField(blank=True, default="")

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["disclosure", "receiver_due_at", "urgency_rank"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The inbox of one status (`?state=`), and its counts by status.
            models.Index(
                fields=[
                    "to_agency",
                    "state",
                    "receiver_due_at",
                    "urgency_rank",
                    "created_at",
                    "id",
                ],
                name="referral_inbox",
            ),
            # The inbox and the sent list, each read in the order of its index
            # (`referrals.selectors.INBOX_ORDER` and `SENT_ORDER`).
            models.Index(
                fields=["to_agency", "receiver_due_at", "urgency_rank", "created_at", "id"],
                name="referral_inbox_order",
                condition=~Q(state="draft"),
            ),
            models.Index(fields=["from_agency", "-created_at", "-id"], name="referral_sent_order"),
            models.Index(fields=["case", "-created_at"], name="referral_case"),
            models.Index(
                fields=["decision_due_at"],
                name="referral_decision_due",
                condition=models.Q(state="sent"),
            ),
            # The inbox's "overdue" count: one agency's referrals past their decision
            # deadline, read from the index alone and stopped at the count's cap.
            models.Index(
                fields=["to_agency", "decision_due_at"],
                name="referral_inbox_overdue",
                condition=models.Q(state="sent"),
            ),
            models.Index(
                fields=["stale_at"],
                name="referral_stale",
                condition=models.Q(state__in=["accepted", "in_progress"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} referral to {self.to_agency_id} ({self.state})"

    # The fields `clean` checks itself, in the words the forms and the API have always
    # used: `full_clean` leaves them out of its own field checks.
    CLEANED_FIELDS = (
        "to_agency",
        "to_team",
        "purpose",
        "urgency",
        "lawful_basis",
        "sensitive_condition",
        "consent_status",
        "consent_given_on",
        "share_risk",
        "share_flags",
    )

    def clean(self) -> None:
        """The rules a referral meets on its own, all reported at once: whom it goes
        to, why, on what lawful basis and with what consent. What spans records (the
        people chosen, what is shared of each, what the receiver may hold) is the
        services' (`referrals.services.rules`)."""
        errors: dict[str, list[str]] = {}
        if self.to_agency_id is None:
            errors["to_agency"] = ["Choose the agency to refer to."]
        elif self.to_agency_id == self.from_agency_id:
            errors["to_agency"] = [
                "A referral goes to another agency; your own agency's teams are not referred to."
            ]
        if self.to_team is not None and (
            self.to_agency_id is None or self.to_team.agency_id != self.to_agency_id
        ):
            errors["to_team"] = ["Choose a team of the agency you are referring to."]
        for field, choices, missing in _CHOICE_RULES:
            _choice_error(getattr(self, field), choices, errors, field, missing)
        self._consent_errors(errors)
        for flag in ("share_risk", "share_flags"):
            if not isinstance(getattr(self, flag), bool):
                errors[flag] = ["Must be true or false."]
        if errors:
            raise ValidationError(errors)

    def _consent_errors(self, errors: dict[str, list[str]]) -> None:
        status = self.consent_status
        _choice_error(
            status,
            ConsentStatus,
            errors,
            "consent_status",
            "Say whether consent was given, refused or not sought.",
        )
        if status == ConsentStatus.GIVEN:
            given_on = self.consent_given_on
            if given_on is None:
                errors["consent_given_on"] = ["Enter the date consent was given."]
            elif not isinstance(given_on, date):
                errors["consent_given_on"] = ["Enter a date."]
            else:
                not_in_future(given_on, "consent_given_on", errors)
            if not self.consent_how:
                errors["consent_how"] = ["Say how consent was given (for example, in writing)."]
            if not self.consent_given_by:
                errors["consent_given_by"] = [
                    "Say who gave consent: the person, or for a child, a parent."
                ]
        elif (
            status in (ConsentStatus.REFUSED, ConsentStatus.NOT_SOUGHT) and not self.consent_reason
        ):
            purpose = PURPOSES.get(self.purpose)
            if purpose is not None and purpose.consent_reason_required:
                errors["consent_reason"] = [purpose.consent_reason_required]
            elif status == ConsentStatus.REFUSED:
                errors["consent_reason"] = [
                    "Record what was said, and why the referral goes ahead without consent."
                ]
            else:
                errors["consent_reason"] = ["Say why consent was not sought."]
        if status and status != ConsentStatus.GIVEN:
            if self.lawful_basis == LawfulBasis.CONSENT:
                errors.setdefault("lawful_basis", []).append(
                    "Consent is the lawful basis only when consent was given."
                )
            if self.sensitive_condition == SensitiveCondition.EXPLICIT_CONSENT:
                errors.setdefault("sensitive_condition", []).append(
                    "Explicit consent is the condition only when consent was given."
                )


def _choice_error(
    value: object, choices: type[models.TextChoices], errors: dict, field: str, missing: str
) -> None:
    if not value:
        errors[field] = [missing]
    else:
        one_of(str(value), choices.values, field, errors)


_CHOICE_RULES: tuple[tuple[str, type[models.TextChoices], str], ...] = (
    ("purpose", ReferralPurpose, "Choose the purpose."),
    ("urgency", Urgency, "Choose how urgent it is."),
    ("lawful_basis", LawfulBasis, "Choose the lawful basis for sharing."),
    (
        "sensitive_condition",
        SensitiveCondition,
        "Choose the condition for sharing sensitive information.",
    ),
)


class ReferralEvent(models.Model):
    """Each move of a referral, with who made it and what they said: the timeline
    both sides see."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=16, choices=ReferralState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=ReferralState.choices)
    action = models.CharField(max_length=32)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["referral", "at"], name="referral_event_when")]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
