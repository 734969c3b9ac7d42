"""The base of every list's filters (ADR 0010): one django-filter FilterSet per list,
applied in the list's selector, which raises ValidationError naming each field that
is wrong. The API answers that as its usual 400; a page shows it in its error summary.

An API client that sends a filter empty (`?date_from=`) has a bug: a value that is
not text is validated as sent, and an empty one is refused naming it, as the API
always did. A page's form sends every field, the empty ones too, so a page's
FilterSet takes empty as "not given" (`QueryFilterForm.blank_means_not_given`)."""

from collections.abc import Mapping
from typing import Any, TypeVar

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class QueryFilterForm(forms.Form):
    """The form a FilterSet validates its query string with (its `Meta.form`)."""

    blank_means_not_given = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        if not self.blank_means_not_given:
            for name, field in self.fields.items():
                if isinstance(field, forms.CharField) or name in self.errors:
                    continue
                if self.data.get(self.add_prefix(name)) == "":
                    self.add_error(name, _refusal_of_empty(field))
        return self.cleaned_data


def _refusal_of_empty(field: forms.Field) -> str:
    if "invalid" in field.error_messages:
        return str(field.error_messages["invalid"])
    if "invalid_choice" in field.error_messages:
        return str(field.error_messages["invalid_choice"]) % {"value": ""}
    return str(field.error_messages["required"])


class FilterSet(django_filters.FilterSet):
    class Meta:
        form = QueryFilterForm


def filterset_qs(
    filterset_class: type[django_filters.FilterSet],
    filters: Mapping[str, Any],
    queryset: QuerySet[M],
) -> tuple[QuerySet[M], dict[str, Any]]:
    """`queryset` narrowed by `filters` through `filterset_class`, with the values it
    read; ValidationError naming each field that is wrong, and nothing is read."""
    filterset = filterset_class(filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    return filterset.qs, filterset.form.cleaned_data
