"""The filters of safeguarding's lists (ADR 0010): one FilterSet per list, built by
its selector on the reader's scoped queryset (`common.filters`). A value a filter
cannot read is refused with a ValidationError naming the parameter, in the words
the API has always used (those of DRF's fields), which the API answers with its
usual 400 and a page shows on its form."""

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import CharFilter, ChoiceFilter, Filter, UUIDFilter
from rest_framework.fields import BooleanField as DrfBooleanField

from agencies.models import Membership, Team
from common.filters import FilterSet, QueryFilterForm
from safeguarding.models import CasePriority, Flag, RiskScale


class _BooleanField(forms.Field):
    """True or false as the API has always read them (`true`, `1`, `yes`, `on`...);
    anything else, an empty value included, is refused."""

    widget = forms.TextInput

    def clean(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value in DrfBooleanField.TRUE_VALUES:
            return True
        if value in DrfBooleanField.FALSE_VALUES:
            return False
        raise ValidationError("Must be a valid boolean.", code="invalid")


class _BooleanFilter(Filter):
    field_class = _BooleanField


class FlagFilter(FilterSet):
    """A case's flags through the API: `?live=true` only live ones, `false` only
    cleared ones."""

    live = _BooleanFilter(method="_by_live")

    class Meta(FilterSet.Meta):
        model = Flag
        fields: list[str] = []

    def _by_live(self, queryset: QuerySet[Flag], name: str, value: bool) -> QuerySet[Flag]:
        return queryset.filter(cleared_at__isnull=value)


class _IntegerFilter(Filter):
    field_class = forms.IntegerField


class ScaleVersionFilter(FilterSet):
    """One agency's scale through the API: `?version=` an earlier one."""

    version = _IntegerFilter(
        min_value=1, error_messages={"invalid": "A valid integer is required."}
    )

    class Meta(FilterSet.Meta):
        model = RiskScale
        fields: list[str] = []


class _QueueFilterForm(QueryFilterForm):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Given empty, each is refused as the API always did (a UUID field is a
        # CharField to Django, so the base form lets it pass).
        for name, message in (
            ("team", "Must be a valid UUID."),
            ("lead", "This field may not be blank."),
        ):
            if self.data.get(self.add_prefix(name)) == "" and name not in self.errors:
                self.add_error(name, message)
        return cleaned


class QueueFilter(FilterSet):
    """The work queue through the API: `?team=` (a team's id) and `?lead=` (the lead
    officer's username, among the agency's caseworkers: nobody else's cases)."""

    team = UUIDFilter(
        field_name="case__team_id", error_messages={"invalid": "Must be a valid UUID."}
    )
    lead = CharFilter(method="_by_lead")

    class Meta(FilterSet.Meta):
        model = CasePriority
        fields: list[str] = []
        form = _QueueFilterForm

    def __init__(self, *args: Any, leads: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.leads = leads

    def _by_lead(
        self, queryset: QuerySet[CasePriority], name: str, value: str
    ) -> QuerySet[CasePriority]:
        lead = self.leads.filter(user__username=value).first()
        return queryset.filter(case__lead_officer_id=lead.user_id if lead else -1)


class _QueuePageForm(QueryFilterForm):
    blank_means_not_given = True


class QueuePageFilter(FilterSet):
    """The work queue page's form: a team and a lead officer, each chosen from the
    agency's own (`teams` and `leads`, given by the selector)."""

    team = ChoiceFilter(field_name="case__team_id", label="Team", empty_label="All teams")
    lead = ChoiceFilter(field_name="case__lead_officer_id", label="Lead", empty_label="Anyone")

    class Meta(FilterSet.Meta):
        model = CasePriority
        fields: list[str] = []
        form = _QueuePageForm

    def __init__(
        self, *args: Any, teams: Iterable[Team], leads: Iterable[Membership], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.filters["team"].extra["choices"] = [(str(team.id), team.name) for team in teams]
        self.filters["lead"].extra["choices"] = [
            (str(member.user_id), member.full_name) for member in leads
        ]

    @classmethod
    def form_for(
        cls, data: Mapping[str, Any] | None, *, teams: list[Team], leads: list[Membership]
    ) -> forms.Form:
        """The page's form, bound to what was asked (its errors shown on the page)."""
        filterset = cls(
            data or None, queryset=CasePriority.objects.none(), teams=teams, leads=leads
        )
        return filterset.form


def filtered(filterset: FilterSet) -> QuerySet[Any]:
    """The FilterSet's queryset; ValidationError naming each field that is wrong. No
    filter asked (an unbound FilterSet): the queryset as it is."""
    if not filterset.is_bound:
        return filterset.queryset
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    return filterset.qs
