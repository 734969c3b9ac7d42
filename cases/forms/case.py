"""The case list's filters; opening, changing, closing and reopening a case; asking
another force to take it over, and accepting or declining that."""

from collections.abc import Iterable, Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet

from agencies.models import Membership, Team
from cases.filters import CaseFilter
from cases.forms.fields import Radios, UKDateField
from cases.forms.grants import AgencyChoiceField
from cases.models import CLOSING_REASONS_CHOSEN_BY_HAND, Case, CaseSource, CaseStatus


def _member_choices(members) -> list[tuple[str, str]]:
    return [(str(m.user_id), m.full_name) for m in members]


def _team_choices(teams) -> list[tuple[str, str]]:
    return [(str(t.id), t.name) for t in teams]


# --- The case list


class UKDateFilter(django_filters.DateFilter):
    field_class = UKDateField


ALL_STATUSES = "all"
# What the case list page shows when a parameter is not given: open cases, the most
# recently received first.
CASE_LIST_PAGE_DEFAULTS = {"status": CaseStatus.OPEN.value, "ordering": "-received_on"}


class CaseListPageFilter(CaseFilter):
    """The case list page's filters: the API's (cases.filters.CaseFilter), read as a
    page reads them: an empty field means "any", dates typed the British way, the lead
    officer and team chosen from the agency's."""

    strict = False
    to_before_from = "The end date must be on or after the start date."

    q = django_filters.CharFilter(
        method="filter_text", max_length=200, label="Reference, title or name"
    )
    # Open cases unless the reader asks for closed ones or all (the page's default,
    # CASE_LIST_PAGE_DEFAULTS; the API lists both when `status` is not given).
    status = django_filters.ChoiceFilter(
        choices=[*CaseStatus.choices, (ALL_STATUSES, "Open and closed")],
        method="filter_status",
        empty_label=None,
        label="Status",
    )
    ordering = django_filters.ChoiceFilter(
        choices=[
            ("-received_on", "Received: newest first"),
            ("received_on", "Received: oldest first"),
        ],
        method="filter_ordering",
        empty_label=None,
        label="Sort by",
    )
    source = django_filters.ChoiceFilter(
        choices=CaseSource.choices, empty_label="Any source", label="Source"
    )
    lead = None
    lead_officer = django_filters.TypedChoiceFilter(
        field_name="lead_officer_id", coerce=int, empty_value=None, label="Lead officer"
    )
    # No empty label of its own: "Any team" comes first in the choices set below.
    team = django_filters.ChoiceFilter(field_name="team_id", label="Team", empty_label=None)
    received_from = UKDateFilter(field_name="received_on", lookup_expr="gte", label="Received from")
    received_to = UKDateFilter(field_name="received_on", lookup_expr="lte", label="Received to")

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        members: Iterable[Membership] = (),
        teams: Iterable[Team] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        # The stubs type every form field as Field: these are ChoiceFields.
        self.form.fields["lead_officer"].choices = [("", "Anyone"), *_member_choices(members)]  # type: ignore[attr-defined]
        self.form.fields["team"].choices = [("", "Any team"), *_team_choices(teams)]  # type: ignore[attr-defined]

    def filter_status(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset if value == ALL_STATUSES else queryset.filter(status=value)


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


DUTY_FIELD_PREFIX = "duty_"


class CaseCloseForm(forms.Form):
    """Why the case closes; and, for a supervisor closing over open duties of care,
    the reason each of them ends (one field per duty, named `duty_<id>`)."""

    closing_reason = forms.ChoiceField(
        # "Transferred" is not offered: a transfer moves the case to the other force.
        choices=CLOSING_REASONS_CHOSEN_BY_HAND,
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

    def __init__(self, *args, duties=(), may_end_duties: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.duties = list(duties) if may_end_duties else []
        for duty in self.duties:
            self.fields[f"{DUTY_FIELD_PREFIX}{duty.id}"] = forms.CharField(
                required=False,
                max_length=2000,
                label=f"Why does this duty end: {duty.label}?",
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def duty_fields(self) -> list:
        return [self[f"{DUTY_FIELD_PREFIX}{duty.id}"] for duty in self.duties]

    def close_fields(self) -> dict:
        """The service's arguments; `duty_reasons` only when there are duties to end
        (a blank one is the service's to name)."""
        fields = {
            "closing_reason": self.cleaned_data["closing_reason"],
            "note": self.cleaned_data["note"],
        }
        if self.duties:
            fields["duty_reasons"] = {
                duty.id: self.cleaned_data.get(f"{DUTY_FIELD_PREFIX}{duty.id}", "")
                for duty in self.duties
            }
        return fields


class CaseReasonForm(forms.Form):
    """One reason: reopening a case, declining or withdrawing a transfer."""

    reason = forms.CharField(
        max_length=2000,
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason."},
    )

    def __init__(self, *args, label: str = "Reason", missing: str = "Give the reason.", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = missing


class TransferRequestForm(forms.Form):
    to_agency = AgencyChoiceField(
        known=set(),
        widget=Radios,
        label="Which police force should take the case over?",
        help_text="Their supervisor accepts or declines. Until then the case stays with you.",
        error_messages={"required": "Select the police force to transfer the case to."},
    )
    reason = forms.CharField(
        max_length=2000,
        label="Why should they take it?",
        help_text="For example: the suspect lives in their area. Their supervisor reads this.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason the other force should take it."},
    )

    def __init__(self, *args, forces, known: set[str], **kwargs):
        super().__init__(*args, **kwargs)
        # The stubs type every form field as Field: this is a ChoiceField.
        self.fields["to_agency"].choices = [(force.slug, force.name) for force in forces]  # type: ignore[attr-defined]
        self.fields["to_agency"].known = known  # type: ignore[attr-defined]


class TransferAcceptForm(forms.Form):
    lead_officer = forms.ChoiceField(
        widget=Radios,
        label="Who will lead the case?",
        help_text="The case's open duties of care pass to them, due when they were due.",
        error_messages={
            "required": "Select who will lead the case.",
            "invalid_choice": "Select who will lead the case.",
        },
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"].choices = [
            (str(member.user_id), f"{member.full_name} ({member.get_role_display()})")
            for member in members
        ]
