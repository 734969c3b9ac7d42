"""The supervisor's "Team duties" page: every open duty of the teams they cover,
overdue first, a keyset page at a time, each with its person responsible and a
link to reassign it."""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.audit import access_list_record
from common.keyset import keyset_page_for_request
from common.pages import capability_required
from welfare.selectors import duties as duty_selectors

TEAM_DUTIES_PER_PAGE = 50


@capability_required("welfare.duty.view")
@require_GET
def team_duties(request):
    now = timezone.now()
    # Not a supervisor: AccessDenied, a page that is not there (capability_required).
    found = duty_selectors.team_duty_list(actor=request.user, now=now)
    page = keyset_page_for_request(request, found, page_size=TEAM_DUTIES_PER_PAGE)
    # Every page of the list read is logged, by what it holds.
    access_list_record(actor=request.user, records=page.object_list)
    duties = duty_selectors.duty_deadlines_annotate(page.object_list, now=now)
    return render(
        request,
        "welfare/duties/team_duties.html",
        {
            "duties": duties,
            "page": page,
            # Overdue first: a page that ends on an overdue duty may have more after it.
            "more_overdue_next": page.has_next and bool(duties) and duties[-1].overdue,
            "back": request.get_full_path(),
        },
    )


urlpatterns = [
    path("team-duties/", team_duties, name="team-duties"),
]
