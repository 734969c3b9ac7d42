"""Recording an investigation event: what happened to which suspect, and when."""

from datetime import datetime

from django import forms
from django.utils import timezone

from cases.forms.fields import DATE_HINT, Radios, TimeField, UKDateField
from cases.models import BailAuthority, EventKind
from common.glossary import term_explanation

# Outcomes are recorded with their code and rationale; the event follows from that.
RECORDABLE_KINDS = [
    (value, label) for value, label in EventKind.choices if value != EventKind.OUTCOME_RECORDED
]


class EventForm(forms.Form):
    """Parses what was typed; the service decides what is valid (the bail rules
    among them), and its messages come back onto these fields."""

    suspect = forms.ChoiceField(
        widget=Radios,
        label="Which suspect?",
        error_messages={
            "required": "Choose the suspect this happened to.",
            "invalid_choice": "Choose a suspect in this case.",
        },
    )
    kind = forms.ChoiceField(
        choices=RECORDABLE_KINDS,
        widget=Radios,
        label="What happened?",
        help_text="To record an outcome, use 'Record an outcome' on the case.",
        error_messages={
            "required": "Choose what happened.",
            "invalid_choice": "Choose one of the events listed.",
        },
    )
    # The term of art among the events, explained under its radio.
    kind.item_hints = {  # type: ignore[attr-defined]  # read by the govuk_radios tag
        EventKind.RELEASED_UNDER_INVESTIGATION.value: term_explanation(
            "released_under_investigation"
        )
    }
    occurred_on = UKDateField(
        label="Date it happened",
        error_messages={"required": "Enter the date it happened, for example 27/03/2026."},
    )
    occurred_time = TimeField(
        label="Time it happened",
        error_messages={"required": "Enter the time it happened, for example 14:30."},
    )
    bail_end_on = UKDateField(
        required=False,
        label="Bail end date",
        help_text=f"Only for bail or its extension. {DATE_HINT}",
    )
    bail_authority = forms.ChoiceField(
        required=False,
        choices=[("", "Not an extension"), *BailAuthority.choices],
        widget=Radios,
        label="Who authorised the extension?",
        help_text="Only for an extension of pre-charge bail.",
        error_messages={"invalid_choice": "Choose who authorised the extension."},
    )
    details = forms.CharField(
        required=False,
        label="Details (optional)",
        help_text="For example, the custody record number or the bail conditions.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suspects = {str(p.pk): p for p in suspects}
        self.fields["suspect"].choices = [(str(p.pk), p.person.full_name) for p in suspects]

    def occurred_at(self) -> datetime:
        data = self.cleaned_data
        return timezone.make_aware(datetime.combine(data["occurred_on"], data["occurred_time"]))

    def event_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "suspect": self.suspects[data["suspect"]],
            "kind": data["kind"],
            "occurred_at": self.occurred_at(),
            "bail_end_on": data.get("bail_end_on"),
            "bail_authority": data.get("bail_authority") or "",
            "details": data.get("details", ""),
        }
