"""The forms of the grant pages: grant the case to a partner, and end or renew a
grant. They parse what was typed; `cases.services.grants` decides."""

from django import forms

from cases.forms.fields import Checkboxes, Radios

WHOLE_CASE = "whole"
CHOSEN_PEOPLE = "parties"


class AgencyChoiceField(forms.ChoiceField):
    """Offers the agencies a case may be granted to, but passes any known agency to
    the service, so that a refusal (a charity, say) is the service's, naming why."""

    def __init__(self, *, known: set[str], **kwargs):
        super().__init__(**kwargs)
        self.known = known

    def valid_value(self, value) -> bool:
        return str(value) in self.known


class GrantForm(forms.Form):
    agency = AgencyChoiceField(
        known=set(),
        widget=Radios,
        label="Which agency needs to work this case?",
        help_text="Statutory partners and other police forces. Charities work from a "
        "referral's disclosure instead.",
        error_messages={"required": "Select the agency to grant the case to."},
    )
    scope = forms.ChoiceField(
        choices=[
            (WHOLE_CASE, "The whole case"),
            (CHOSEN_PEOPLE, "Only the people chosen below"),
        ],
        widget=Radios,
        label="What may they see?",
        help_text="They see only what their role is cleared for, either way.",
        error_messages={"required": "Select what they may see."},
    )
    parties = forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        label="People",
        help_text="Only if you chose 'Only the people chosen below'.",
    )
    reason = forms.CharField(
        max_length=2000,
        label="Why do they need it?",
        help_text="The agency and the case's auditors will see this reason.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason this agency needs to see the case."},
    )

    def __init__(self, *args, agencies, known: set[str], parties, **kwargs):
        super().__init__(*args, **kwargs)
        # The stubs type every form field as Field: these are ChoiceFields.
        self.fields["agency"].choices = [  # type: ignore[attr-defined]
            (agency.slug, f"{agency.name} ({agency.get_kind_display()})") for agency in agencies
        ]
        self.fields["agency"].known = known  # type: ignore[attr-defined]
        self.fields["parties"].choices = [  # type: ignore[attr-defined]
            (str(party.pk), f"{party.person.full_name} ({party.get_role_display().lower()})")
            for party in parties
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == CHOSEN_PEOPLE and not cleaned.get("parties"):
            self.add_error("parties", "Choose at least one person, or grant the whole case.")
        return cleaned

    def chosen_parties(self) -> list[str] | None:
        if self.cleaned_data["scope"] == WHOLE_CASE:
            return None
        return list(self.cleaned_data["parties"])


class GrantReasonForm(forms.Form):
    """Revoking or renewing a grant: a reason, always."""

    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, label: str, missing: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = missing
