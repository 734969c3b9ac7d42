import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency, Compartment
from cases.models import Case, CaseParty, ContactLog
from cases.models.rules import not_in_future, one_of, raise_if
from referrals.models.documents import ReferralDocument
from referrals.models.limits import written_text
from referrals.models.referral import Referral
from safeguarding.models import Flag


class ConcernKind(models.TextChoices):
    NEW_DISCLOSURE = "new_disclosure", "A new disclosure"
    RISK_TO_CHILD = "risk_to_child", "A new risk to a child"
    OFFENDER_ACCOUNT = "offender_account", "A new offender account"
    SUICIDE_SELF_HARM = "suicide_self_harm", "A risk of suicide or self-harm"


class ConcernState(models.TextChoices):
    RAISED = "raised", "Waiting for acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


# Where a concern stands on the case when it names nobody in particular: a new
# disclosure is the victim's, a risk to a child is child safeguarding, an account
# from or of the offender is the suspect's. A risk of suicide or self-harm always
# names the person at risk, and stands in that person's compartment.
DEFAULT_COMPARTMENT_OF_KIND: dict[str, str] = {
    ConcernKind.NEW_DISCLOSURE: Compartment.VICTIM,
    ConcernKind.RISK_TO_CHILD: Compartment.CHILD_SAFEGUARDING,
    ConcernKind.OFFENDER_ACCOUNT: Compartment.SUSPECT,
}
# Kinds whose compartment is fixed whoever they name.
FIXED_COMPARTMENT_KINDS = frozenset({ConcernKind.RISK_TO_CHILD, ConcernKind.OFFENDER_ACCOUNT})
HEARD_FROM_MAX_LENGTH = 200


class Concern(models.Model):
    """An urgent concern a referral's receiver raises on it: what was heard, when and
    from whom. The sending side must acknowledge it within two clock hours (not
    working days: a risk to life does not wait for Monday), and the sweep escalates
    it when they do not."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="concerns")
    # The case it stands on, copied from the referral so that the case's concerns
    # are one indexed lookup.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="concerns")
    kind = models.CharField(max_length=32, choices=ConcernKind.choices)
    compartment = models.CharField(max_length=32, choices=Compartment.choices, editable=False)
    # Who it is about, when it is one of the people the referral disclosed.
    subject = models.ForeignKey(
        CaseParty, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    heard = models.TextField(help_text="What was heard, in the words it was heard.")
    heard_at = models.DateTimeField()
    heard_from = models.CharField(max_length=200)
    document = models.OneToOneField(
        ReferralDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="concern"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_by_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=ConcernState.choices, default=ConcernState.RAISED
    )
    # Stored when raised: two clock hours on.
    acknowledge_due_at = models.DateTimeField()
    # When the sweep told the supervisors, and then every supervisor of the agency.
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to_all_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    action_taken = models.TextField(blank=True, default="")
    # What the acknowledged concern became on the case.
    flag = models.ForeignKey(
        Flag, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    contact = models.ForeignKey(
        ContactLog, on_delete=models.PROTECT, null=True, blank=True, related_name="concerns"
    )
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["referral", "-raised_at"], name="concern_referral_when"),
            models.Index(fields=["case", "compartment"], name="concern_case_compartment"),
            models.Index(
                fields=["acknowledge_due_at"],
                name="concern_unacknowledged",
                condition=models.Q(state="raised"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                name="concern_acknowledged_has_who_when_what",
                condition=(
                    models.Q(state="raised", acknowledged_at__isnull=True)
                    | models.Q(
                        state="acknowledged",
                        acknowledged_at__isnull=False,
                        acknowledged_by__isnull=False,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.state})"

    # The fields `clean` checks itself, in the words the forms and the API have always
    # used: `full_clean` leaves them out of its own field checks.
    CLEANED_FIELDS = ("kind", "heard", "heard_at", "heard_from", "subject")

    def clean(self) -> None:
        """The rules a concern meets on its own, all reported at once: what it is,
        what was heard, when and from whom, and who is at risk of suicide or
        self-harm. Whether the person named was disclosed by the referral spans
        records: `referrals.services.concerns` asks it."""
        errors: dict[str, list[str]] = {}
        if not self.kind:
            errors["kind"] = ["Choose what the concern is."]
        else:
            one_of(self.kind, ConcernKind.values, "kind", errors)
        self.heard = written_text(
            self.heard, "heard", missing="Write down what was heard.", errors=errors
        )
        self.heard_from = written_text(
            self.heard_from, "heard_from", missing="Say who it was heard from.", errors=errors
        )
        if "heard_from" not in errors and len(self.heard_from) > HEARD_FROM_MAX_LENGTH:
            errors["heard_from"] = [f"Keep it to {HEARD_FROM_MAX_LENGTH} characters or fewer."]
        heard_at = self.heard_at
        if heard_at is None:
            errors["heard_at"] = ["Give the date and time it was heard."]
        elif not isinstance(heard_at, datetime) or timezone.is_naive(heard_at):
            errors["heard_at"] = ["Give the date and time it was heard, with its time zone."]
        else:
            not_in_future(heard_at, "heard_at", errors)
        if self.subject_id is None and self.kind == ConcernKind.SUICIDE_SELF_HARM:
            errors["subject"] = [
                "Say who is at risk: choose one of the people named in the referral."
            ]
        raise_if(errors)

    @property
    def is_open(self) -> bool:
        return self.state == ConcernState.RAISED
