"""The forms of the referral pages. They parse what a person typed; the services
decide whether it may be shared, and their errors come back onto these fields."""

from django import forms

from agencies.models import AgencyKind
from cases.forms import Checkboxes, Radios, UKDateField
from referrals.disclosure import DISCLOSABLE_FIELDS
from referrals.models import (
    CompletionOutcome,
    ConsentStatus,
    LawfulBasis,
    ReferralPurpose,
    SensitiveCondition,
    ThresholdDecisionKind,
    Urgency,
)
from safeguarding.forms import party_choices

# The words a sender and a receiver read for each field a disclosure may hold.
FIELD_LABELS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "aliases": "Other names",
    "date_of_birth": "Date of birth",
    "age": "Age",
    "gender": "Gender",
    "address": "Address",
    "phone": "Phone",
    "email": "Email",
    "safe_to_phone": "Safe to phone",
    "safe_to_write": "Safe to write",
    "safe_to_visit": "Safe to visit",
    "preferred_channel": "Preferred way to be contacted",
    "preferred_times": "Best times to contact",
    "safe_contact_notes": "Safe contact notes",
    "language": "Language",
    "interpreter_needed": "Interpreter needed",
    "adjustments": "Adjustments",
}
FIELD_CHOICES = [
    (name, FIELD_LABELS.get(name, name.replace("_", " "))) for name in DISCLOSABLE_FIELDS
]

URGENCY_HINT = (
    "Immediate: they decide by the end of today's working day. Urgent: within 1 working "
    "day. Routine: within 3 working days."
)


def share_field_name(party_id) -> str:
    """The form field that holds the details chosen for one party."""
    return f"share-{party_id}"


def text_box(
    label: str, required: str, *, rows: int = 3, max_length: int = 5000, help_text: str = ""
) -> forms.CharField:
    """A box of several lines that must be filled in; `required` is the error when it is not."""
    return forms.CharField(
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        label=label,
        help_text=help_text,
        error_messages={"required": required},
    )


def radios(choices, label: str, required: str, **kwargs) -> forms.ChoiceField:
    """Radio buttons, one of which must be chosen; `required` is the error when none is."""
    return forms.ChoiceField(
        choices=choices, widget=Radios, label=label, error_messages={"required": required}, **kwargs
    )


# --- Step 1 of a new referral: who to, what for, how soon


class ReceiverForm(forms.Form):
    to_agency = forms.ChoiceField(
        label="Which agency are you referring to?",
        error_messages={
            "required": "Select the agency you are referring to.",
            "invalid_choice": "Select one of the agencies in the list.",
        },
    )
    to_team = forms.ChoiceField(
        required=False,
        label="Team (optional)",
        help_text="Leave it as any team unless you know which team should act.",
        error_messages={"invalid_choice": "Select one of the teams in the list."},
    )
    purpose = radios(
        ReferralPurpose.choices, "What is the referral for?", "Select what the referral is for."
    )
    urgency = radios(
        Urgency.choices,
        "How urgent is it?",
        "Select how urgent the referral is.",
        help_text=URGENCY_HINT,
    )

    def __init__(self, *args, agencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.id): agency for agency in agencies}
        self.teams = {str(team.id): team for agency in agencies for team in agency.teams.all()}
        by_kind: dict[str, list] = {}
        for agency in agencies:
            by_kind.setdefault(agency.kind, []).append((str(agency.id), agency.name))
        self.fields["to_agency"].choices = [("", "Choose an agency")] + [
            (label, by_kind[kind]) for kind, label in AgencyKind.choices if kind in by_kind
        ]
        self.fields["to_team"].choices = [("", "Any team")] + [
            (agency.name, [(str(team.id), team.name) for team in agency.teams.all()])
            for agency in agencies
            if agency.teams.all()
        ]

    def clean(self):
        cleaned = super().clean()
        agency = self.agencies.get(cleaned.get("to_agency") or "")
        team = self.teams.get(cleaned.get("to_team") or "")
        if agency is not None and team is not None and team.agency_id != agency.id:
            self.add_error("to_team", f"Select a team of {agency.name}, or any team.")
        return cleaned

    def receiver_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "to_agency": self.agencies[data["to_agency"]],
            "to_team": self.teams.get(data.get("to_team") or ""),
            "purpose": data["purpose"],
            "urgency": data["urgency"],
        }


# --- Step 2: what to disclose, and on what lawful basis


