"""The case summary page (issue 19): choose what the summary is for, and download it
as a PDF. A plain form (GOV.UK radios, a POST), so it works without JavaScript."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from cases.forms import Radios
from common.pages import capability_required
from records.selectors.summary import PURPOSE_HINTS, SummaryPurpose
from records.services import summary as summary_services

CAPABILITY = summary_services.CAPABILITY


class SummaryPurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        label="What is the summary for?",
        choices=SummaryPurpose.choices,
        widget=Radios,
        help_text=(
            "The summary holds only what you may see of this case, and only the parts "
            "its purpose needs. Printing it is written to the access log."
        ),
        error_messages={
            "required": "Select what the summary is for.",
            "invalid_choice": "Select a strategy discussion, a child protection conference "
            "or the prosecutor's file.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # For govuk_radios: a hint under each choice, read with its radio.
        self.fields["purpose"].item_hints = PURPOSE_HINTS


def pdf_attachment(printed: summary_services.PrintedSummary) -> HttpResponse:
    """The PDF, always downloaded (never shown inline), never kept by a cache."""
    response = HttpResponse(printed.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{printed.filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@capability_required(CAPABILITY)
@require_http_methods(["GET", "POST"])
def case_summary_print(request, case_id):
    actor = request.user
    case = summary_services.case_for_summary(actor=actor, case_id=case_id)
    # Bound on a POST even when nothing was chosen: an empty form is refused, naming it.
    form = SummaryPurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        printed = summary_services.case_summary_print(
            actor=actor, case=case, purpose=SummaryPurpose(form.cleaned_data["purpose"])
        )
        return pdf_attachment(printed)
    return render(request, "records/summary/print_form.html", {"case": case, "form": form})
