"""One FilterSet per list of cases (ADR 0010). A selector builds the list's FilterSet
on the actor-scoped queryset and applies it with `filterset_apply`, which raises a
ValidationError naming each refused parameter: the API answers it with its 400, a
page with its error summary. The schema's query parameters come from the same
FilterSet (`filter_parameters`).

The API's FilterSets are strict: an API client that sends an empty or malformed
filter has a bug, so every value given that the filter cannot read, an empty one
included (`?status=`), is refused with the message the API has always given. A
page's FilterSet (a subclass beside its form) is not: an empty field there means
"any". A parameter given several times counts once (its last value)."""

import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import reduce
from operator import or_
from typing import Any, TypeVar

import django_filters
from django import forms
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from rest_framework import serializers

from agencies import access
from agencies.models import Compartment
from agencies.selectors import member_list_for_casework
from cases.models import (
    Case,
    CaseParty,
    CaseSource,
    CaseStatus,
    CaseTransfer,
    Person,
    TransferState,
)
from cases.models.identifier import (
    Identifier,
    IdentifierInvalid,
    IdentifierKind,
    identifier_normalise,
)

M = TypeVar("M", bound=Model)

# A whole case reference (cases.services.cases.case_reference_next: NP-2026-000042),
# which a search looks up by equality rather than as a substring.
CASE_REFERENCE = re.compile(r"[A-Za-z0-9]{1,6}-\d{4}-\d{6}")

# How many people a name search's words may match for their cases to be gathered by
# the people's ids; more, and the list is walked in its order instead (_named).
RARE_NAME_PEOPLE = 2000

# The API's messages for a value its filter cannot read (those of DRF's fields, with
# which the API read its query strings before it had FilterSets), and for an empty one.
_DATE_FORMAT = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
_MESSAGES: dict[type[forms.Field], tuple[dict[str, str], str]] = {
    forms.ChoiceField: (
        {"invalid_choice": '"%(value)s" is not a valid choice.'},
        '"" is not a valid choice.',
    ),
    forms.DateField: ({"invalid": _DATE_FORMAT}, _DATE_FORMAT),
    forms.UUIDField: ({"invalid": "Must be a valid UUID."}, "Must be a valid UUID."),
    forms.CharField: ({}, "This field may not be blank."),
}
# How the schema types each kind of filter (as DRF's fields did before).
_SCHEMA_FIELD: dict[type[forms.Field], Callable[..., serializers.Field]] = {
    forms.ChoiceField: lambda field, **options: serializers.ChoiceField(
        choices=[choice for choice in field.choices if choice[0] != ""], **options
    ),
    forms.DateField: lambda field, **options: serializers.DateField(**options),
    forms.UUIDField: lambda field, **options: serializers.UUIDField(**options),
    forms.CharField: lambda field, **options: serializers.CharField(**options),
}


def _kind(field: forms.Field) -> type[forms.Field]:
    return next((kind for kind in _MESSAGES if isinstance(field, kind)), forms.CharField)


