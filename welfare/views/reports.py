"""The suspect welfare statistics page: the figures of
`GET /api/v1/reports/suspect-welfare/` for a year, in tables, with bar charts of the
shares and of the incidents by stage, drawn on the server as SVG (the CSP allows
neither scripts for it nor inline styles), as the outcome report draws its chart."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.pages import capability_required, report_for_year
from welfare import report_suppression, reports

# The charts' geometry, in SVG user units; each SVG scales to the page's width.
CHART_WIDTH = 720
BAR_MAX = 520
ROW_HEIGHT = 56
BAR_HEIGHT = 22
# GOV.UK blue on white: 5.2:1, above the 3:1 WCAG asks of graphical objects. A
# suppressed share draws no bar and says so in words, so colour is never the cue.
BAR_COLOUR = "#1d70b8"
TRACK_COLOUR = "#f3f2f1"
TEXT_COLOUR = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    label: str
    words: str
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    caption: str
    bars: list[Bar]
    height: int

    @property
    def description(self) -> str:
        return " ".join(f"{bar.label}: {bar.words}." for bar in self.bars)


def _bar_words(figure: report_suppression.Figure) -> str:
    if figure.suppressed:
        return f"{figure.display}, share withheld"
    if figure.share is None:
        return figure.display
    return f"{figure.display} ({figure.share_display})"


def _chart(key: str, title: str, caption: str, figures: list[report_suppression.Figure]) -> Chart:
    """One bar per figure, its length the figure's share: a share of half fills half
    the track. A suppressed figure draws no bar, and its words say why."""
    bars = []
    for index, figure in enumerate(figures):
        top = index * ROW_HEIGHT
        width = round(BAR_MAX * figure.share / 100) if figure.share is not None else 0
        bars.append(
            Bar(
                label=figure.label,
                words=_bar_words(figure),
                label_y=top + 18,
                bar_y=top + 26,
                width=width,
                value_x=width + 8,
                value_y=top + 42,
            )
        )
    return Chart(key=key, title=title, caption=caption, bars=bars, height=ROW_HEIGHT * len(bars))


def _charts(statistics: reports.SuspectWelfareStatistics) -> dict[str, Chart]:
    year = statistics.year
    charts = []
    if statistics.suspects.value != 0:
        charts.append(
            _chart(
                "screening",
                "Bar chart of the shares of suspects screened and flagged",
                f"Suspects in {year}: the share screened for suicide risk and the share "
                f"found at risk or unknown, of {statistics.suspects.display} suspects.",
                [statistics.screened, statistics.at_risk_or_unknown, statistics.at_risk],
            )
        )
    for key, duties, what in (
        ("checks", statistics.welfare_checks, "48-hour checks"),
        ("contacts", statistics.welfare_contacts, "Welfare contacts"),
    ):
        if duties.due.value != 0:
            charts.append(
                _chart(
                    key,
                    f"Bar chart of {what.lower()} by how they went",
                    f"{what} due in {year}, by how they went: {duties.due.display} due in all.",
                    [duties.on_time, duties.late, duties.missed, duties.not_yet_due],
                )
            )
    if statistics.incidents.value != 0:
        charts.append(
            _chart(
                "incidents",
                "Bar chart of incidents by stage",
                f"Incidents in {year} by stage: {statistics.incidents.display} in all.",
                statistics.incidents_by_stage,
            )
        )
    return {chart.key: chart for chart in charts}


@capability_required("welfare.report.suspect_welfare")
@require_GET
def suspect_welfare_report(request):
    form, statistics = report_for_year(
        request,
        lambda year: reports.suspect_welfare_statistics(actor=request.user, year=year),
    )
    context = {
        "form": form,
        "statistics": statistics,
        "year": statistics.year if statistics else timezone.localdate().year,
        "charts": _charts(statistics) if statistics else {},
        "chart": {
            "width": CHART_WIDTH,
            "bar_max": BAR_MAX,
            "bar_height": BAR_HEIGHT,
            "bar_colour": BAR_COLOUR,
            "track_colour": TRACK_COLOUR,
            "text_colour": TEXT_COLOUR,
        },
        "threshold": report_suppression.SUPPRESSION_THRESHOLD,
    }
    return render(request, "welfare/reports/suspect_welfare.html", context)


urlpatterns = [
    path("reports/suspect-welfare/", suspect_welfare_report, name="suspect-welfare-report"),
]