class DisclosureForm(forms.Form):
    """Parses the choices only: what may be shared, and whether the basis and
    consent are enough, is the service's to decide, all errors at once."""

    parties = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        label="Who is the referral about?",
    )
    summary_for_receiver = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Summary for the receiver",
        help_text=(
            "What they need to know to act, in plain words. They see this and the details "
            "you tick, and nothing else of the case."
        ),
    )
    share_risk = forms.BooleanField(
        required=False, label="Share the case's risk level (your grade and the shared level)"
    )
    share_flags = forms.BooleanField(
        required=False, label="Share the current flags on the people you chose"
    )
    suspect_details_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why does the receiver need details of a suspect?",
        help_text="A victim-support service receives a suspect's details only with a reason.",
    )
    lawful_basis = forms.ChoiceField(
        required=False,
        choices=LawfulBasis.choices,
        widget=Radios,
        label="Lawful basis for sharing",
    )
    sensitive_condition = forms.ChoiceField(
        required=False,
        choices=SensitiveCondition.choices,
        widget=Radios,
        label="Condition for sharing sensitive information",
    )
    consent_status = forms.ChoiceField(
        required=False,
        choices=ConsentStatus.choices,
        widget=Radios,
        label="Has the person (or for a child, a parent) consented to the referral?",
    )
    consent_given_on = UKDateField(required=False, label="Date consent was given")
    consent_how = forms.CharField(
        required=False,
        max_length=200,
        label="How was it given?",
        help_text="For example, verbally on the phone, or in writing.",
    )
    consent_given_by = forms.CharField(
        required=False,
        max_length=200,
        label="Who gave it?",
        help_text="The person, or for a child, the parent.",
    )
    # One reason in the service; two questions on the page, one under each answer.
    consent_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What did they say?",
    )
    consent_reason_not_sought = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why was consent not sought?",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.case_parties = {str(party.id): party for party in parties}
        self.fields["parties"].choices = party_choices(parties)
        for party in parties:
            self.fields[share_field_name(party.id)] = forms.MultipleChoiceField(
                required=False,
                choices=FIELD_CHOICES,
                widget=Checkboxes,
                label=f"What to share about {party.person.full_name}",
            )

    def clean(self):
        cleaned = super().clean()
        for party_id in cleaned.get("parties") or []:
            name = share_field_name(party_id)
            if not cleaned.get(name) and name not in self.errors:
                party = self.case_parties[party_id]
                self.add_error(name, f"Select what to share about {party.person.full_name}.")
        return cleaned

    def disclosure_fields(self) -> dict:
        data = self.cleaned_data
        chosen = list(data.get("parties") or [])
        return {
            "parties": [self.case_parties[party_id] for party_id in chosen],
            "shared_fields": {
                party_id: list(data.get(share_field_name(party_id)) or []) for party_id in chosen
            },
            "summary_for_receiver": data.get("summary_for_receiver", ""),
            "share_risk": bool(data.get("share_risk")),
            "share_flags": bool(data.get("share_flags")),
            "suspect_details_reason": data.get("suspect_details_reason", ""),
            "lawful_basis": data.get("lawful_basis", ""),
            "sensitive_condition": data.get("sensitive_condition", ""),
            "consent_status": data.get("consent_status", ""),
            "consent_given_on": data.get("consent_given_on"),
            "consent_how": data.get("consent_how", ""),
            "consent_given_by": data.get("consent_given_by", ""),
            "consent_reason": data.get(self.consent_reason_field(), ""),
        }

    def consent_reason_field(self) -> str:
        """The field the reason was typed in, for the answer given."""
        status = self.data.get("consent_status") if self.is_bound else None
        if status == ConsentStatus.NOT_SOUGHT:
            return "consent_reason_not_sought"
        return "consent_reason"


# --- The moves on the referral page; each form has its own prefix so that many
# can share one page and the error summary links to the right field.


class DeclineForm(forms.Form):
    reason = text_box(
        "Why are you declining it?",
        "Enter why you are declining the referral.",
        help_text="The referrer reads this.",
    )


class ReturnForm(forms.Form):
    question = text_box(
        "What do you need to know?",
        "Enter your question for the referrer.",
        help_text="The referral goes back to the referrer until they answer.",
    )


class AnswerForm(forms.Form):
    answer = text_box(
        "Your answer",
        "Enter your answer to the receiver's question.",
        rows=4,
        help_text="The receiver reads it with the disclosure already sent.",
    )


class NoteForm(forms.Form):
    note = text_box(
        "Progress note", "Enter what has happened.", help_text="The referrer is told of every note."
    )


class CompleteForm(forms.Form):
    outcome = radios(CompletionOutcome.choices, "Outcome", "Select the outcome.")
    summary = text_box(
        "Summary for the referrer",
        "Enter a summary for the referrer.",
        rows=4,
        help_text="What was done and what happens next. The referrer sees this on the case.",
    )


class WithdrawForm(forms.Form):
    reason = text_box(
        "Why are you withdrawing it?",
        "Enter why you are withdrawing the referral.",
        help_text="The receiver reads this.",
    )


class ThresholdForm(forms.Form):
    # The child's party id: set by the child's own page from its address; the
    # referral page's form (a referral about one child) leaves it out.
    child = forms.UUIDField(required=False, widget=forms.HiddenInput)
    decision = radios(
        ThresholdDecisionKind.choices, "Threshold decision", "Select the threshold decision."
    )
    rationale = text_box(
        "Rationale",
        "Enter the rationale for the decision.",
        rows=4,
        help_text="The referrer is told of the decision at once.",
    )
