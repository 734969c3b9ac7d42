"""Parties: find the person first, then add them, or record a new person with their part."""

from django import forms

from cases.forms.fields import Radios, UKDateField
from cases.models import ContactChannel, Gender, PartyRole
from cases.models.person import PERSON_FIELDS


class PersonSearchForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        label="Name",
        help_text="First name, last name or both.",
        error_messages={"required": "Enter a name to search for."},
    )
    date_of_birth = UKDateField(required=False, label="Date of birth (optional)")


YES_NO_NOT_ASKED = [("yes", "Yes"), ("no", "No"), ("not_asked", "Not asked yet")]
_YES_NO_VALUE = {"yes": True, "no": False, "not_asked": None}
# The estimate's day is today's, set by the service.
NEW_PERSON_FIELDS = tuple(name for name in PERSON_FIELDS if name != "estimated_age_on")


class PartForm(forms.Form):
    """A person's part in the case: for someone found by the search."""

    role = forms.ChoiceField(
        choices=PartyRole.choices,
        widget=Radios,
        label="Their part in the case",
        error_messages={"required": "Select their part in the case."},
    )
    related_to = forms.ChoiceField(
        required=False,
        label="Family of which suspect?",
        help_text="For a family member or a child in the suspect's household.",
    )
    relationship = forms.CharField(
        required=False,
        max_length=100,
        label="Relationship to the suspect",
        help_text="For example, partner or son.",
    )
    notes = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Notes (optional)"
    )

    def __init__(self, *args, suspects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.suspects = {str(p.id): p for p in suspects}
        self.fields["related_to"].choices = [
            ("", "Not family of a suspect"),
            *((str(p.id), p.person.full_name) for p in suspects),
        ]

    def part_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "related_to": self.suspects.get(data.get("related_to") or ""),
            "relationship": data.get("relationship", ""),
            "notes": data.get("notes", ""),
        }


_TEXT_FIELDS = (
    "aliases",
    "address",
    "phone",
    "email",
    "preferred_channel",
    "preferred_times",
    "safe_contact_notes",
    "language",
    "adjustments",
)


def _safe_to(contact: str) -> forms.ChoiceField:
    """Is it safe to phone, write or visit: yes, no or not asked yet."""
    return forms.ChoiceField(
        choices=YES_NO_NOT_ASKED,
        initial="not_asked",
        widget=Radios,
        label=f"Is it safe to {contact}?",
        error_messages={"required": f"Select whether it is safe to {contact}, or 'Not asked yet'."},
    )


class NewPersonPartForm(PartForm):
    """A new person and their part in the case, recorded together."""

    field_order = [*NEW_PERSON_FIELDS, "role", "related_to", "relationship", "notes"]

    first_name = forms.CharField(
        max_length=100,
        help_text="Or 'Unknown'.",
        error_messages={"required": "Enter a first name (or 'Unknown')."},
    )
    last_name = forms.CharField(
        max_length=100,
        help_text="Or 'Unknown'.",
        error_messages={"required": "Enter a last name (or 'Unknown')."},
    )
    aliases = forms.CharField(
        required=False,
        max_length=300,
        label="Other names (optional)",
        help_text="Known aliases or usernames, separated by commas.",
    )
    date_of_birth = UKDateField(required=False, label="Date of birth")
    estimated_age = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=120,
        label="Or, if the date of birth is not known, their estimated age",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    gender = forms.ChoiceField(
        choices=Gender.choices,
        initial=Gender.NOT_KNOWN,
        widget=Radios,
        label="Gender",
        error_messages={"required": "Select a gender, or 'Not known'."},
    )
    address = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Address (optional)"
    )
    phone = forms.CharField(required=False, max_length=40, label="Phone (optional)")
    email = forms.EmailField(required=False, label="Email (optional)")
    safe_to_phone = _safe_to("phone")
    safe_to_write = _safe_to("write")
    safe_to_visit = _safe_to("visit")
    preferred_channel = forms.ChoiceField(
        required=False,
        choices=[("", "No preference"), *ContactChannel.choices],
        label="Preferred way to be contacted",
    )
    preferred_times = forms.CharField(
        required=False, max_length=200, label="Best times to contact (optional)"
    )
    safe_contact_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Safe-contact notes (optional)",
        help_text="For example, who else may answer the phone.",
    )
    language = forms.CharField(required=False, max_length=60, initial="English")
    interpreter_needed = forms.ChoiceField(
        choices=[("no", "No"), ("yes", "Yes")],
        initial="no",
        widget=Radios,
        label="Is an interpreter needed?",
        error_messages={"required": "Select whether an interpreter is needed."},
    )
    adjustments = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Adjustments (optional)",
        help_text="For a disability or other needs.",
    )

    def person_fields(self) -> dict:
        data = self.cleaned_data
        fields = {name: data.get(name) for name in NEW_PERSON_FIELDS}
        for name in ("safe_to_phone", "safe_to_write", "safe_to_visit"):
            fields[name] = _YES_NO_VALUE.get(data.get(name) or "not_asked")
        fields["interpreter_needed"] = data.get("interpreter_needed") == "yes"
        for name in _TEXT_FIELDS:
            fields[name] = fields[name] or ""
        return fields
