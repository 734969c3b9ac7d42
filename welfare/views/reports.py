"""The suspect welfare statistics page: the figures of
`GET /api/v1/reports/suspect-welfare/` for a year, in tables, with bar charts of the
shares and of the incidents by stage, drawn on the server as SVG (the CSP allows
neither scripts for it nor inline styles), as the outcome report draws its chart."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.charts import ROW_HEIGHT, BarRow, chart_frame
from common.pages import capability_required, report_for_year
from welfare import report_suppression, reports

# The charts' bars, in SVG user units (each chart is CHART_WIDTH wide). A suppressed
# share draws no bar and says so in words, so colour is never the cue.
BAR_MAX = 520
BAR_HEIGHT = 22


@dataclass(frozen=True)
class Bar(BarRow):
    words: str


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
    bars = [
        Bar.at(
            index,
            width=round(BAR_MAX * figure.share / 100) if figure.share is not None else 0,
            label=figure.label,
            words=_bar_words(figure),
        )
        for index, figure in enumerate(figures)
    ]
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
                    duties.parts,
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
        "chart": chart_frame(bar_max=BAR_MAX, bar_height=BAR_HEIGHT),
        "threshold": report_suppression.SUPPRESSION_THRESHOLD,
    }
    return render(request, "welfare/reports/suspect_welfare.html", context)


urlpatterns = [
    path("reports/suspect-welfare/", suspect_welfare_report, name="suspect-welfare-report"),
]
