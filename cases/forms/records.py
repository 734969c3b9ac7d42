"""What happens in a case: a contact logged (the short form), an offence, a key decision."""

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

from cases.forms.fields import Checkboxes, Radios, TimeField, UKDateField
from cases.models import ContactChannel, ContactDirection, OffenceType

# --- Logging a contact: the short form


def contact_channel_field(**kwargs: Any) -> forms.ChoiceField:
    """How the contact was made, wherever a contact is logged (a case, a duty met)."""
    return forms.ChoiceField(
        choices=ContactChannel.choices,
        widget=Radios,
        label="How?",
        error_messages={"required": "Select how the contact was made."},
        **kwargs,
    )


def contact_summary_field(*, label: str) -> forms.CharField:
    """What was said, under the form's own question."""
    return forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        label=label,
        error_messages={"required": "Enter what was said or agreed."},
    )


def contact_direction_field() -> forms.ChoiceField:
    """Who made contact: we did, unless told otherwise."""
    return forms.ChoiceField(
        required=False,
        choices=ContactDirection.choices,
        widget=Radios,
        initial=ContactDirection.OUTBOUND,
        label="Who made contact?",
    )


class ContactForm(forms.Form):
    party = forms.ChoiceField(
        widget=Radios,
        label="Who was the contact with?",
        error_messages={
            "required": "Select who the contact was with.",
            "invalid_choice": "Select someone who is a party to this case.",
        },
    )
    channel = contact_channel_field()
    summary = contact_summary_field(label="What was said or agreed?")
    # Behind "More details": sensible defaults (now, we contacted them).
    contacted_on = UKDateField(required=False, label="Date of the contact")
    contacted_time = TimeField(required=False, label="Time of the contact")
    direction = contact_direction_field()
    next_contact_on = UKDateField(required=False, label="Next contact agreed for (optional)")
    next_contact_note = forms.CharField(
        required=False, max_length=200, label="About the next contact (optional)"
    )

    # The updates owed to the victims now (cases.events.PARTY_UPDATES_OWED): the
    # contact meets those ticked, which must be owed to the person it was with.
    duties = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        label="Which updates did this contact give?",
        help_text=(
            "Each update owed now. Those owed to the person you choose above are ticked: "
            "untick any this contact did not cover."
        ),
        error_messages={
            "invalid_choice": "%(value)s is not one of the updates owed to this person."
        },
    )

    def __init__(self, *args, parties=(), owed=(), **kwargs):
        """`owed`: (party, OwedUpdate) for each update owed to a party shown."""
        super().__init__(*args, **kwargs)
        self.parties = {str(p.id): p for p in parties}
        self.fields["party"].choices = [
            (str(p.id), f"{p.person.full_name} ({p.get_role_display().lower()})") for p in parties
        ]
        self.fields["duties"].choices = [
            (update.id, f"{party.person.full_name}: {update.label}") for party, update in owed
        ]
        # Kept when updates were sent though none is owed now (met by someone else
        # since the form was read), so that they are refused rather than ignored.
        if not owed and not (self.is_bound and self.data.getlist("duties")):
            del self.fields["duties"]
        elif not self.is_bound:
            chosen = self.initial.get("party")
            self.initial["duties"] = [
                update.id for party, update in owed if str(party.pk) == chosen
            ]

    def clean(self):
        cleaned = super().clean()
        day, at = cleaned.get("contacted_on"), cleaned.get("contacted_time")
        if day is not None and at is None and not self.errors.get("contacted_time"):
            self.add_error("contacted_time", "Enter the time of the contact, for example 14:30.")
        return cleaned

    def contacted_at(self) -> datetime | None:
        """None (the service's "now") when neither date nor time is given."""
        day: date | None = self.cleaned_data.get("contacted_on")
        at: time | None = self.cleaned_data.get("contacted_time")
        if at is None:
            return None
        return timezone.make_aware(datetime.combine(day or timezone.localdate(), at))

    def contact_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "party": self.parties[data["party"]],
            "channel": data["channel"],
            "summary": data["summary"],
            "contacted_at": self.contacted_at(),
            "direction": data.get("direction") or ContactDirection.OUTBOUND,
            "next_contact_on": data.get("next_contact_on"),
            "next_contact_note": data.get("next_contact_note", ""),
            "duties": data.get("duties") or [],
        }


# --- Offences and decisions


class OffenceForm(forms.Form):
    offence_type = forms.ChoiceField(
        choices=[("", "Choose the offence"), *OffenceType.choices],
        label="Offence",
        error_messages={"required": "Select the offence."},
    )
    description = forms.CharField(
        required=False,
        max_length=300,
        label="Description",
        help_text="Needed when the offence is 'Other'.",
    )
    committed_from = UKDateField(
        label="Committed on or from",
        error_messages={"required": "Enter the date of the offence, or when it began."},
    )
    committed_to = UKDateField(
        required=False, label="Committed until (optional)", help_text="For a period of offending."
    )
    platform = forms.CharField(
        required=False,
        max_length=200,
        label="Platform or service (optional)",
        help_text="For example, the app or website involved.",
    )
    parties = forms.MultipleChoiceField(
        required=False, widget=Checkboxes, label="Who does it concern?"
    )

    def __init__(self, *args, parties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = {str(p.id): p for p in parties}
        self.fields["parties"].choices = [
            (str(p.id), f"{p.person.full_name} ({p.get_role_display().lower()})") for p in parties
        ]

    def offence_fields(self) -> dict:
        data = dict(self.cleaned_data)
        # `self.parties` is the dict set in __init__, not the declared field of that name.
        data["parties"] = [self.parties[pk] for pk in data.get("parties", [])]  # type: ignore[index]
        return data


class DecisionForm(forms.Form):
    decision = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Decision",
        help_text="What was decided.",
        error_messages={"required": "Enter the decision."},
    )
    rationale = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        label="Rationale",
        help_text="Why: the facts and risks considered, and the options rejected.",
        error_messages={"required": "Enter the rationale: why this decision was made."},
    )
