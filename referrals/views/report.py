"""The referrals report page: the figures of `GET /api/v1/reports/referrals/` for a
period, as a table (one row per from agency, to agency and purpose) and a chart of
sent, completed and completed with feedback per agency pair, drawn on the server
as SVG (the CSP allows neither scripts for it nor inline styles); and the table as
CSV."""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.forms import UKDateField
from common.charts import ChartLayout, chart_frame
from common.csv_export import csv_response
from common.errors import ValidationError
from common.pages import capability_required, form_errors_from
from referrals import reports
from referrals.models import ReferralPurpose

DEFAULT_PERIOD_DAYS = 90


class ReportPeriodForm(forms.Form):
    """`from` and `to`, the names the API uses, are Python keywords: the fields are
    set here rather than declared."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = UKDateField(
            label="From",
            help_text="The first day referrals were sent, for example 01/03/2026",
            error_messages={
                "required": "Enter the first day of the period, for example 01/03/2026."
            },
        )
        self.fields["to"] = UKDateField(
            label="To",
            help_text="The last day, included, for example 31/03/2026",
            error_messages={
                "required": "Enter the last day of the period, for example 31/03/2026."
            },
        )


# Each series in a GOV.UK colour on white, above the 3:1 WCAG asks of graphical
# objects; each bar also says in words what it counts, so colour is not the only cue.
SERIES = (
    ("sent", "sent", "#1d70b8"),
    ("completed", "completed", "#0f7a52"),
    ("completed_with_feedback", "completed with feedback", "#54319f"),
)
GROUP_GAP = 18


def _pairs(rows) -> list[tuple[str, dict[str, int]]]:
    """The rows summed per (from agency, to agency), in the report's order."""
    pairs: dict[tuple[str, str], tuple[str, dict[str, int]]] = {}
    for row in rows:
        key = (row.from_agency["slug"], row.to_agency["slug"])
        if key not in pairs:
            label = f"{row.from_agency['name']} to {row.to_agency['name']}"
            pairs[key] = (label, dict.fromkeys((name for name, _, _ in SERIES), 0))
        for name, _, _ in SERIES:
            pairs[key][1][name] += row.counts[name]
    return list(pairs.values())


def _chart(report) -> dict:
    """One group per agency pair: a bar each for sent, completed and completed with
    feedback, all on one scale (the pair that sent the most fills the track)."""
    pairs = _pairs(report.rows)
    largest = max((counts["sent"] for _, counts in pairs), default=0)

    def draw(layout: ChartLayout) -> None:
        for index, (label, counts) in enumerate(pairs):
            if index:
                layout.space(GROUP_GAP)
            layout.label(label, bold=True)
            for name, words, colour in SERIES:
                layout.bar(
                    fraction=counts[name] / largest if largest else 0,
                    value=f"{counts[name]} {words}",
                    colour=colour,
                )

    description = " ".join(
        f"{label}: " + ", ".join(f"{counts[name]} {words}" for name, words, _ in SERIES) + "."
        for label, counts in pairs
    )
    return chart_frame(
        draw=draw,
        key="referral",
        title="Bar chart of referrals sent, completed and completed with feedback, by agency pair",
        caption=(
            "Referrals sent, completed and completed with feedback, by agency pair: "
            f"{report.totals.counts['sent']} sent in all. "
            "The table below gives these and the other figures."
        ),
        description=description,
    )


def _purpose_label(purpose: str) -> str:
    return ReferralPurpose(purpose).label if purpose in ReferralPurpose.values else purpose


def _report(request):
    """The period form and the report for it: the last DEFAULT_PERIOD_DAYS days
    without a query; None, with the form's errors, for a period it refuses."""
    bound = "from" in request.GET or "to" in request.GET
    today = timezone.localdate()
    date_from, date_to = today - timedelta(days=DEFAULT_PERIOD_DAYS - 1), today
    form = ReportPeriodForm(
        request.GET if bound else None, initial={"from": date_from, "to": date_to}
    )
    report = None
    if bound:
        if form.is_valid():
            date_from, date_to = form.cleaned_data["from"], form.cleaned_data["to"]
        else:
            date_from = date_to = None
    if date_from is not None:
        try:
            report = reports.referral_report(
                actor=request.user, date_from=date_from, date_to=date_to
            )
        except ValidationError as error:
            if not bound:
                raise
            form_errors_from(form, error)
    return form, report


@capability_required("referrals.report.view")
@require_GET
def referral_report(request):
    form, report = _report(request)
    context = {
        "form": form,
        "report": report,
        "rows": [{"row": row, "purpose_label": _purpose_label(row.purpose)} for row in report.rows]
        if report
        else [],
        "chart": _chart(report) if report and report.rows else None,
        "csv_url": f"{reverse('referral-report-csv')}?{_period_query(report)}" if report else "",
    }
    return render(request, "referrals/report.html", context)


def _period_query(report) -> str:
    return urlencode({"from": report.date_from.isoformat(), "to": report.date_to.isoformat()})


CSV_HEADER = [
    "from agency",
    "to agency",
    "purpose",
    "sent",
    "accepted",
    "declined",
    "completed",
    "decision overdue",
    "threshold decision overdue",
    "stale",
    "median working days to decision",
    "median working days to completion",
    "completed with feedback",
    "share completed with feedback (%)",
]


def _csv_row(row, from_agency: str, to_agency: str, purpose: str) -> list[object]:
    """The page's row: a median or share that has nothing to count is left empty (the
    page's dash)."""
    counts = row.counts
    return [
        from_agency,
        to_agency,
        purpose,
        counts["sent"],
        counts["accepted"],
        counts["declined"],
        counts["completed"],
        counts["decision_overdue"],
        counts["threshold_decision_overdue"],
        counts["completion_stale"],
        row.median_working_days_to_decision,
        row.median_working_days_to_completion,
        counts["completed_with_feedback"],
        row.feedback_share,
    ]


@capability_required("referrals.report.view")
@require_GET
def referral_report_csv(request):
    """The page's table as CSV; a period the page would refuse goes back to the page,
    which says why."""
    _form, report = _report(request)
    if report is None:
        return redirect(f"{reverse('referral-report')}?{request.GET.urlencode()}")
    rows = [
        _csv_row(row, row.from_agency["name"], row.to_agency["name"], _purpose_label(row.purpose))
        for row in report.rows
    ]
    rows.append(_csv_row(report.totals, "All referrals", "", ""))
    return csv_response(
        filename=(
            f"referral-report-{report.agency.slug}-"
            f"{report.date_from.isoformat()}-to-{report.date_to.isoformat()}.csv"
        ),
        header=CSV_HEADER,
        rows=rows,
    )


urlpatterns = [
    path("reports/referrals/", referral_report, name="referral-report"),
    path("reports/referrals/csv/", referral_report_csv, name="referral-report-csv"),
]
