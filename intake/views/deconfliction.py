"""Deconfliction pages (intake.services.deconfliction): the item's supervisor records
the coordination agreed with the force(s) holding a matching identifier, seeing only
whom to contact there; and the hits on the reader's force's own cases, each naming
the force whose intake matched and whom to contact there."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods

from agencies.access import can
from agencies.audit import access_list_record
from common.errors import InvalidState
from common.keyset import keyset_page_for_request
from common.pages import capability_required, form_save
from intake.models import ItemState
from intake.selectors import deconfliction as selectors
from intake.selectors.items import item_get_for_actor
from intake.services.deconfliction import deconfliction_coordination_record

HITS_PER_PAGE = 50


class CoordinationForm(forms.Form):
    note = forms.CharField(
        max_length=2000,
        label="What coordination was agreed?",
        help_text="Who you spoke to at the other force, what you agreed and when.",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter the coordination agreed with the other force.",
            "max_length": "Keep the note to 2000 characters or fewer.",
        },
    )


@capability_required("intake.deconfliction.view")
@require_http_methods(["GET", "POST"])
def coordination_page(request, item_id):
    """Every police caseworker of the item's force sees whom to contact; only its
    supervisors are offered (and may post) the form."""
    actor = request.user
    may_record = can(actor, "intake.deconfliction.record")
    if request.method == "POST" and not may_record:
        raise Http404()
    item = item_get_for_actor(
        actor=actor,
        item_id=item_id,
        action="intake.deconfliction.record" if may_record else "intake.deconfliction.view",
        log=False,
    )
    form = CoordinationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form_save(
                form,
                deconfliction_coordination_record,
                actor=actor,
                item=item,
                note=form.cleaned_data["note"],
            )
        except InvalidState as refused:
            messages.error(request, refused.message)
            return redirect("intake-item-coordination", item_id=item.pk)
        if saved:
            messages.success(request, "Coordination recorded: the item now awaits a decision.")
            return redirect("intake-item-coordination", item_id=item.pk)
    hits = selectors.hits_for_item(actor=actor, item=item, log=request.method == "GET")
    context = {
        "form": form,
        "item": item,
        "hits": hits,
        "held": item.state == ItemState.HELD_FOR_DECONFLICTION,
        "may_record": may_record,
    }
    return render(
        request,
        "intake/deconfliction_coordination.html",
        context,
        status=400 if form.errors else 200,
    )


@capability_required("intake.deconfliction.view")
@require_GET
def holder_hits_page(request):
    found = selectors.hits_on_my_cases(actor=request.user)
    page = keyset_page_for_request(request, found, page_size=HITS_PER_PAGE)
    access_list_record(actor=request.user, records=page.object_list)
    rows = [selectors.hit_holder_row(hit) for hit in page.object_list]
    return render(request, "intake/deconfliction_hits.html", {"rows": rows, "page": page})


urlpatterns = [
    path(
        "intake/items/<uuid:item_id>/coordination/",
        coordination_page,
        name="intake-item-coordination",
    ),
    path("intake/deconfliction/", holder_hits_page, name="intake-deconfliction"),
]
