"""The referrals report page: the figures of `GET /api/v1/reports/referrals/` for a
period, as a table (one row per from agency, to agency and purpose) and a chart of
sent, completed and completed with feedback per agency pair, drawn on the server
as SVG (the CSP allows neither scripts for it nor inline styles)."""

from dataclasses import dataclass
from datetime import timedelta

from django import forms
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.forms import UKDateField
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
            help_text="The first day referrals were sent, for example 1/3/2026",
            error_messages={"required": "Enter the first day of the period, for example 1/3/2026."},
        )
        self.fields["to"] = UKDateField(
            label="To",
            help_text="The last day, included, for example 31/3/2026",
            error_messages={"required": "Enter the last day of the period, for example 31/3/2026."},
        )


# The chart's geometry, in SVG user units; the SVG scales to the page's width.
CHART_WIDTH = 720
BAR_MAX = 520
BAR_HEIGHT = 20
BAR_GAP = 6
LABEL_HEIGHT = 26
GROUP_GAP = 18
# GOV.UK colours on white, each above the 3:1 WCAG asks of graphical objects; each
# bar also says in words what it counts, so colour is not the only cue.
SERIES = (
    ("sent", "sent", "#1d70b8"),
    ("completed", "completed", "#0f7a52"),
    ("completed_with_feedback", "completed with feedback", "#54319f"),
)
TRACK_COLOUR = "#f3f2f1"
TEXT_COLOUR = "#0b0c0c"
GROUP_HEIGHT = LABEL_HEIGHT + len(SERIES) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP


@dataclass(frozen=True)
class ChartBar:
    count: int
    words: str
    colour: str
    y: int
    width: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class ChartGroup:
    label: str
    label_y: int
    bars: list[ChartBar]


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


def _chart(rows) -> tuple[list[ChartGroup], int]:
    """One group per agency pair: a bar each for sent, completed and completed with
    feedback, all on one scale (the pair that sent the most fills the track)."""
    pairs = _pairs(rows)
    largest = max((counts["sent"] for _, counts in pairs), default=0)
    groups = []
    for index, (label, counts) in enumerate(pairs):
        top = index * GROUP_HEIGHT
        bars = []
        for position, (name, words, colour) in enumerate(SERIES):
            y = top + LABEL_HEIGHT + position * (BAR_HEIGHT + BAR_GAP)
            width = round(BAR_MAX * counts[name] / largest) if largest else 0
            bars.append(
                ChartBar(
                    count=counts[name],
                    words=words,
                    colour=colour,
                    y=y,
                    width=width,
                    value_x=width + 8,
                    value_y=y + BAR_HEIGHT - 5,
                )
            )
        groups.append(ChartGroup(label=label, label_y=top + 18, bars=bars))
    return groups, GROUP_HEIGHT * len(groups)


def _purpose_label(purpose: str) -> str:
    return ReferralPurpose(purpose).label if purpose in ReferralPurpose.values else purpose


@capability_required("referrals.report.view")
@require_GET
def referral_report(request):
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
    groups, height = _chart(report.rows) if report else ([], 0)
    context = {
        "form": form,
        "report": report,
        "rows": [{"row": row, "purpose_label": _purpose_label(row.purpose)} for row in report.rows]
        if report
        else [],
        "groups": groups,
        "chart": {
            "width": CHART_WIDTH,
            "height": height,
            "bar_max": BAR_MAX,
            "bar_height": BAR_HEIGHT,
            "track_colour": TRACK_COLOUR,
            "text_colour": TEXT_COLOUR,
        },
    }
    return render(request, "referrals/report.html", context)


urlpatterns = [
    path("reports/referrals/", referral_report, name="referral-report"),
]
