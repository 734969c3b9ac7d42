"""The forms of the four decisions on an intake item (intake.views.items)."""

from collections.abc import Iterable
from typing import Any

from django import forms

from cases.forms.fields import Checkboxes, Radios
from intake.selectors.items import AttachSuggestion, CaseProposal

REASON_MAX = 2000


def _reason(*, required: bool, label: str, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=REASON_MAX,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason."},
    )


class OpenCaseForm(forms.Form):
    title = forms.CharField(
        label="Case title",
        max_length=200,
        error_messages={"required": "Enter a title for the case."},
    )
    parties = forms.MultipleChoiceField(
        label="Parties to record",
        required=False,
        widget=Checkboxes,
        help_text="Untick anyone the case should not open with.",
    )
    reason = _reason(required=False, label="Reason (optional)")

    def __init__(self, *args: Any, proposal: CaseProposal, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {"title": proposal.title, "parties": [party.key for party in proposal.parties]},
        )
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = [  # type: ignore[attr-defined]
            (party.key, f"{party.role_label}: {party.description}") for party in proposal.parties
        ]


class AttachForm(forms.Form):
    case = forms.ChoiceField(label="Cases that hold one of its identifiers", required=False)
    case_reference = forms.CharField(
        label="Or another case's reference",
        required=False,
        max_length=40,
        help_text="For example, NP-2026-000042",
    )
    reason = _reason(required=False, label="Reason (optional)")

    def __init__(self, *args: Any, suggestions: Iterable[AttachSuggestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (
                str(found.case.pk),
                f"{found.case.reference}: {found.case.title} "
                f"(matched {', '.join(label.lower() for label in found.matched_labels)})",
            )
            for found in suggestions
        ]
        field = self.fields["case"]
        field.choices = choices  # type: ignore[attr-defined]
        field.widget = Radios(choices=choices)
        if not choices:
            field.widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        if not cleaned.get("case") and not (cleaned.get("case_reference") or "").strip():
            self.add_error("case_reference", "Choose a case, or enter a case's reference.")
        return cleaned


class PassForm(forms.Form):
    agency = forms.ChoiceField(
        label="Police force",
        error_messages={"required": "Choose the police force."},
        widget=forms.Select,
    )
    reason = _reason(
        required=True,
        label="Reason",
        hint="For example, where the provider resolved the location.",
    )

    def __init__(self, *args: Any, forces: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "Choose a force")] + [  # type: ignore[attr-defined]
            (force.slug, force.name) for force in forces
        ]


class NoFurtherActionForm(forms.Form):
    reason = _reason(
        required=True,
        label="Why is no further action taken?",
        hint="The reason is kept with the decision and your name.",
    )
