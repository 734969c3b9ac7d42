"""The filters of welfare's lists (ADR 0010): one FilterSet per list, built by the
list's selector on the reader's scoped queryset and applied there
(`common.filters.filterset_apply`), so that the API and the pages read a list's
query parameters one way. A value a filter cannot read is refused with a
ValidationError naming the parameter, which the API answers with its usual 400.

`due`, `whose` and `status` are moments and people rather than columns: each
FilterSet is given the reader (`actor`), the moment the list is read (`now`) and
the reader's default `whose` (the selectors' `whose_default_get`), which applies
when the parameter is left out."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from rest_framework.fields import BooleanField as _DrfBooleanField

from agencies import access
from agencies.models import Membership, Role
from common.filters import FilterSet
from welfare.models import Duty, DutyKind, ExposureSession

DUE_FILTERS = ("today", "overdue", "week")
WHOSE_FILTERS = ("mine", "team", "agency")
CHECK_STATUSES = ("due", "missed")
CHECK_WHOSE = ("mine", "team")


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class _KindsField(forms.CharField):
    """One or more duty kinds: the parameter repeated, or its values separated by
    commas; empty values are ignored (text, so the base form lets an empty one by)."""

    widget = forms.SelectMultiple

    def clean(self, value: Any) -> set[str] | None:
        items = [value] if isinstance(value, str) else value or ()
        kinds = {kind.strip() for item in items for kind in item.split(",") if kind.strip()}
        if kinds - set(DutyKind.values):
            raise ValidationError(f"Choose from: {', '.join(DutyKind.values)}.", code="invalid")
        return kinds or None


class _BooleanField(forms.Field):
    """True or false as the API has always read them (`true`, `1`, `yes`, `on`...);
    anything else, an empty value included, is refused."""

    widget = forms.TextInput
    default_error_messages = {"invalid": "Must be a valid boolean."}

    def clean(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value in _DrfBooleanField.TRUE_VALUES:
            return True
        if value in _DrfBooleanField.FALSE_VALUES:
            return False
        raise ValidationError(self.error_messages["invalid"], code="invalid")


# The API's messages for a value its filter cannot read, an empty one included (the
# base form, `common.filters.QueryFilterForm`, refuses that with them): those of
# DRF's fields, which the API's query strings were read with before FilterSets.
_CHOICE_MESSAGES = {"invalid_choice": '"%(value)s" is not a valid choice.'}
_DATE_MESSAGES = {"invalid": "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."}
_UUID_MESSAGES = {"invalid": "Must be a valid UUID."}


def _choice_filter(values: tuple[str, ...], method: str) -> django_filters.ChoiceFilter:
    """A parameter taking one of `values`, read by the FilterSet's `method`."""
    return django_filters.ChoiceFilter(
        choices=_choices(values), method=method, error_messages=_CHOICE_MESSAGES
    )


class QueryFilterSet(FilterSet):
    """A welfare list's FilterSet, read as the selector needs it."""

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(data if data is not None else {}, **kwargs)

    def values_read(self) -> dict[str, Any]:
        """The values as read, or ValidationError naming each refused parameter."""
        if not self.is_valid():
            raise ValidationError(self.form.errors.as_data())
        return dict(self.form.cleaned_data)

    def queryset_filtered(self) -> QuerySet[Any]:
        """The filtered queryset, or ValidationError naming each refused parameter."""
        self.values_read()
        return self.qs


class _UUIDField(forms.UUIDField):
    """A UUID; an empty one refused too (the base form lets text fields be empty,
    and Django's UUIDField is one)."""

    def clean(self, value: Any) -> Any:
        if value == "":
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().clean(value)


class _UUIDFilter(django_filters.UUIDFilter):
    field_class = _UUIDField


class _KindsFilter(django_filters.Filter):
    field_class = _KindsField


class _BooleanFilter(django_filters.Filter):
    field_class = _BooleanField


