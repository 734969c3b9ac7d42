"""Render Django form fields as GOV.UK Frontend components, with their labels,
hints and error messages linked for screen readers."""

from django import forms, template
from django.utils.html import format_html

register = template.Library()

_WIDGET_CLASSES = {
    forms.Select: "govuk-select",
    forms.Textarea: "govuk-textarea",
    forms.CheckboxInput: "govuk-checkboxes__input",
}


def _base_class(widget) -> str:
    for widget_type, css in _WIDGET_CLASSES.items():
        if isinstance(widget, widget_type):
            return css
    return "govuk-input"


@register.simple_tag
def govuk_widget(field, extra_class: str = ""):
    widget = field.field.widget
    base = _base_class(widget)
    classes = [base]
    if extra_class:
        classes.append(extra_class)
    described_by = []
    if field.help_text:
        described_by.append(f"{field.id_for_label}-hint")
    if field.errors:
        classes.append(f"{base}--error")
        described_by.append(f"{field.id_for_label}-error")
    attrs = {"class": " ".join(classes)}
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def govuk_title_prefix(form=None) -> str:
    """GOV.UK pattern: a page whose form has errors says so first in its title."""
    return "Error: " if form is not None and form.errors else ""


@register.filter
def shared_level_tag(level: str) -> str:
    colours = {"critical": "red", "high": "orange", "medium": "yellow", "low": "green"}
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', colours.get(level, "grey"), level
    )
