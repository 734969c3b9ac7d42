"""The filters of the agencies' lists (ADR 0010), applied in the selectors."""

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django_filters import CharFilter, ChoiceFilter, DateFilter

from agencies.audit_labels import action_choices, record_type_choices
from agencies.models import AccessLogEntry
from common.filters import FilterSet, QueryFilterForm

ISO_DATE_INVALID = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
PAGE_DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
# The example is written as the field shows a date: day and month of two digits.
PAGE_DATE_HINT = "For example, 27/03/2026"
PAGE_DATE_INVALID = "Enter a real date, for example 27/03/2026."


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _naming(object_type: str, object_id: str) -> Q:
    """Entries about the record, or whose list or page showed it among others."""
    about = Q()
    if object_type:
        about &= Q(object_type=object_type)
    if object_id:
        about &= Q(object_id=object_id)
    # `record_ids` holds "type:id" strings: matched within the stored JSON text.
    shown = f'"{object_type}:{object_id}"' if object_type and object_id else None
    if shown is None:
        shown = f'"{object_type}:' if object_type else f':{object_id}"'
    return about | Q(record_ids__icontains=shown)


class AccessLogFilterForm(QueryFilterForm):
    date_order_message = "Must not be before date_from."

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            cleaned.get("date_from")
            and cleaned.get("date_to")
            and cleaned["date_from"] > cleaned["date_to"]
        ):
            self.add_error("date_to", self.date_order_message)
        return cleaned


class AccessLogFilter(FilterSet):
    """The API's filters of the access log (`?user=&object_type=&object_id=&action=
    &date_from=&date_to=`, dates as YYYY-MM-DD); dates are whole days in London."""

    user = CharFilter(field_name="username", label="Username")
    # Both name one record: filtered together, in filter_queryset.
    object_type = CharFilter(label="Record type", method="_by_record")
    object_id = CharFilter(label="Record id", method="_by_record")
    action = CharFilter(lookup_expr="startswith")
    date_from = DateFilter(
        label="From",
        method="_on_or_after",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": ISO_DATE_INVALID},
    )
    date_to = DateFilter(
        label="To",
        method="_on_or_before",
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": ISO_DATE_INVALID},
    )

    class Meta:
        model = AccessLogEntry
        fields: list[str] = []
        form = AccessLogFilterForm

    def _by_record(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # see filter_queryset

    def _on_or_after(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(at__gte=_start_of(value))

    def _on_or_before(self, queryset: QuerySet, name: str, value: date) -> QuerySet:
        return queryset.filter(at__lt=_start_of(value + timedelta(days=1)))

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        entries = super().filter_queryset(queryset)
        object_type = self.form.cleaned_data.get("object_type") or ""
        object_id = self.form.cleaned_data.get("object_id") or ""
        if object_type or object_id:
            entries = entries.filter(_naming(object_type, object_id))
        return entries


class AccessLogPageFilterForm(AccessLogFilterForm):
    blank_means_not_given = True
    date_order_message = "The end date must be on or after the start date."


class AccessLogPageFilter(AccessLogFilter):
    """The access log page's form: the same filters, with the record type and the
    action chosen from the labelled lists (agencies.audit_labels) rather than typed,
    dates as 27/03/2026 (or YYYY-MM-DD), and the page's words."""

    object_type = ChoiceFilter(
        label="Record type",
        method="_by_record",
        choices=record_type_choices,
        empty_label="Any record",
    )
    action = ChoiceFilter(
        label="Action", field_name="action", choices=action_choices, empty_label="Any action"
    )
    date_from = DateFilter(
        label="From",
        help_text=PAGE_DATE_HINT,
        method="_on_or_after",
        input_formats=PAGE_DATE_FORMATS,
        error_messages={"invalid": PAGE_DATE_INVALID},
    )
    date_to = DateFilter(
        label="To",
        help_text=PAGE_DATE_HINT,
        method="_on_or_before",
        input_formats=PAGE_DATE_FORMATS,
        error_messages={"invalid": PAGE_DATE_INVALID},
    )

    class Meta(AccessLogFilter.Meta):
        form = AccessLogPageFilterForm
