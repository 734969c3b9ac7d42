"""The case list page: the cases a user may see, open ones unless they ask otherwise,
filtered in a filter panel (the GOV.UK "filter a list" pattern: what is selected is
shown, each removable, with a link that clears them all; a plain GET form, so it
works without JavaScript), in an order an index serves, 25 a page by keyset.

The columns the apps above cases add (the shared risk level, the next duty due)
come from their providers (cases.list_columns), each one query for the page's cases.
The page reads in a fixed number of queries, whatever the number of cases on it."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from agencies.access import can
from agencies.audit import access_list_record
from agencies.selectors import member_list_for_casework, team_list
from cases import selectors
from cases.filters import CASE_LIST_DEFAULT_ORDERING
from cases.forms.case import ALL_STATUSES, CASE_LIST_PAGE_DEFAULTS, CaseListPageFilter
from cases.list_columns import case_list_columns
from cases.models import PartyRole
from common.keyset import CURSOR_PARAMETER, keyset_page_for_request
from common.pages import capability_required

CASES_PER_PAGE = 25
# The filters a reader can select, in the order the panel shows them as selected.
FILTERS = ("q", "status", "source", "lead_officer", "team", "received_from", "received_to")


@dataclass(frozen=True)
class SelectedFilter:
    label: str
    value: str
    remove_url: str


def _url(params: dict[str, str]) -> str:
    query = urlencode({name: value for name, value in params.items() if value})
    return reverse("case-list") + (f"?{query}" if query else "")


def _asked(query: QueryDict) -> dict[str, str]:
    """What the page was asked, with its defaults for what was not given (a parameter
    given several times counts once: its last value). The cursor is left out: a
    filter or an order changed starts again at the first page."""
    asked = {name: str(value) for name, value in query.items() if name != CURSOR_PARAMETER}
    return {**CASE_LIST_PAGE_DEFAULTS, **asked}


def _selected(form, asked: dict[str, str]) -> list[SelectedFilter]:
    """Each filter in force, with a link to the list without it. Without a status
    filter the list holds open and closed cases."""
    selected = []
    for name in FILTERS:
        raw = (asked.get(name) or "").strip()
        if not raw or (name == "status" and raw == ALL_STATUSES):
            continue
        field = form.fields[name]
        choices = {str(value): label for value, label in getattr(field, "choices", ())}
        without = {**asked, name: ALL_STATUSES if name == "status" else ""}
        selected.append(SelectedFilter(str(field.label), choices.get(raw, raw), _url(without)))
    return selected


@capability_required("cases.case.view")
@require_GET
def case_list(request):
    members = list(member_list_for_casework(actor=request.user))
    teams = list(team_list(actor=request.user))
    asked = _asked(request.GET)
    filtering_by = {
        "filters": asked,
        "filterset_class": CaseListPageFilter,
        "members": members,
        "teams": teams,
    }
    # The form shows what was asked, and what was refused in the error summary.
    form = CaseListPageFilter(asked, actor=request.user, members=members, teams=teams).form
    cases = []
    page = None
    try:
        found = selectors.case_list_with_parties(actor=request.user, **filtering_by)
    except ValidationError:
        found = None
    if found is not None:
        # By keyset on the selector's ordering: no COUNT of the scope, no OFFSET.
        page = keyset_page_for_request(request, found, page_size=CASES_PER_PAGE)
        cases = list(page.object_list)
        access_list_record(actor=request.user, records=cases)
    for case in cases:
        case.victims = [p for p in case.visible_parties if p.role == PartyRole.VICTIM]
    columns = case_list_columns(request.user, cases)
    selected = _selected(form, asked)
    ordering = asked.get("ordering") or CASE_LIST_DEFAULT_ORDERING
    newest_first = ordering != "received_on"
    keep_order = {"ordering": ordering} if ordering != CASE_LIST_DEFAULT_ORDERING else {}
    context = {
        "form": form,
        "cases": cases,
        "page": page,
        "columns": columns,
        "filtering": bool(selected),
        "selected_filters": selected,
        # Nothing filtered: open and closed cases, in the order chosen.
        "clear_url": _url({"status": ALL_STATUSES, **keep_order}),
        "newest_first": newest_first,
        # The Received heading orders the list the other way, from the first page.
        "received_sort_url": _url(
            {**asked, "ordering": "received_on" if newest_first else "-received_on"}
        ),
        "status_label": {"open": "Open cases", "closed": "Closed cases"}.get(
            asked.get("status", ""), "Cases"
        ),
        # Every case on the list is the agency's own or granted to it, and logging a
        # contact is one of the things a grant allows: the role decides.
        "may_log_contacts": can(request.user, "cases.contact.add"),
        "may_create": can(request.user, "cases.case.create"),
    }
    return render(request, "cases/case_list.html", context)
