"""The work queue page."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from agencies.audit import access_list_record
from agencies.selectors import member_list_for_casework, team_list
from cases.selectors import case_get_for_actor
from common.errors import InvalidState, ValidationError
from common.keyset import keyset_page_for_request
from common.pages import capability_required
from safeguarding import selectors
from safeguarding.deadlines import strategy_children_with_deadlines
from safeguarding.filters import QueuePageFilter
from safeguarding.queue_view_model import queue_rows
from safeguarding.services.queue import case_actioned


@capability_required("safeguarding.queue.view")
def queue(request):
    teams = list(team_list(actor=request.user))
    leads = list(member_list_for_casework(actor=request.user))
    try:
        entries = selectors.queue_list(
            actor=request.user, filters=request.GET, page_choices=(teams, leads)
        )
    except ValidationError:
        # The form says what is wrong; the list is not narrowed.
        entries = selectors.queue_list(actor=request.user, page_choices=(teams, leads))
    form = QueuePageFilter.form_for(request.GET, teams=teams, leads=leads)
    # By keyset on the selector's ordering: no COUNT of the scope, no OFFSET.
    page = keyset_page_for_request(request, entries, page_size=50)
    access_list_record(actor=request.user, records=page.object_list)
    return render(
        request,
        "safeguarding/queue.html",
        {
            "form": form,
            "rows": queue_rows(page.object_list),
            "page": page,
            # Each with how it stands, from one read of the calendar for the list.
            "deadlines": strategy_children_with_deadlines(
                selectors.child_protection_deadlines(actor=request.user)[:50]
            ),
        },
    )


@capability_required("safeguarding.case.action")
@require_POST
def case_actioned_page(request, case_id):
    case = case_get_for_actor(
        actor=request.user, case_id=case_id, action="safeguarding.case.action", log=False
    )
    try:
        case_actioned(
            actor=request.user, case=case, description=request.POST.get("description", "")
        )
    except ValidationError:
        messages.error(request, "Say what was done first.")
    except InvalidState as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request, f"{case.reference} has left the queue: its first action is recorded."
        )
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return redirect(next_url)
    return redirect("queue")


urlpatterns = [
    path("queue/", queue, name="queue"),
    path("cases/<uuid:case_id>/actioned/", case_actioned_page, name="case-actioned-page"),
]