class QueryFilterSet(django_filters.FilterSet):
    """The base of the lists' FilterSets: `actor` scopes what a filter looks up."""

    strict = True

    def __init__(
        self, data: Mapping[str, Any] | None = None, *, actor: User, **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.actor = actor

    @property
    def form(self) -> forms.Form:
        if not hasattr(self, "_form"):
            form = super().form
            if self.strict:
                for field in form.fields.values():
                    if isinstance(field, forms.DateField):
                        field.input_formats = ["%Y-%m-%d"]
                    field.error_messages.update(_MESSAGES[_kind(field)][0])
            form.clean = _clean(self, form, form.clean)
        return self._form

    def rules(self, cleaned: dict[str, Any]) -> dict[str, str]:
        """Rules across parameters: {parameter: message}."""
        return {}


def _clean(
    filterset: QueryFilterSet, form: forms.Form, clean: Callable[[], Any]
) -> Callable[[], Any]:
    """The form's clean, then (strict) every empty value given refused, then the rules
    across parameters: in a strict FilterSet only once every parameter is read."""

    def filterset_clean() -> Any:
        cleaned = clean()
        for name, field in form.fields.items():
            raw = form.data.get(name)
            if not filterset.strict or name in form.errors or not isinstance(raw, str):
                continue
            empty = raw == "" if isinstance(field, forms.ChoiceField) else not raw.strip()
            if empty:
                form.add_error(name, _MESSAGES[_kind(field)][1])
        if not (filterset.strict and form.errors):
            for name, message in filterset.rules(form.cleaned_data).items():
                form.add_error(name, message)
        return cleaned

    return filterset_clean


def filterset_apply(filterset: QueryFilterSet, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` filtered, or ValidationError naming each refused parameter. An unbound
    FilterSet (a page shown without filters) filters nothing."""
    if not filterset.is_bound:
        return queryset
    form = filterset.form
    if not form.is_valid():
        # In the order of the parameters, as the API has always named them.
        order = [*form.fields, *form.errors]
        named = sorted(form.errors.items(), key=lambda item: order.index(item[0]))
        raise ValidationError({name: [str(error) for error in errors] for name, errors in named})
    return filterset.filter_queryset(queryset)


def filter_parameters(
    filterset_class: type[QueryFilterSet], name: str
) -> type[serializers.Serializer]:
    """The FilterSet's query parameters, for drf-spectacular's `parameters=[...]`: each
    typed as its filter reads it and described by its `help_text`."""
    fields: dict[str, serializers.Field] = {}
    for parameter, filter_ in filterset_class.base_filters.items():
        field = filter_.field
        options = {"required": False}
        if help_text := filter_.extra.get("help_text"):
            options["help_text"] = help_text
        fields[parameter] = _SCHEMA_FIELD[_kind(field)](field, **options)
    return type(name, (serializers.Serializer,), fields)


def name_words_q(text: str, prefix: str = "") -> Q:
    """`name_words_match` as one condition, to OR with others."""
    condition = Q()
    for word in text.split():
        condition &= (
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}aliases__icontains": word})
        )
    return condition


def name_words_match(queryset: QuerySet[M], text: str, prefix: str = "") -> QuerySet[M]:
    """Every word of `text` matches one of the person's names or aliases."""
    for word in text.split():
        queryset = queryset.filter(
            Q(**{f"{prefix}first_name__icontains": word})
            | Q(**{f"{prefix}last_name__icontains": word})
            | Q(**{f"{prefix}aliases__icontains": word})
        )
    return queryset


# --- Identifiers

# Text a phone number may be written in: digits, spaces, + ( ) - . and at least 6 digits.
_PHONE_LIKE = re.compile(r"(?=(?:\D*\d){6})[\d\s+().-]+")
# Any moment will do: an IP address is matched whatever the moment it was seen.
_ANY_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)


def identifier_search_terms(text: str) -> dict[str, set[str]]:
    """The identifiers that `text` may be, normalised: {value: {kinds}}. An email if
    it has an @ inside it; an IP address if it reads as one (whatever the moment); a
    phone number if it is written like one and is a possible number; a username (on
    any platform) if it has no spaces; a report or package number or device id, with
    its spaces removed; a profile if it is a web address."""
    text = text.strip()
    tries: list[tuple[str, dict[str, Any]]] = [
        (IdentifierKind.SOURCE_REPORT, {}),
        (IdentifierKind.PACKAGE_REFERENCE, {}),
        (IdentifierKind.DEVICE_ID, {}),
    ]
    if "@" in text.lstrip("@"):
        tries.append((IdentifierKind.EMAIL, {}))
    if not any(character.isspace() for character in text):
        tries.append((IdentifierKind.USERNAME, {"platform": "any"}))
    if _PHONE_LIKE.fullmatch(text):
        tries.append((IdentifierKind.PHONE, {}))
    if text[:4].lower() == "http":
        tries.append((IdentifierKind.PROFILE_URL, {}))
    try:
        ipaddress.ip_address(text)
    except ValueError:
        pass
    else:
        tries.append((IdentifierKind.IP_ADDRESS, {"seen_at": _ANY_MOMENT}))
    terms: dict[str, set[str]] = {}
    for kind, extra in tries:
        try:
            value = identifier_normalise(kind, text, **extra).value
        except IdentifierInvalid:
            continue
        terms.setdefault(value, set()).add(str(kind))
    return terms


def identifiers_matching(actor: User, text: str) -> QuerySet[Identifier] | None:
    """The identifiers `text` names that the actor may see: a party's, when they may
    see the party (`access.party_scope`, tested row by row on the few rows the index
    finds); a case's own numbers, with the case (which the caller's queryset scopes).
    One query over the index `identifier_value`: an equality on (value, kind) for each
    value the text may be. None when it may be none."""
    terms = identifier_search_terms(text)
    if not terms or not access.can(actor, "cases.identifier.view"):
        return None
    match = reduce(
        or_, (Q(value=value, kind__in=sorted(kinds)) for value, kinds in sorted(terms.items()))
    )
    party_seen = Exists(
        access.party_scope(actor, CaseParty.objects.filter(pk=OuterRef("party_id")))
    )
    return (
        Identifier.objects.filter(match)
        .filter(party_seen | Q(party__isnull=True, compartment=Compartment.CASE))
        .order_by()
    )


# --- The lists


# The case list's orders, by the value of its `ordering` parameter: each a tuple of
# stored columns, never NULL, all one way, ending in the key (ADR 0013), which the
# list reads from an index in that order or the reverse (PostgreSQL scans a btree
# either way). The scope is the agency's own cases OR those granted to it, which an
# index leading with the agency cannot serve, so each is walked in an index that
# leads with the order itself (`case_received`, or `case_status_received` under a
# status) and tested for the scope row by row: a force's cases are spread through
# time, so a page is found after a few rows per case on it.
#
# Not offered, because no index can serve them under that scope: the reference (an
# agency's references share its prefix, so they are one block of the index, and
# walking it means reading every case of the agencies whose prefixes sort first),
# the shared level and the next duty due (stored in safeguarding and welfare, above
# cases; ordering by them needs each stored on the case and kept there, ADR 0013).
CASE_LIST_ORDERINGS: dict[str, tuple[str, ...]] = {
    "-received_on": ("-received_on", "-id"),
    "received_on": ("received_on", "id"),
}
CASE_LIST_DEFAULT_ORDERING = "-received_on"


class CaseFilter(QueryFilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    source = django_filters.ChoiceFilter(choices=CaseSource.choices)
    lead = django_filters.CharFilter(method="filter_lead", help_text="The lead officer's username.")
    team = django_filters.UUIDFilter(field_name="team_id")
    received_from = django_filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_to = django_filters.DateFilter(field_name="received_on", lookup_expr="lte")
    q = django_filters.CharFilter(
        method="filter_text",
        help_text=(
            "Free text over reference, title and party names, or an identifier the case "
            "holds (a CyberTip number, package reference, email, username, phone or IP)."
        ),
    )
    ordering = django_filters.ChoiceFilter(
        choices=[(value, value) for value in CASE_LIST_ORDERINGS],
        method="filter_ordering",
        help_text=(
            "The list's order: `-received_on` (the most recently received first, the "
            "default) or `received_on` (the longest waiting first). A cursor holds its "
            "order: follow `next` and `previous` with the same ordering."
        ),
    )

    class Meta:
        model = Case
        fields: list[str] = []

    to_before_from = "Must not be before received_from."

    def rules(self, cleaned: dict[str, Any]) -> dict[str, str]:
        start, end = cleaned.get("received_from"), cleaned.get("received_to")
        return {"received_to": self.to_before_from} if start and end and start > end else {}

    def filter_ordering(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        return queryset.order_by(*CASE_LIST_ORDERINGS[value])

    def filter_lead(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        lead = member_list_for_casework(actor=self.actor).filter(user__username=value).first()
        return queryset.filter(lead_officer_id=lead.user_id if lead else -1)

    def filter_text(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        text = value.strip()
        if not text:
            return queryset
        # A whole reference (NP-2026-000042) names one case: an equality on the
        # reference's index, not a name or a title.
        if CASE_REFERENCE.fullmatch(text):
            return queryset.filter(reference__iexact=text)
        # Names only match parties the user may see, so a search cannot reveal that a
        # suspect (say) is in a case. Every word must match one of the same party's
        # names, so that "Jo Bloggs" finds Jo Bloggs. Each test is one an index can
        # serve (on PostgreSQL, trigram indexes on the reference, the title and the
        # names: migration 0006).
        # An identifier (a CyberTip number, an email, a username, a phone, an IP...)
        # finds the cases that hold it, through the identifiers the user may see: the
        # cases' ids gathered by the identifier index, beside the other tests.
        return queryset.filter(
            Q(reference__icontains=text)
            | Q(title__icontains=text)
            | self._named(text)
            | self._identified(text)
        )

    def _identified(self, text: str) -> Q | access.AmongIds:
        held = identifiers_matching(self.actor, text)
        if held is None:
            return Q(pk__in=[])
        return access.AmongIds("pk", held.filter(case__isnull=False).values("case_id"))

    def _named(self, text: str) -> Q | Exists | access.AmongIds:
        """The cases with a visible party whose names match every word. Which shape
        is fastest depends on how many people the words match, which the planner
        cannot know, so one query asks (at most RARE_NAME_PEOPLE + 1 ids, by the
        trigram indexes). A rare name's cases are gathered by the people's ids (a
        BitmapOr beside the reference's and title's); a common one's are found by
        walking the list's order and testing each case until the page is full (at a
        million cases, 30,000 Millers: 860 ms gathered, a few ms walked)."""
        people = list(
            name_words_match(Person.objects.all(), text)
            .order_by()
            .values_list("pk", flat=True)[: RARE_NAME_PEOPLE + 1]
        )
        if not people:
            return Q(pk__in=[])
        if len(people) <= RARE_NAME_PEOPLE:
            named = access.party_scope(self.actor, CaseParty.objects.all())
            named = named.filter(person_id__in=people)
            return access.AmongIds("pk", named.order_by().values("case_id"))
        named = access.party_scope(
            self.actor,
            CaseParty.objects.filter(case=OuterRef("pk")),
            case_owner=OuterRef("owning_agency_id"),
        )
        return Exists(name_words_match(named, text, prefix="person__"))


class PersonFilter(QueryFilterSet):
    q = django_filters.CharFilter(
        method="filter_text",
        help_text="Name or alias words, or an identifier the person holds (email, phone...).",
    )
    date_of_birth = django_filters.DateFilter()

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        text = value.strip()
        held = identifiers_matching(self.actor, text) if text else None
        if held is None:
            return name_words_match(queryset, value)
        # The people whose names match, or who hold an identifier the text names that
        # the user may see (the list's queryset scopes the people themselves). Their
        # ids are read first (by the index, a few rows): when there are none, as for
        # most names, the name search keeps the plan it has without identifiers.
        holders = list(
            held.filter(person__isnull=False)
            .values_list("person_id", flat=True)
            .distinct()[: RARE_NAME_PEOPLE + 1]
        )
        if not holders:
            return name_words_match(queryset, value)
        if len(holders) > RARE_NAME_PEOPLE:
            held_by = access.AmongIds("pk", held.filter(person__isnull=False).values("person_id"))
            return queryset.filter(name_words_q(value) | held_by)
        return queryset.filter(name_words_q(value) | Q(pk__in=holders))


INCOMING = "incoming"
OUTGOING = "outgoing"


class TransferFilter(QueryFilterSet):
    direction = django_filters.ChoiceFilter(
        choices=[(INCOMING, INCOMING), (OUTGOING, OUTGOING)], method="filter_direction"
    )
    state = django_filters.ChoiceFilter(choices=TransferState.choices)

    class Meta:
        model = CaseTransfer
        fields: list[str] = []

    def filter_direction(
        self, queryset: QuerySet[CaseTransfer], name: str, value: str
    ) -> QuerySet[CaseTransfer]:
        membership = access.membership_of(self.actor)
        if membership is None:
            return queryset
        if value == INCOMING:
            return queryset.filter(to_agency_id=membership.agency_id)
        return queryset.filter(from_agency_id=membership.agency_id)
