"""Closing and reopening a case. The close page lists the duties of care still
open; a supervisor gives a reason for ending each of them, anyone else is told
to meet them first (cases.services.lifecycle decides)."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods

from agencies.access import can
from cases import selectors
from cases.forms import CaseCloseForm, CaseReasonForm
from cases.forms.case import DUTY_FIELD_PREFIX
from cases.selectors.transfers import pending_transfer_of
from cases.services import lifecycle
from cases.views.common import refused_on_case, to_case
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from

GET_AND_POST = require_http_methods(["GET", "POST"])


def _case(request, case_id, action: str):
    return selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=request.method == "GET"
    )


def _on_form(error: ValidationError) -> ValidationError:
    """`duty_reasons.<id>` (the service's name) is the form's `duty_<id>`."""
    return ValidationError(
        {
            field.replace("duty_reasons.", DUTY_FIELD_PREFIX): texts
            for field, texts in error.message_dict.items()
        }
    )


@capability_required("cases.case.close")
@GET_AND_POST
def case_close(request, case_id):
    actor = request.user
    case = _case(request, case_id, "cases.case.close")
    if not case.is_open:
        messages.error(request, f"{case.reference} is already closed.")
        return to_case(case)
    pending = pending_transfer_of(actor=actor, case=case)
    if pending is not None:
        messages.error(
            request,
            f"A transfer of {case.reference} to {pending.to_agency.name} is waiting for their "
            "decision: withdraw it before closing the case.",
        )
        return to_case(case)
    duties = lifecycle.case_open_duties(case=case)
    may_end = can(actor, "cases.case.close_over_duties", case)
    form = CaseCloseForm(request.POST or None, duties=duties, may_end_duties=may_end)
    status = 200
    if duties and not may_end:
        # Nothing to submit: the duties are met first, or a supervisor closes it.
        return render(
            request,
            "cases/close_form.html",
            {"form": None, "case": case, "duties": duties, "may_end": False},
            status=409 if request.method == "POST" else 200,
        )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.case_close(actor=actor, case=case, **form.close_fields())
        except ValidationError as error:
            form_errors_from(form, _on_form(error))
        except InvalidState as error:
            if error.state != lifecycle.DUTIES_OPEN:
                return refused_on_case(request, case, error)
            # A duty opened since the page was read: show it, with its own field.
            duties = lifecycle.case_open_duties(case=case)
            form = CaseCloseForm(request.POST, duties=duties, may_end_duties=may_end)
            form.is_valid()
            form.add_error(None, error.message)
            status = 409
        else:
            ended = f" {len(duties)} open duties of care ended." if duties else ""
            messages.success(request, f"{case.reference} is closed.{ended}")
            return to_case(case)
    context = {"form": form, "case": case, "duties": duties, "may_end": may_end}
    return render(request, "cases/close_form.html", context, status=status)


@capability_required("cases.case.reopen")
@GET_AND_POST
def case_reopen(request, case_id):
    case = _case(request, case_id, "cases.case.reopen")
    if case.is_open:
        messages.error(request, f"{case.reference} is open: only a closed case can be reopened.")
        return to_case(case)
    form = CaseReasonForm(
        request.POST or None,
        label="Why is the case reopening?",
        missing="Give the reason the case is reopened.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as error:
            return refused_on_case(request, case, error)
        else:
            messages.success(request, f"{case.reference} is open again.")
            return to_case(case)
    return render(request, "cases/reopen_form.html", {"form": form, "case": case})


urlpatterns = [
    path("cases/<uuid:case_id>/close/", case_close, name="case-close"),
    path("cases/<uuid:case_id>/reopen/", case_reopen, name="case-reopen"),
]
