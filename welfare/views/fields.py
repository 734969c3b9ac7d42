"""Form fields the welfare pages share: every answer is optional on the form, because
the service decides what is missing and its messages come back onto these fields."""

from typing import Any

from django import forms

from cases.forms import Checkboxes, Radios


def radio_field(
    label: str, *, invalid: str = "Choose one of the options.", **kwargs: Any
) -> forms.ChoiceField:
    """A choice shown as radios; `invalid` is said when the answer is not one of them."""
    return forms.ChoiceField(
        required=False,
        widget=Radios,
        label=label,
        error_messages={"invalid_choice": invalid},
        **kwargs,
    )


def text_field(label: str, *, rows: int | None = None, **kwargs: Any) -> forms.CharField:
    """A line of text, or a box of `rows` lines."""
    widget = forms.Textarea(attrs={"rows": rows}) if rows else None
    return forms.CharField(required=False, label=label, widget=widget, **kwargs)


def checkboxes_field(label: str, **kwargs: Any) -> forms.MultipleChoiceField:
    """Any number of choices, shown as checkboxes."""
    return forms.MultipleChoiceField(
        required=False,
        widget=Checkboxes,
        label=label,
        error_messages={"invalid_choice": "Choose from the list."},
        **kwargs,
    )
