"""The case list's filters, and opening, changing and closing a case."""

from django import forms

from cases.forms.fields import Radios, UKDateField
from cases.models import CaseSource, CaseStatus, ClosingReason


def _member_choices(members) -> list[tuple[str, str]]:
    return [(str(m.user_id), m.full_name) for m in members]


def _team_choices(teams) -> list[tuple[str, str]]:
    return [(str(t.id), t.name) for t in teams]


# --- The case list


class CaseFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Reference, title or name")
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *CaseStatus.choices], label="Status"
    )
    source = forms.ChoiceField(
        required=False, choices=[("", "Any source"), *CaseSource.choices], label="Source"
    )
    lead_officer = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Lead officer"
    )
    team = forms.ChoiceField(required=False, label="Team")
    received_from = UKDateField(required=False, label="Received from")
    received_to = UKDateField(required=False, label="Received to")

    def __init__(self, *args, members=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].choices = [("", "Anyone"), *_member_choices(members)]
        self.fields["team"].choices = [("", "Any team"), *_team_choices(teams)]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", "The end date must be on or after the start date.")
        return cleaned

    def filters(self) -> dict:
        """The selector's keyword arguments."""
        data = self.cleaned_data
        return {
            "text": data.get("q", ""),
            "status": data.get("status", ""),
            "source": data.get("source", ""),
            "lead_officer_id": data.get("lead_officer"),
            "team_id": data.get("team") or None,
            "received_from": data.get("received_from"),
            "received_to": data.get("received_to"),
        }


# --- Opening and changing a case


class CaseForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        error_messages={"required": "Enter a title for the case."},
        help_text="A few words that tell this case apart from others.",
    )
    source = forms.ChoiceField(
        choices=CaseSource.choices,
        widget=Radios,
        label="How did the case reach you?",
        error_messages={"required": "Select how the case reached you."},
    )
    source_reference = forms.CharField(
        required=False,
        max_length=100,
        label="The source's reference (optional)",
        help_text="For example, the NCMEC CyberTipline report id or the NCA package reference.",
    )
    received_on = UKDateField(
        label="Date received",
        error_messages={"required": "Enter the date the case was received."},
    )
    summary = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 5}), label="Summary (optional)"
    )
    lead_officer = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Lead officer"
    )
    team = forms.ChoiceField(required=False, label="Team")

    def __init__(self, *args, members=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {m.user_id: m.user for m in members}
        self.teams = {str(t.id): t for t in teams}
        self.fields["lead_officer"].choices = [("", "No lead officer"), *_member_choices(members)]
        self.fields["team"].choices = [("", "No team"), *_team_choices(teams)]

    def case_fields(self) -> dict:
        """The service's keyword arguments: users and teams rather than their ids."""
        data = dict(self.cleaned_data)
        data["lead_officer"] = self.members.get(data.get("lead_officer"))
        data["team"] = self.teams.get(data.get("team") or "")
        return {name: data[name] for name in CaseForm.base_fields}


class CaseChangeForm(CaseForm):
    reason = forms.CharField(
        max_length=500,
        label="Why are you making this change?",
        error_messages={"required": "Enter why you are making this change."},
        help_text="Kept in the case's history.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class CaseCloseForm(forms.Form):
    closing_reason = forms.ChoiceField(
        choices=ClosingReason.choices,
        widget=Radios,
        label="Why is the case closing?",
        error_messages={"required": "Select why the case is closing."},
    )
    note = forms.CharField(
        required=False,
        max_length=2000,
        label="Note",
        help_text="Needed when the reason is 'Other'.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