class _ContextFilterSet(QueryFilterSet):
    """A FilterSet that knows who reads the list, when, and whose list they read
    when they do not say."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        queryset: QuerySet[Any],
        actor: User,
        now: datetime,
        whose_default: str = "mine",
    ) -> None:
        super().__init__(data, queryset=queryset)
        self.actor = actor
        self.now = now
        self.whose_default = whose_default

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        queryset = super().filter_queryset(queryset)
        if "whose" in self.filters and not self.form.cleaned_data.get("whose"):
            queryset = self.filters["whose"].filter(queryset, self.whose_default)
        return queryset


def end_of_local_day(now: datetime, days_ahead: int = 0) -> datetime:
    local = timezone.localtime(now)
    day = local.date() + timedelta(days=days_ahead + 1)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), local.tzinfo)


def _team_q(actor: User, membership: Membership | None) -> Q:
    """A team's duties: those of the team's cases, and those that fall to its
    members. A police supervisor also answers for the duties of people whose team
    has no supervisor of its own: the sweep escalates those to every supervisor of
    the agency (`agencies.selectors.supervision.supervisors_of`), so their list shows them
    too, or a supervisor would be told of an overdue update they cannot find."""
    team_q = Q(responsible_id=actor.pk)
    if membership is None:
        return team_q
    if membership.team_id:
        team_q |= Q(team_id=membership.team_id) | Q(
            responsible__membership__team_id=membership.team_id
        )
    if membership.role == Role.POLICE_SUPERVISOR:
        supervised_teams = Membership.objects.filter(
            agency_id=membership.agency_id,
            role=Role.POLICE_SUPERVISOR,
            user__is_active=True,
            team__isnull=False,
        ).values("team_id")
        team_q |= Q(responsible__isnull=False) & ~Q(
            responsible__membership__team_id__in=supervised_teams
        )
        team_q |= Q(responsible__isnull=True) & ~Q(team_id__in=supervised_teams)
    return team_q


class DutyFilter(_ContextFilterSet):
    """The victims' updates list: open duties by when they fall due and by whose."""

    due = _choice_filter(DUE_FILTERS, "filter_due")
    whose = _choice_filter(WHOSE_FILTERS, "filter_whose")

    class Meta(QueryFilterSet.Meta):
        model = Duty
        fields: list[str] = []

    def filter_due(self, queryset: QuerySet[Duty], name: str, value: str) -> QuerySet[Duty]:
        """`today` (due by the end of today, the overdue included: all are owed
        today), `overdue` (past their due moment), `week` (due within 7 days)."""
        if value == "overdue":
            return queryset.filter(due_at__lt=self.now)
        days_ahead = 6 if value == "week" else 0
        return queryset.filter(due_at__lt=end_of_local_day(self.now, days_ahead=days_ahead))

    def filter_whose(self, queryset: QuerySet[Duty], name: str, value: str) -> QuerySet[Duty]:
        if value == "agency":
            if access.role_of(self.actor) != Role.POLICE_SUPERVISOR:
                # By role: an officer sees their own and their team's; the whole
                # force's list is the supervisor's.
                raise ValidationError(
                    {"whose": ["Only a supervisor may list every duty of the agency."]}
                )
            return queryset
        if value == "team":
            return queryset.filter(_team_q(self.actor, access.membership_of(self.actor)))
        return queryset.filter(responsible_id=self.actor.pk)


class DutyKindFilter(DutyFilter):
    """Every open duty: as `DutyFilter`, and by kind."""

    kind = _KindsFilter(method="filter_kind")

    class Meta(DutyFilter.Meta):
        pass

    def filter_kind(self, queryset: QuerySet[Duty], name: str, value: set[str]) -> QuerySet[Duty]:
        return queryset.filter(kind__in=sorted(value))


class WelfareCheckFilter(_ContextFilterSet):
    """The suspects' 48-hour checks: due or missed, a supervisor's team's or one's own."""

    status = _choice_filter(CHECK_STATUSES, "filter_status")
    whose = _choice_filter(CHECK_WHOSE, "filter_whose")

    class Meta(QueryFilterSet.Meta):
        model = Duty
        fields: list[str] = []

    def filter_status(self, queryset: QuerySet[Duty], name: str, value: str) -> QuerySet[Duty]:
        if value == "missed":
            return queryset.filter(due_at__lt=self.now)
        return queryset.filter(due_at__gte=self.now)

    def filter_whose(self, queryset: QuerySet[Duty], name: str, value: str) -> QuerySet[Duty]:
        """A supervisor reads their team's (their agency's without a team); anyone
        else their own."""
        if value == "team":
            membership = access.membership_of(self.actor)
            if membership is not None and membership.team_id:
                return queryset.filter(team_id=membership.team_id)
            return queryset
        return queryset.filter(responsible_id=self.actor.pk)


class ExposureSessionFilter(QueryFilterSet):
    """The review sessions list: the reader's own, or (`user`, a supervisor's) a
    team member's, named by their member id. The selector finds the member."""

    user = _UUIDFilter(method="filter_member", error_messages=_UUID_MESSAGES)

    class Meta(QueryFilterSet.Meta):
        model = ExposureSession
        fields: list[str] = []

    def filter_member(
        self, queryset: QuerySet[ExposureSession], name: str, value: Any
    ) -> QuerySet[ExposureSession]:
        return queryset


class ExposureSummaryFilter(QueryFilterSet):
    """The week's summary: the reader's own, or (`team`) each member of their team's;
    the week of `week`, else this week."""

    team = _BooleanFilter(method="filter_nothing")
    week = django_filters.DateFilter(
        method="filter_nothing", input_formats=["%Y-%m-%d"], error_messages=_DATE_MESSAGES
    )

    class Meta(QueryFilterSet.Meta):
        model = Membership
        fields: list[str] = []

    def filter_nothing(self, queryset: QuerySet[Any], name: str, value: Any) -> QuerySet[Any]:
        return queryset
