"""The case list and the case page: where a generalist officer spends the day.

Both pages read through the selectors in a fixed number of queries, whatever the
number of cases on a page or of parties, contacts and decisions in a case. The case
page is a summary and tabs, in cases.views.case_tabs."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from agencies.access import can
from agencies.audit import access_list_record
from agencies.selectors import member_list_for_casework, team_list
from cases import selectors
from cases.forms import CaseListPageFilter
from cases.models import PartyRole
from cases.views import case_tabs
from common.keyset import keyset_page_for_request
from common.pages import capability_required

CASES_PER_PAGE = 25
HISTORY_SHOWN = 50


def url_or_none(name: str, *args) -> str | None:
    """The URL of a page another part of the app may not have added yet: the link is
    left out rather than the whole page failing."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


# --- The case list


@capability_required("cases.case.view")
@require_GET
def case_list(request):
    members = list(member_list_for_casework(actor=request.user))
    teams = list(team_list(actor=request.user))
    filtering = any(value for key, value in request.GET.items() if key not in ("page", "cursor"))
    filtering_by = {
        "filters": request.GET if filtering else None,
        "filterset_class": CaseListPageFilter,
        "members": members,
        "teams": teams,
    }
    # The form shows what was asked, and what was refused in the error summary.
    form = CaseListPageFilter(
        filtering_by["filters"], actor=request.user, members=members, teams=teams
    ).form
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
    context = {
        "form": form,
        "cases": cases,
        "page": page,
        "filtering": filtering,
        # Every case on the list is the agency's own or granted to it, and logging a
        # contact is one of the things a grant allows: the role decides.
        "may_log_contacts": can(request.user, "cases.contact.add"),
        "may_create": can(request.user, "cases.case.create"),
    }
    return render(request, "cases/case_list.html", context)


# --- The case page: its summary and tabs are in cases.views.case_tabs (issue 18).

case_detail = case_tabs.case_detail
