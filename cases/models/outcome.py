# ruff: noqa: RUF001 -- the official outcome titles are written with en dashes.
import uuid

from django.db import models
from simple_history.models import HistoricalRecords

from cases.models.base import Versioned, user_ref
from cases.models.case import Case
from cases.models.party import CaseParty


class OutcomeCode(models.TextChoices):
    """Home Office crime outcome codes, with their official titles. 19 applies to
    fraud only and is not offered. Conditional cautions are recorded under 2 and 2A
    (youths) or 3 and 3A (adults), with their conditions."""

    CHARGED = "1", "1: Charged/summonsed"
    CHARGED_ALTERNATE = "1A", "1A: Charged/summonsed – alternate offence"
    YOUTH_CAUTION = "2", "2: Caution – youths"
    YOUTH_CAUTION_ALTERNATE = "2A", "2A: Caution – youths – alternate offence"
    ADULT_CAUTION = "3", "3: Caution – adults"
    ADULT_CAUTION_ALTERNATE = "3A", "3A: Caution – adults – alternate offence"
    TAKEN_INTO_CONSIDERATION = "4", "4: Taken into consideration"
    OFFENDER_DIED = "5", "5: The offender has died"
    PENALTY_NOTICE = "6", "6: Penalty Notice for Disorder"
    CANNABIS_KHAT_WARNING = "7", "7: Cannabis/Khat warning"
    COMMUNITY_RESOLUTION = "8", "8: Community resolution"
    NOT_IN_PUBLIC_INTEREST_CPS = "9", "9: Prosecution not in the public interest (CPS)"
    NOT_IN_PUBLIC_INTEREST_POLICE = (
        "10",
        "10: Formal action against the offender is not in the public interest (police)",
    )
    PREVENTED_BELOW_AGE = (
        "11",
        "11: Prosecution prevented – named suspect identified but below the age of "
        "criminal responsibility",
    )
    PREVENTED_SUSPECT_ILL = (
        "12",
        "12: Prosecution prevented – named suspect identified but too ill (physical or "
        "mental health) to prosecute",
    )
    PREVENTED_VICTIM_ILL = (
        "13",
        "13: Prosecution prevented – named suspect identified but the victim or key "
        "witness is dead or too ill to give evidence",
    )
    EVIDENTIAL_VICTIM_NO_SUSPECT = (
        "14",
        "14: Evidential difficulties victim based – named suspect not identified",
    )
    EVIDENTIAL_SUSPECT_IDENTIFIED = (
        "15",
        "15: Evidential difficulties – named suspect identified; the victim supports action",
    )
    EVIDENTIAL_VICTIM_WITHDRAWN = (
        "16",
        "16: Evidential difficulties victim based – named suspect identified; the victim "
        "does not support (or has withdrawn support from) police action",
    )
    TIME_LIMIT_EXPIRED = "17", "17: Prosecution time limit expired"
    NO_SUSPECT_IDENTIFIED = "18", "18: Investigation complete – no suspect identified"
    OTHER_BODY = (
        "20",
        "20: Further action resulting from the crime report undertaken by another body or agency",
    )
    NOT_IN_PUBLIC_INTEREST_FURTHER_INVESTIGATION = (
        "21",
        "21: Further investigation to support formal action not in the public interest "
        "– police decision",
    )
    DIVERSIONARY_ACTIVITY = (
        "22",
        "22: Diversionary, educational or intervention activity, resulting from the crime "
        "report, has been undertaken and it is not in the public interest to take any "
        "further action",
    )


# A caution may be simple or conditional; a conditional one is recorded under the
# caution's own code, youth (2, 2A) or adult (3, 3A), with its conditions.
CONDITIONAL_CAUTION_CODES = frozenset(
    {
        OutcomeCode.YOUTH_CAUTION,
        OutcomeCode.YOUTH_CAUTION_ALTERNATE,
        OutcomeCode.ADULT_CAUTION,
        OutcomeCode.ADULT_CAUTION_ALTERNATE,
    }
)

# The College of Policing's conditions for Outcome 21 on youth-produced imagery:
# every one must be confirmed explicitly.
OUTCOME_21_CONDITIONS: dict[str, str] = {
    "not_abusive": "The making or sharing was not abusive",
    "no_exploitation_or_coercion": "There is no evidence of exploitation or coercion",
    "no_grooming": "There is no evidence of grooming",
    "no_profit_motive": "There is no evidence of a profit motive",
    "no_malicious_intent": "There is no evidence of malicious intent",
    "no_persistent_behaviour": "There is no evidence of persistent behaviour",
    "no_adult_involved": "No adult was involved",
}


class Outcome(Versioned):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="outcomes")
    suspect = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="outcomes")
    code = models.CharField(max_length=4, choices=OutcomeCode.choices)
    outcome_on = models.DateField()
    rationale = models.TextField()
    # Outcome 21 for youth-produced imagery: each condition confirmed, by key.
    outcome_21_confirmations = models.JSONField(default=dict, blank=True)
    # A conditional caution: its conditions, when they must be met, and whether they were.
    is_conditional_caution = models.BooleanField(default=False)
    caution_conditions = models.TextField(blank=True, default="")
    conditions_due_on = models.DateField(null=True, blank=True)
    conditions_met = models.BooleanField(null=True, blank=True)
    conditions_checked_on = models.DateField(null=True, blank=True)
    recorded_by = user_ref()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-outcome_on", "-created_at"]
        indexes = [
            models.Index(fields=["case", "-outcome_on"], name="outcome_case_when"),
            models.Index(fields=["outcome_on", "code"], name="outcome_when_code"),
            models.Index(
                fields=["conditions_due_on"],
                name="outcome_conditions_due",
                condition=models.Q(is_conditional_caution=True, conditions_met__isnull=True),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["suspect"], name="outcome_one_per_suspect"),
        ]

    def __str__(self) -> str:
        return f"Outcome {self.code} for {self.suspect_id}"
