"""The item page (its reports, identifiers, triage factors, the cases it could be
attached to) and the pages of its one decision: open a case (pre-filled with its
parties and identifiers), attach to a case, pass to another force, no further action."""

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from cases.selectors import case_get_for_actor
from common.errors import InvalidState, NotFound
from common.pages import capability_required, form_save
from intake.forms_decisions import AttachForm, NoFurtherActionForm, OpenCaseForm, PassForm
from intake.models import IntakeItem, ItemState
from intake.selectors.items import (
    attach_suggestions,
    case_id_by_reference,
    item_case_proposal,
    item_get_for_actor,
    item_reports,
    pass_force_choices,
)
from intake.services.decisions import (
    HELD_MESSAGE,
    item_attach,
    item_no_further_action,
    item_open_case,
    item_pass_to_force,
)


@capability_required("intake.item.view")
@require_GET
def item_page(request, item_id):
    item = item_get_for_actor(actor=request.user, item_id=item_id)
    reports = item_reports(actor=request.user, item=item)
    proposal = item_case_proposal(item=item, reports=reports)
    return render(
        request,
        "intake/item.html",
        {
            "item": item,
            "reports": reports,
            "factors": [f for f in (item.triage_factors or []) if isinstance(f, dict)],
            "suggestions": attach_suggestions(actor=request.user, item=item, reports=reports),
            "proposal": proposal,
            "may_decide": item.state == ItemState.AWAITING_DECISION,
        },
    )


def _item_to_decide(request, item_id) -> IntakeItem:
    """The item, for a decision page: one that is decided already, or held, answers
    409 naming its state, as the API does."""
    item = item_get_for_actor(actor=request.user, item_id=item_id, action="intake.item.decide")
    if item.state == ItemState.DECIDED:
        raise InvalidState(
            f"This item is decided already: {item.get_decision_display().lower()}.",
            state=item.state,
        )
    if item.state == ItemState.HELD_FOR_DECONFLICTION:
        raise InvalidState(f"This item is {HELD_MESSAGE}.", state=item.state)
    return item


def _decide_page(request, template: str, item: IntakeItem, form: Any, **extra: Any) -> HttpResponse:
    return render(request, template, {"item": item, "form": form, **extra})


@capability_required("intake.item.decide")
def item_open_case_page(request, item_id):
    item = _item_to_decide(request, item_id)
    reports = item_reports(actor=request.user, item=item)
    proposal = item_case_proposal(item=item, reports=reports)
    form = OpenCaseForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        opened: dict[str, Any] = {}

        def save(**values: Any) -> None:
            opened["case"] = item_open_case(**values)

        if form_save(
            form,
            save,
            actor=request.user,
            item=item,
            title=form.cleaned_data["title"],
            reason=form.cleaned_data["reason"],
            parties=proposal.parties_chosen(form.cleaned_data["parties"]),
        ):
            case = opened["case"]
            messages.success(request, f"Case {case.reference} opened from the intake item.")
            return redirect("case-detail", case.pk)
    return _decide_page(
        request, "intake/decide_open_case.html", item, form, proposal=proposal, reports=reports
    )


@capability_required("intake.item.decide")
def item_attach_page(request, item_id):
    item = _item_to_decide(request, item_id)
    reports = item_reports(actor=request.user, item=item)
    suggestions = attach_suggestions(actor=request.user, item=item, reports=reports)
    form = AttachForm(request.POST or None, suggestions=suggestions)
    if request.method == "POST" and form.is_valid():
        case_id: Any = form.cleaned_data["case"] or case_id_by_reference(
            actor=request.user, reference=form.cleaned_data["case_reference"]
        )
        case = None
        if case_id:
            try:
                case = case_get_for_actor(
                    actor=request.user, case_id=case_id, action="cases.case.change", log=False
                )
            except NotFound:
                case = None
        if case is None:
            form.add_error(
                "case_reference", "No open case of your force you may change has that reference."
            )
        elif form_save(
            form,
            item_attach,
            actor=request.user,
            item=item,
            case=case,
            reason=form.cleaned_data["reason"],
        ):
            messages.success(request, f"The intake item is attached to {case.reference}.")
            return redirect("case-detail", case.pk)
    return _decide_page(request, "intake/decide_attach.html", item, form, suggestions=suggestions)


@capability_required("intake.item.decide")
def item_pass_page(request, item_id):
    item = _item_to_decide(request, item_id)
    forces = list(pass_force_choices(actor=request.user))
    form = PassForm(request.POST or None, forces=forces)
    if request.method == "POST" and form.is_valid():
        agency = next((f for f in forces if f.slug == form.cleaned_data["agency"]), None)
        if form_save(
            form,
            item_pass_to_force,
            actor=request.user,
            item=item,
            agency=agency,
            reason=form.cleaned_data["reason"],
        ):
            messages.success(
                request, f"The intake item is passed to {agency.name if agency else 'the force'}."
            )
            return redirect("intake-queue")
    # Where the providers resolved the incidents: what a pass is usually decided on.
    locations = sorted(
        {
            ", ".join(part for part in (r.report.area, r.report.postcode, r.report.country) if part)
            for r in item_reports(actor=request.user, item=item)
        }
        - {""}
    )
    return _decide_page(request, "intake/decide_pass.html", item, form, locations=locations)


@capability_required("intake.item.decide")
def item_no_further_action_page(request, item_id):
    item = _item_to_decide(request, item_id)
    form = NoFurtherActionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form,
            item_no_further_action,
            actor=request.user,
            item=item,
            reason=form.cleaned_data["reason"],
        )
    ):
        messages.success(request, "No further action: the decision and your reason are kept.")
        return redirect("intake-queue")
    return _decide_page(request, "intake/decide_no_further_action.html", item, form)


urlpatterns: list[URLPattern] = [
    path("intake/items/<uuid:item_id>/", item_page, name="intake-item"),
    path(
        "intake/items/<uuid:item_id>/open-case/",
        item_open_case_page,
        name="intake-item-open-case",
    ),
    path("intake/items/<uuid:item_id>/attach/", item_attach_page, name="intake-item-attach"),
    path("intake/items/<uuid:item_id>/pass/", item_pass_page, name="intake-item-pass"),
    path(
        "intake/items/<uuid:item_id>/no-further-action/",
        item_no_further_action_page,
        name="intake-item-no-further-action",
    ),
]
