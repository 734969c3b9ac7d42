"""The supervisor's "Team duties" page (every open duty of the teams they cover)
and everyone's "My duties" (their own open duties, of every kind): overdue first, a
keyset page at a time, each with its person responsible and a link to reassign it."""

from datetime import datetime

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from agencies.audit import access_list_record
from common.keyset import keyset_page_for_request
from common.pages import capability_required
from welfare.models import Duty
from welfare.selectors import duties as duty_selectors

TEAM_DUTIES_PER_PAGE = 50


def _duties_page(request, found: QuerySet[Duty], *, now: datetime, mine: bool) -> HttpResponse:
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
            "more_overdue_next": (
                page.has_next and bool(duties) and duties[-1].overdue  # type: ignore[attr-defined]
            ),
            "back": request.get_full_path(),
            "mine": mine,
        },
    )


@capability_required("welfare.duty.view")
@require_GET
def team_duties(request):
    now = timezone.now()
    # Not a supervisor: AccessDenied, a page that is not there (capability_required).
    found = duty_selectors.team_duty_list(actor=request.user, now=now)
    return _duties_page(request, found, now=now, mine=False)


@capability_required("welfare.duty.view")
@require_GET
def my_duties(request):
    now = timezone.now()
    found = duty_selectors.my_duty_list(actor=request.user, now=now)
    return _duties_page(request, found, now=now, mine=True)


urlpatterns = [
    path("team-duties/", team_duties, name="team-duties"),
    path("my-duties/", my_duties, name="my-duties"),
]
