"""Transfer pages: asking another police force to take a case over; the transfers
of the reader's force (those waiting for its supervisors first); one transfer,
where the receiving force's supervisor accepts it (naming a lead officer) or
declines it, and the sending force may withdraw it (cases.services.transfers)."""

from collections.abc import Callable
from typing import cast

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agencies.access import can, membership_of
from agencies.audit import access_list_record
from agencies.models import AgencyKind, Membership
from agencies.selectors import agency_list
from cases import selectors
from cases.forms import CaseReasonForm, TransferAcceptForm, TransferRequestForm
from cases.models import CaseTransfer, TransferState
from cases.selectors import transfers as transfer_selectors
from cases.services import lifecycle
from cases.services import transfers as transfer_services
from cases.views.common import refused_on_case, to_case
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from

GET_AND_POST = require_http_methods(["GET", "POST"])
# Decided transfers shown under the waiting ones: the most recent.
DECIDED_SHOWN = 20


# --- Asking another force


@capability_required("cases.transfer.request")
@GET_AND_POST
def transfer_request_page(request, case_id):
    actor = request.user
    case = selectors.case_get_for_actor(
        actor=actor,
        case_id=case_id,
        action="cases.transfer.request",
        log=request.method == "GET",
    )
    if not can(actor, "cases.transfer.request", case):
        # Another officer's case: the page does not exist for them.
        raise Http404()
    if not case.is_open:
        messages.error(request, f"{case.reference} is closed: reopen it before transferring it.")
        return to_case(case)
    pending = transfer_selectors.pending_transfer_of(actor=actor, case=case)
    if pending is not None:
        messages.error(
            request, f"A transfer to {pending.to_agency.name} is already waiting for a decision."
        )
        return redirect("transfer-detail", transfer_id=pending.id)
    own = membership_of(actor).agency_id
    agencies = list(agency_list())
    forces = [a for a in agencies if a.kind == AgencyKind.POLICE and a.pk != own]
    form = TransferRequestForm(
        request.POST or None, forces=forces, known={a.slug for a in agencies}
    )
    if request.method == "POST" and form.is_valid():
        to_agency = next(a for a in agencies if a.slug == form.cleaned_data["to_agency"])
        try:
            transfer = transfer_services.transfer_request(
                actor=actor, case=case, to_agency=to_agency, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            return refused_on_case(request, case, error)
        else:
            messages.success(
                request,
                f"Transfer of {case.reference} requested: {to_agency.name}'s supervisors are told.",
            )
            return redirect("transfer-detail", transfer_id=transfer.id)
    context = {"form": form, "case": case, "duties": lifecycle.case_open_duties(case=case)}
    return render(request, "cases/transfer_request_form.html", context)


# --- The force's transfers


@capability_required("cases.transfer.view")
@require_GET
def transfer_list_page(request):
    actor = request.user
    waiting_in = list(
        transfer_selectors.transfer_list(
            actor=actor,
            filters={"direction": transfer_selectors.INCOMING, "state": TransferState.REQUESTED},
        )
    )
    waiting_out = list(
        transfer_selectors.transfer_list(
            actor=actor,
            filters={"direction": transfer_selectors.OUTGOING, "state": TransferState.REQUESTED},
        )
    )
    decided = list(
        transfer_selectors.transfer_list(actor=actor).exclude(state=TransferState.REQUESTED)[
            :DECIDED_SHOWN
        ]
    )
    access_list_record(actor=actor, records=[*waiting_in, *waiting_out, *decided])
    context = {
        "waiting_in": waiting_in,
        "waiting_out": waiting_out,
        "decided": decided,
        "may_decide": can(actor, "cases.transfer.decide"),
        "decided_shown": DECIDED_SHOWN,
    }
    return render(request, "cases/transfer_list.html", context)


def _detail_context(request, transfer: CaseTransfer, **forms) -> dict:
    actor = request.user
    agency_id = cast(Membership, membership_of(actor)).agency_id
    receiving = transfer.to_agency_id == agency_id
    may_decide = transfer.is_pending and receiving and can(actor, "cases.transfer.decide")
    may_withdraw = (
        transfer.is_pending
        and transfer.from_agency_id == agency_id
        and can(actor, "cases.transfer.request", transfer.case)
    )
    context = {
        "transfer": transfer,
        "receiving": receiving,
        "may_decide": may_decide,
        "may_withdraw": may_withdraw,
        # A link to the case for those who may read it (the sender; the receiver once
        # it accepted; the sender again through its grant after).
        "case_url": reverse("case-detail", args=[transfer.case_id])
        if selectors.case_scope(actor).filter(pk=transfer.case_id).exists()
        else None,
    }
    if may_decide:
        members = list(transfer_selectors.lead_officer_choices(actor=actor))
        context["duty_count"] = len(lifecycle.case_open_duties(case=transfer.case))
        context["accept_form"] = forms.get("accept_form") or TransferAcceptForm(members=members)
        context["decline_form"] = forms.get("decline_form") or _decline_form()
    if may_withdraw:
        context["withdraw_form"] = forms.get("withdraw_form") or _withdraw_form()
    return context


def _reason_form(prefix: str, label: str, missing: str) -> Callable[..., CaseReasonForm]:
    """The form giving the reason for declining or withdrawing a transfer."""

    def form(data=None) -> CaseReasonForm:
        return CaseReasonForm(data, prefix=prefix, label=label, missing=missing)

    return form


_decline_form = _reason_form(
    "decline", "Why does your force decline it?", "Give the reason your force declines the case."
)
_withdraw_form = _reason_form(
    "withdraw", "Why is the transfer withdrawn?", "Give the reason the transfer is withdrawn."
)


def _transfer(request, transfer_id, *, log: bool, side: str = "") -> CaseTransfer:
    """The transfer; for a move, only on the side that makes it (the other side's
    pages do not offer it, so a post from there answers as a page that is not there)."""
    transfer = transfer_selectors.transfer_get_for_actor(
        actor=request.user, transfer_id=transfer_id, log=log
    )
    agency_id = cast(Membership, membership_of(request.user)).agency_id
    if side == "receiver" and transfer.to_agency_id != agency_id:
        raise Http404()
    if side == "sender" and not (
        transfer.from_agency_id == agency_id
        and (not transfer.is_pending or can(request.user, "cases.transfer.request", transfer.case))
    ):
        raise Http404()
    return transfer


@capability_required("cases.transfer.view")
@require_GET
def transfer_detail(request, transfer_id):
    transfer = _transfer(request, transfer_id, log=True)
    return render(request, "cases/transfer_detail.html", _detail_context(request, transfer))


def _refused(request, transfer: CaseTransfer, error: InvalidState):
    messages.error(request, error.message)
    return redirect("transfer-detail", transfer_id=transfer.id)


@capability_required("cases.transfer.decide")
@require_POST
def transfer_accept_page(request, transfer_id):
    actor = request.user
    transfer = _transfer(request, transfer_id, log=False, side="receiver")
    members = list(transfer_selectors.lead_officer_choices(actor=actor))
    form = TransferAcceptForm(request.POST, members=members)
    if form.is_valid():
        lead = next(m.user for m in members if str(m.user_id) == form.cleaned_data["lead_officer"])
        duties = len(lifecycle.case_open_duties(case=transfer.case))
        try:
            transfer_services.transfer_accept(actor=actor, transfer=transfer, lead_officer=lead)
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            return _refused(request, transfer, error)
        else:
            moved = (
                f" {duties} open {'duty' if duties == 1 else 'duties'} of care passed to "
                f"{lead.get_full_name() or lead.get_username()}."
                if duties
                else ""
            )
            messages.success(
                request,
                f"{transfer.case.reference} is now your force's case, led by "
                f"{lead.get_full_name() or lead.get_username()}.{moved}",
            )
            return redirect("case-detail", case_id=transfer.case_id)
    context = _detail_context(request, transfer, accept_form=form)
    return render(request, "cases/transfer_detail.html", context, status=400)


def _reason_move(request, transfer_id, *, side, form, service, done, form_name, after):
    """Decline (the receiver) or withdraw (the sender) a transfer, for a written reason."""
    transfer = _transfer(request, transfer_id, log=False, side=side)
    form = form(request.POST)
    if form.is_valid():
        try:
            service(actor=request.user, transfer=transfer, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            return _refused(request, transfer, error)
        else:
            messages.success(request, done.format(reference=transfer.case.reference))
            return after(transfer)
    context = _detail_context(request, transfer, **{form_name: form})
    return render(request, "cases/transfer_detail.html", context, status=400)


@capability_required("cases.transfer.decide")
@require_POST
def transfer_decline_page(request, transfer_id):
    return _reason_move(
        request,
        transfer_id,
        side="receiver",
        form=_decline_form,
        service=transfer_services.transfer_decline,
        done="You declined the transfer of {reference}.",
        form_name="decline_form",
        after=lambda transfer: redirect("transfer-list-page"),
    )


@capability_required("cases.transfer.request")
@require_POST
def transfer_withdraw_page(request, transfer_id):
    return _reason_move(
        request,
        transfer_id,
        side="sender",
        form=_withdraw_form,
        service=transfer_services.transfer_withdraw,
        done="The transfer of {reference} is withdrawn.",
        form_name="withdraw_form",
        after=lambda transfer: to_case(transfer.case),
    )


urlpatterns = [
    path(
        "cases/<uuid:case_id>/transfer/",
        transfer_request_page,
        name="case-transfer-request",
    ),
    path("transfers/", transfer_list_page, name="transfer-list-page"),
    path("transfers/<uuid:transfer_id>/", transfer_detail, name="transfer-detail"),
    path("transfers/<uuid:transfer_id>/accept/", transfer_accept_page, name="transfer-accept"),
    path("transfers/<uuid:transfer_id>/decline/", transfer_decline_page, name="transfer-decline"),
    path(
        "transfers/<uuid:transfer_id>/withdraw/",
        transfer_withdraw_page,
        name="transfer-withdraw",
    ),
]
