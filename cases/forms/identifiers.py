"""The form for adding one of a party's identifiers."""

from datetime import datetime

from django import forms
from django.utils import timezone

from cases.forms.fields import Radios, TimeField, UKDateField
from cases.models.identifier import PERSON_IDENTIFIER_KINDS, IdentifierKind


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(k.value, k.label) for k in IdentifierKind if k in PERSON_IDENTIFIER_KINDS],
        widget=Radios,
        label="What kind of identifier is it?",
        error_messages={
            "required": "Choose what kind of identifier it is.",
            "invalid_choice": "Choose one of the kinds listed.",
        },
    )
    value = forms.CharField(
        max_length=300,
        label="Identifier",
        help_text="As you have it: an email address, a username, a phone number, an IP address...",
        error_messages={"required": "Enter the identifier."},
    )
    platform = forms.CharField(
        required=False,
        max_length=100,
        label="Platform (for a username)",
        help_text="For example, Snapchat or Instagram.",
    )
    seen_on = UKDateField(required=False, label="Date the IP address was seen")
    seen_time = TimeField(
        required=False,
        label="Time it was seen (UK time)",
        help_text="24-hour clock, to the minute, for example 14:30",
    )
    port = forms.IntegerField(
        required=False,
        label="Port (for an IP address, if known)",
        error_messages={"invalid": "Enter the port as a whole number, from 0 to 65535."},
    )

    def clean(self):
        cleaned = super().clean()
        on, at = cleaned.get("seen_on"), cleaned.get("seen_time")
        if on and not at and "seen_time" not in self.errors:
            self.add_error("seen_time", "Enter the time the IP address was seen.")
        if at and not on and "seen_on" not in self.errors:
            self.add_error("seen_on", "Enter the date the IP address was seen.")
        return cleaned

    def seen_at(self) -> datetime | None:
        on, at = self.cleaned_data.get("seen_on"), self.cleaned_data.get("seen_time")
        if on is None or at is None:
            return None
        return timezone.make_aware(datetime.combine(on, at))

    def identifier_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "given": data["value"],
            "platform": data["platform"],
            "seen_at": self.seen_at(),
            "port": data["port"],
        }


class IdentifierRemoveForm(forms.Form):
    """Removing an identifier: a reason, always (the access log keeps it)."""

    reason = forms.CharField(
        max_length=500,
        label="Why is it being removed?",
        help_text="For example, it was recorded on the wrong person.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason the identifier is being removed."},
    )
