"""The intake queue page: the force's items awaiting a decision, critical first, then
by when action is due, a keyset page at a time (held items tagged)."""

from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from agencies.audit import access_list_record
from common.keyset import keyset_page_for_request
from common.pages import capability_required
from intake.selectors.items import intake_queue

QUEUE_PER_PAGE = 50


@capability_required("intake.item.view")
@require_GET
def intake_queue_page(request):
    # By keyset on the index's own order: no COUNT of the scope, no OFFSET.
    page = keyset_page_for_request(
        request, intake_queue(actor=request.user), page_size=QUEUE_PER_PAGE
    )
    access_list_record(actor=request.user, records=page.object_list)
    return render(request, "intake/queue.html", {"page": page, "items": page.object_list})


urlpatterns: list[URLPattern] = [
    path("intake/", intake_queue_page, name="intake-queue"),
]
