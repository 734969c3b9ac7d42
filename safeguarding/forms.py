"""The fields safeguarding's pages ask with, each with its refusals in the page's words:
radios that must be answered, and a text answer with a limit."""

from typing import Any

from django import forms

from cases.forms import Radios


def radio_choice(
    label: str,
    *,
    required: str,
    invalid: str,
    field: type[forms.ChoiceField] = forms.ChoiceField,
    **kwargs: Any,
) -> forms.ChoiceField:
    """Radios that must be answered: `required` when none is chosen, `invalid` when
    the answer is not one of those offered."""
    return field(
        widget=Radios,
        label=label,
        error_messages={"required": required, "invalid_choice": invalid},
        **kwargs,
    )


def text_answer(
    label: str, *, max_length: int, rows: int, required: str, too_long: str, **kwargs: Any
) -> forms.CharField:
    """A text area that must be filled in, up to `max_length` characters."""
    return forms.CharField(
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
        label=label,
        error_messages={"required": required, "max_length": too_long},
        **kwargs,
    )


def party_choices(parties: Any) -> list[tuple[str, str]]:
    """A case's people as radios: each by name, with their part in the case."""
    return [(str(p.id), f"{p.person.full_name} ({p.get_role_display().lower()})") for p in parties]
