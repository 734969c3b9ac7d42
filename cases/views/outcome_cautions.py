"""Pages for a conditional caution after it is given (issue 16): recording whether
it was complied with (linked from the case's outcomes and from the compliance
duty), and changing its conditions or due date. Routed by `cases.views.outcomes`."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.case_tabs import case_section_url
from cases.forms import Radios, UKDateField
from cases.services import outcome_cautions
from common.errors import InvalidState
from common.pages import capability_required, form_save


def _case_for(request, case_id):
    return selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action="cases.outcome.add", log=False
    )


def _outcomes_url(case) -> str:
    return case_section_url(case.id, "outcomes")


def _outcome_read_log(request, case, outcome) -> None:
    # The page shows the suspect's name and the caution's conditions.
    selectors.log_case_read(
        actor=request.user,
        action="cases.outcome.viewed",
        case=case,
        object_type="outcome",
        object_id=outcome.pk,
    )


# --- Recording a conditional caution's compliance

_COMPLIED = {"complied": True, "not_complied": False}


class CautionComplianceForm(forms.Form):
    """Nothing is pre-selected: the officer says which it was. The service decides
    what is valid and its messages come back onto these fields."""

    complied = forms.ChoiceField(
        required=False,
        widget=Radios,
        choices=[
            ("complied", "Yes, they were complied with"),
            ("not_complied", "No, they were not complied with"),
        ],
        label="Were the conditions complied with?",
        error_messages={"invalid_choice": "Say whether the conditions were complied with."},
    )
    checked_on = UKDateField(required=False, label="Date the compliance was checked")
    note = forms.CharField(
        required=False,
        label="Note (optional)",
        help_text="What was found: for example, the course provider's confirmation.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The version read with the page: a caution changed since is not overwritten.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def compliance_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "complied": _COMPLIED.get(data["complied"]),
            "checked_on": data["checked_on"],
            "note": data["note"],
            "expected_version": data["version"],
        }


def _compliance_page(request, case, outcome, form, *, status: int = 200):
    context = {
        "case": case,
        "outcome": outcome,
        "form": form,
        "caution_state": outcome_cautions.caution_state(outcome),
        "case_url": reverse("case-detail", args=[case.id]),
    }
    return render(request, "cases/outcome_caution_compliance.html", context, status=status)


@capability_required("cases.outcome.add")
@require_http_methods(["GET", "POST"])
def outcome_caution_compliance(request, case_id, outcome_id):
    """Whether a conditional caution was complied with (GET the form, POST it). Linked
    from the case's outcomes and from the compliance duty."""
    case = _case_for(request, case_id)
    outcome = selectors.outcome_get_for_actor(actor=request.user, case=case, outcome_id=outcome_id)
    if request.method == "GET":
        _outcome_read_log(request, case, outcome)
        form = CautionComplianceForm(initial={"version": outcome.version})
        return _compliance_page(request, case, outcome, form)
    form = CautionComplianceForm(request.POST)
    if form.is_valid():
        try:
            saved = form_save(
                form,
                outcome_cautions.caution_compliance_record,
                actor=request.user,
                outcome=outcome,
                **form.compliance_fields(),
            )
        except InvalidState as refused:
            form.add_error(None, refused.message)
            outcome.refresh_from_db()
            return _compliance_page(request, case, outcome, form, status=409)
        if saved:
            complied = form.cleaned_data["complied"] == "complied"
            messages.success(
                request,
                "The conditions are recorded as complied with."
                if complied
                else "The conditions are recorded as not complied with: the prosecution "
                "decision is a task for the officer in charge.",
            )
            return redirect(_outcomes_url(case))
    return _compliance_page(request, case, outcome, form)


# --- Changing a conditional caution's terms


class CautionTermsForm(forms.Form):
    caution_conditions = forms.CharField(
        required=False,
        label="Conditions",
        help_text="Leave empty to withdraw the conditions: the caution becomes a simple one.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions_due_on = UKDateField(
        required=False, label="Date by which the conditions must be met"
    )
    reason = forms.CharField(
        required=False,
        label="Why are the terms changing?",
        help_text="Kept in the outcome's history.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def terms_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "caution_conditions": data["caution_conditions"],
            "conditions_due_on": data["conditions_due_on"],
            "reason": data["reason"],
            "expected_version": data["version"],
        }


def _terms_page(request, case, outcome, form, *, status: int = 200):
    context = {
        "case": case,
        "outcome": outcome,
        "form": form,
        "may_change": outcome.conditions_met is None,
        "case_url": reverse("case-detail", args=[case.id]),
    }
    return render(request, "cases/outcome_caution_terms.html", context, status=status)


@capability_required("cases.outcome.add")
@require_http_methods(["GET", "POST"])
def outcome_caution_terms(request, case_id, outcome_id):
    """Change a conditional caution's conditions or due date, or withdraw them."""
    case = _case_for(request, case_id)
    outcome = selectors.outcome_get_for_actor(actor=request.user, case=case, outcome_id=outcome_id)
    if request.method == "GET":
        _outcome_read_log(request, case, outcome)
        form = CautionTermsForm(
            initial={
                "caution_conditions": outcome.caution_conditions,
                "conditions_due_on": outcome.conditions_due_on,
                "version": outcome.version,
            }
        )
        return _terms_page(request, case, outcome, form)
    form = CautionTermsForm(request.POST)
    if form.is_valid():
        try:
            saved = form_save(
                form,
                outcome_cautions.outcome_caution_change,
                actor=request.user,
                outcome=outcome,
                **form.terms_fields(),
            )
        except InvalidState as refused:
            form.add_error(None, refused.message)
            outcome.refresh_from_db()
            return _terms_page(request, case, outcome, form, status=409)
        if saved:
            messages.success(
                request,
                "The caution's conditions are changed."
                if form.cleaned_data["caution_conditions"].strip()
                else "The caution's conditions are withdrawn.",
            )
            return redirect(_outcomes_url(case))
    return _terms_page(request, case, outcome, form)


urlpatterns = [
    path(
        "cases/<uuid:case_id>/outcomes/<uuid:outcome_id>/caution-compliance/",
        outcome_caution_compliance,
        name="case-outcome-caution-compliance",
    ),
    path(
        "cases/<uuid:case_id>/outcomes/<uuid:outcome_id>/caution-terms/",
        outcome_caution_terms,
        name="case-outcome-caution-terms",
    ),
]
