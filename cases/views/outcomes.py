"""Pages for outcomes: recording a suspect's outcome, whether a conditional
caution's conditions were met (the older POST-only form), and the outcome report
with its chart and CSV. A conditional caution's compliance and terms have their
pages in `cases.views.outcome_cautions`, routed from here."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases import reports, selectors
from cases.case_tabs import case_section_url
from cases.forms import Checkboxes, Radios, UKDateField
from cases.models import OutcomeCode, PartyRole
from cases.models.outcome import OUTCOME_21_CONDITIONS
from cases.services import outcomes as outcome_services
from cases.views.outcome_cautions import urlpatterns as caution_urlpatterns
from common.charts import ChartLayout, chart_frame
from common.csv_export import csv_response
from common.errors import InvalidState, ValidationError
from common.pages import capability_required, form_errors_from, report_for_year

# --- Recording an outcome


class OutcomeForm(forms.Form):
    """Parses what was typed; the service decides what is valid, so most fields are
    optional here and its messages come back onto them."""

    suspect = forms.ChoiceField(
        required=False,
        widget=Radios,
        label="Which suspect is this outcome for?",
        error_messages={"invalid_choice": "Choose a suspect in this case."},
    )
    code = forms.ChoiceField(
        required=False,
        choices=[("", "Choose an outcome"), *OutcomeCode.choices],
        label="Home Office outcome code",
        help_text="Outcome 19 applies to fraud only and is not offered.",
        error_messages={"invalid_choice": "Choose one of the Home Office outcome codes."},
    )
    outcome_on = UKDateField(required=False, label="Date of the outcome")
    rationale = forms.CharField(
        required=False,
        label="Rationale",
        help_text="Why this outcome was chosen.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    outcome_21_confirmations = forms.MultipleChoiceField(
        required=False,
        choices=list(OUTCOME_21_CONDITIONS.items()),
        widget=Checkboxes,
        label="Outcome 21: the conditions of the College of Policing guidance",
        help_text=(
            "Required only for Outcome 21 (youth-produced imagery), where every condition "
            "must be confirmed. Leave them unticked for any other outcome."
        ),
        error_messages={"invalid_choice": "Choose conditions from the list."},
    )
    caution_conditions = forms.CharField(
        required=False,
        label="Conditions of a conditional caution (optional)",
        help_text=(
            "Only for a conditional caution (outcome 2, 2A, 3 or 3A): for example, "
            "attending a course."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    conditions_due_on = UKDateField(
        required=False, label="Date by which the conditions must be met (optional)"
    )

    def __init__(self, *args, suspects=(), ages=None, **kwargs):
        super().__init__(*args, **kwargs)
        ages = ages or {}

        def label(party) -> str:
            age = ages.get(party.pk)
            said = f"{age} at the offence" if age is not None else "age at the offence unknown"
            return f"{party.person.full_name} ({said})"

        self.fields["suspect"].choices = [(str(p.pk), label(p)) for p in suspects]


def _case_for(request, case_id, action: str):
    return selectors.case_get_for_actor(
        actor=request.user, case_id=case_id, action=action, log=False
    )


def _outcomes_url(case) -> str:
    return case_section_url(case.id, "outcomes")


@capability_required("cases.outcome.add")
@require_http_methods(["GET", "POST"])
def outcome_create(request, case_id):
    case = _case_for(request, case_id, "cases.outcome.add")
    suspects = list(
        selectors.party_list(actor=request.user, case=case).filter(
            role=PartyRole.SUSPECT, outcomes__isnull=True
        )
    )
    has_suspects = (
        bool(suspects)
        or selectors.party_list(actor=request.user, case=case)
        .filter(role=PartyRole.SUSPECT)
        .exists()
    )
    ages = selectors.party_ages(case=case, parties=suspects) if suspects else {}
    form = OutcomeForm(request.POST or None, suspects=suspects, ages=ages)
    if request.method == "POST" and suspects and form.is_valid():
        data = form.cleaned_data
        suspect = next((p for p in suspects if str(p.pk) == data["suspect"]), None)
        try:
            outcome = outcome_services.outcome_record(
                actor=request.user,
                case=case,
                suspect=suspect,
                code=data["code"],
                outcome_on=data["outcome_on"],
                rationale=data["rationale"],
                outcome_21_confirmations=dict.fromkeys(data["outcome_21_confirmations"], True),
                caution_conditions=data["caution_conditions"],
                conditions_due_on=data["conditions_due_on"],
            )
        except ValidationError as error:
            form_errors_from(form, error)
        except InvalidState as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(
                request,
                f"Outcome {outcome.code} is recorded for {outcome.suspect.person.full_name}.",
            )
            return redirect(_outcomes_url(case))
    context = {
        "case": case,
        "form": form,
        "suspects": suspects,
        "has_suspects": has_suspects,
        "case_url": reverse("case-detail", args=[case.id]),
    }
    return render(request, "cases/outcome_form.html", context)


class ConditionsForm(forms.Form):
    met = forms.ChoiceField(choices=[("yes", "Yes"), ("no", "No")])


@capability_required("cases.outcome.add")
def outcome_conditions(request, case_id, outcome_id):
    # Found (or not) before the method is judged, so that a GET says no more about
    # the outcome's existence than a POST would.
    case = _case_for(request, case_id, "cases.outcome.add")
    outcome = selectors.outcome_get_for_actor(actor=request.user, case=case, outcome_id=outcome_id)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ConditionsForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say whether the caution's conditions were met.")
        return redirect(_outcomes_url(case))
    met = form.cleaned_data["met"] == "yes"
    try:
        outcome_services.outcome_conditions_record(actor=request.user, outcome=outcome, met=met)
    except InvalidState as conflict:
        messages.error(request, conflict.message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "The conditions are recorded as met."
            if met
            else "The conditions are recorded as not met: the case needs a prosecution decision.",
        )
    return redirect(_outcomes_url(case))


# --- The outcome report


def _chart(report) -> dict:
    """One bar per group, its length the group's share of all outcomes: a group with
    half of them fills half the track, its count and percentage written beside it."""

    def draw(layout: ChartLayout) -> None:
        for group in report.groups:
            layout.label(group.label)
            layout.bar(
                fraction=group.count / report.total if report.total else 0,
                value=f"{group.count} ({group.percentage}%)",
            )

    return chart_frame(
        draw=draw,
        key="outcome",
        title="Bar chart of outcomes by group",
        caption=(
            f"Outcomes in {report.year} by group: {report.total} in all. "
            "The table below gives the same figures."
        ),
        description=" ".join(
            f"{group.label}: {group.count} ({group.percentage}%)." for group in report.groups
        ),
    )


def _csv_rows(report) -> list[list[object]]:
    total_percentage = "100.0" if report.total else "0.0"
    return [
        *([group.key, group.label, group.count, group.percentage] for group in report.groups),
        ["total", "All outcomes", report.total, total_percentage],
    ]


def _report(request):
    return report_for_year(
        request, lambda year: reports.outcome_report(actor=request.user, year=year)
    )


@capability_required("cases.report.outcomes")
@require_GET
def outcome_report(request):
    if request.GET.get("format") == "csv":
        # The download's address before it had its own.
        query = urlencode({"year": request.GET["year"]}) if "year" in request.GET else ""
        return redirect(f"{reverse('outcome-report-csv')}{'?' if query else ''}{query}")
    form, report = _report(request)
    context = {
        "form": form,
        "report": report,
        "year": report.year if report else timezone.localdate().year,
        "chart": _chart(report) if report and report.total else None,
        "csv_url": f"{reverse('outcome-report-csv')}?year={report.year}" if report else "",
    }
    return render(request, "cases/outcome_report.html", context)


@capability_required("cases.report.outcomes")
@require_GET
def outcome_report_csv(request):
    """The page's figures as CSV; a year the page would refuse goes back to the page,
    which says why."""
    _form, report = _report(request)
    if report is None:
        return redirect(f"{reverse('outcome-report')}?{request.GET.urlencode()}")
    return csv_response(
        filename=f"outcome-report-{report.agency.slug}-{report.year}.csv",
        header=["group", "label", "count", "percentage"],
        rows=_csv_rows(report),
    )


urlpatterns = [
    path(
        "cases/<uuid:case_id>/outcomes/new/",
        outcome_create,
        name="case-outcome-create",
    ),
    path(
        "cases/<uuid:case_id>/outcomes/<uuid:outcome_id>/conditions/",
        outcome_conditions,
        name="case-outcome-conditions",
    ),
    path("reports/outcomes/", outcome_report, name="outcome-report"),
    path("reports/outcomes/csv/", outcome_report_csv, name="outcome-report-csv"),
    # A conditional caution after it is given: its compliance and its terms.
    *caution_urlpatterns,
]
