"""Render Django form fields as GOV.UK Frontend components, with their labels,
hints and error messages linked for screen readers."""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

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


def _choice_items(field, kind: str, checked_values: set[str]):
    """The items of a radios or checkboxes group. A choice that needs explaining takes
    its words from the field's `item_hints` ({value: hint}), shown as the GOV.UK
    item hint under its label and read with its input."""
    first_id = field.auto_id
    hints = getattr(field.field, "item_hints", None) or {}
    items = []
    index = 0
    for value, label in field.field.choices:
        value = "" if value is None else str(value)
        if value == "" and kind == "radios":
            continue  # a select's "choose one" entry has no place among radios
        item_id = first_id if index == 0 else f"{first_id}-{index + 1}"
        index += 1
        hint = hints.get(value, "")
        items.append(
            format_html(
                '<div class="govuk-{kind}__item">'
                '<input class="govuk-{kind}__input" id="{id}" name="{name}" type="{type}" '
                'value="{value}"{checked}{described_by}>'
                '<label class="govuk-label govuk-{kind}__label" for="{id}">{label}</label>'
                "{hint}"
                "</div>",
                kind=kind,
                id=item_id,
                name=field.html_name,
                type="radio" if kind == "radios" else "checkbox",
                value=value,
                checked=mark_safe(" checked") if value in checked_values else "",
                described_by=format_html(' aria-describedby="{}-item-hint"', item_id)
                if hint
                else "",
                label=label,
                hint=format_html(
                    '<div id="{}-item-hint" class="govuk-hint govuk-{}__hint">{}</div>',
                    item_id,
                    kind,
                    hint,
                )
                if hint
                else "",
            )
        )
    return items


def _choice_group(field, kind: str, checked_values: set[str], modifiers: str, legend_class: str):
    hint_id, error_id = f"{field.auto_id}-hint", f"{field.auto_id}-error"
    described_by = []
    hint = error = ""
    if field.help_text:
        described_by.append(hint_id)
        hint = format_html('<div id="{}" class="govuk-hint">{}</div>', hint_id, field.help_text)
    if field.errors:
        described_by.append(error_id)
        error = format_html(
            '<p id="{}" class="govuk-error-message">{}</p>',
            error_id,
            format_html_join(
                mark_safe("<br>"),
                '<span class="govuk-visually-hidden">Error:</span> {}',
                ((message,) for message in field.errors),
            ),
        )
    return format_html(
        '<div class="govuk-form-group{group_error}">'
        '<fieldset class="govuk-fieldset"{described_by}>'
        '<legend class="govuk-fieldset__legend {legend_class}">{legend}</legend>'
        "{hint}{error}"
        '<div class="govuk-{kind}{modifiers}" data-module="govuk-{kind}">{items}</div>'
        "</fieldset></div>",
        group_error=" govuk-form-group--error" if field.errors else "",
        described_by=format_html(' aria-describedby="{}"', " ".join(described_by))
        if described_by
        else "",
        legend_class=legend_class,
        legend=field.label,
        hint=hint,
        error=error,
        kind=kind,
        modifiers=modifiers,
        items=mark_safe("".join(_choice_items(field, kind, checked_values))),  # noqa: S308
    )


@register.simple_tag
def govuk_radios(
    field, inline: bool = False, small: bool = False, legend_class="govuk-fieldset__legend--s"
):
    """A choice field as GOV.UK radios inside a fieldset whose legend is the label.
    The first radio carries the field's id, which the error summary links to."""
    value = field.value()
    modifiers = (" govuk-radios--inline" if inline else "") + (
        " govuk-radios--small" if small else ""
    )
    checked = {"" if value is None else str(value)}
    return _choice_group(field, "radios", checked, modifiers, legend_class)


@register.simple_tag
def govuk_checkboxes(field, small: bool = False, legend_class="govuk-fieldset__legend--s"):
    values = field.value() or []
    checked = {str(value) for value in values}
    modifiers = " govuk-checkboxes--small" if small else ""
    return _choice_group(field, "checkboxes", checked, modifiers, legend_class)


@register.filter
def yes_no(value) -> str:
    """A yes/no answer that may not have been asked yet."""
    if value is None:
        return "Not asked"
    return "Yes" if value else "No"


@register.simple_tag
def child_tag(age):
    """Under-18s are children: said in words, not by colour alone."""
    if age is None or age >= 18:
        return ""
    return mark_safe('<strong class="govuk-tag govuk-tag--pink">Child</strong>')


@register.filter
def words(value) -> str:
    """A field or code name as words: received_on -> received on."""
    return str(value).replace("_", " ")


_DOCUMENT_KINDS = {
    "application/pdf": "PDF",
    "text/plain": "Plain text",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
}


@register.filter
def document_kind(content_type: str) -> str:
    return _DOCUMENT_KINDS.get(content_type, content_type)
