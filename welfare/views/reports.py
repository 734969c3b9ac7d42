"""The suspect welfare statistics page: the figures of
`GET /api/v1/reports/suspect-welfare/` for a year, in tables, with bar charts of the
shares and of the incidents by stage, drawn on the server as SVG (the CSP allows
neither scripts for it nor inline styles), as the outcome report draws its chart;
and the same tables as CSV.

Most of these counts are small, so many are withheld (welfare.report_suppression).
A withheld figure is said in words everywhere, the same words in the chart, the
table and the CSV, and never drawn as an empty bar; a chart with nothing left to
draw is replaced by a sentence saying so (issue 18)."""

from dataclasses import dataclass

from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.charts import ChartLayout, chart_frame
from common.csv_export import csv_response
from common.pages import capability_required, report_for_year
from welfare import report_suppression, reports
from welfare.models import IncidentStage
from welfare.report_suppression import FEWER_THAN, SUPPRESSION_THRESHOLD, Figure

# What a withheld count says, wherever it is shown. A count withheld only so that a
# small one cannot be worked out by subtraction may be any number.
WITHHELD_SMALL = f"withheld (fewer than {SUPPRESSION_THRESHOLD})"
WITHHELD_TO_PROTECT = "withheld (to protect a small figure)"


def number_text(figure: Figure) -> str:
    if not figure.suppressed:
        return figure.display
    return WITHHELD_SMALL if figure.display == FEWER_THAN else WITHHELD_TO_PROTECT


# Figures whose label names a term of art: their key, the term's glossary key.
TERMS_IN_LABELS = {IncidentStage.UNDER_INVESTIGATION.value: "released_under_investigation"}


@dataclass(frozen=True)
class Row:
    label: str
    number: str
    share: str
    withheld: bool = False
    strong: bool = False
    # The glossary key of a term of art in the label, explained beside it.
    term: str = ""


@dataclass(frozen=True)
class Table:
    key: str
    caption: str
    label: str
    share: str
    rows: list[Row]


def _row(figure: Figure, *, strong: bool = False) -> Row:
    return Row(
        label=figure.label,
        number=number_text(figure),
        share=figure.share_display,
        withheld=figure.suppressed,
        strong=strong,
        term=TERMS_IN_LABELS.get(figure.key, ""),
    )


def _tables(statistics: reports.SuspectWelfareStatistics) -> dict[str, Table]:
    """The page's tables, which the CSV writes too."""
    year = statistics.year

    def duties(key: str, what: str, duty_figures: reports.DutyFigures) -> Table:
        return Table(
            key=key,
            caption=f"{what} due in {year}, by how they went",
            label="How they went",
            share="Share of those due",
            rows=[
                *(_row(figure) for figure in duty_figures.parts),
                _row(duty_figures.due, strong=True),
            ],
        )

    def incidents(by: str, label: str, figures: list[Figure]) -> Table:
        return Table(
            key=f"incidents_by_{by}",
            caption=f"Incidents in {year} by {by}",
            label=label,
            share="Share of incidents",
            rows=[*(_row(figure) for figure in figures), _row(statistics.incidents, strong=True)],
        )

    tables = [
        Table(
            key="screening",
            caption=f"Suspects first told of an investigation in {year}, by screening",
            label="Suspects",
            share="Share of suspects",
            rows=[
                _row(statistics.suspects, strong=True),
                *(
                    _row(figure)
                    for figure in (
                        statistics.screened,
                        statistics.at_risk_or_unknown,
                        statistics.at_risk,
                        statistics.unknown,
                        statistics.not_at_risk,
                        statistics.not_screened,
                    )
                ),
            ],
        ),
        Table(
            key="safety_plans",
            caption=f"Safety plans made in {year}",
            label="Safety plans",
            share="",
            rows=[_row(statistics.safety_plans)],
        ),
        duties("checks", "48-hour checks", statistics.welfare_checks),
        duties("contacts", "Welfare contacts", statistics.welfare_contacts),
        incidents("stage", "Stage", statistics.incidents_by_stage),
        incidents("kind", "Kind", statistics.incidents_by_kind),
    ]
    return {table.key: table for table in tables}


# --- The charts


@dataclass(frozen=True)
class Chart:
    """A chart to draw (`chart`), or the sentence that stands in for it when every
    figure it would draw is 0 or withheld."""

    chart: dict | None = None
    sentence: str = ""


def _drawable(figure: Figure) -> bool:
    return figure.share is not None and bool(figure.value)


def _chart(key: str, title: str, caption: str, what: str, figures: list[Figure]) -> Chart:
    """One bar per figure, its length the figure's share: a share of half fills half
    the track. A withheld figure draws no bar: its words stand in its place."""
    if not any(_drawable(figure) for figure in figures):
        return Chart(
            sentence=(
                f"There is no chart of {what}: every figure in it is 0 or withheld, so "
                "that no one can be identified. The table gives them."
            )
        )

    def words(figure: Figure) -> str:
        if figure.suppressed:
            return number_text(figure)
        if figure.share is None:
            # Shown, but its share is withheld (what it is a share of is).
            return f"{figure.display} (share withheld)"
        return f"{figure.display} ({figure.share_display})"

    def draw(layout: ChartLayout) -> None:
        for figure in figures:
            layout.label(figure.label)
            if figure.share is None:
                layout.withheld(words(figure))
            else:
                layout.bar(fraction=figure.share / 100, value=words(figure))

    return Chart(
        chart=chart_frame(
            draw=draw,
            key=key,
            title=title,
            caption=f"{caption} The table gives the same figures.",
            description=" ".join(f"{figure.label}: {words(figure)}." for figure in figures),
        )
    )


def _charts(statistics: reports.SuspectWelfareStatistics) -> dict[str, Chart]:
    year = statistics.year
    charts = {}
    if statistics.suspects.value != 0:
        charts["screening"] = _chart(
            "screening",
            "Bar chart of the shares of suspects screened and flagged",
            f"Suspects in {year}: the share screened for suicide risk and the share "
            f"found at risk or unknown, of {number_text(statistics.suspects)} suspects.",
            "the shares of suspects screened and flagged",
            [statistics.screened, statistics.at_risk_or_unknown, statistics.at_risk],
        )
    for key, duties, what in (
        ("checks", statistics.welfare_checks, "48-hour checks"),
        ("contacts", statistics.welfare_contacts, "Welfare contacts"),
    ):
        if duties.due.value != 0:
            charts[key] = _chart(
                key,
                f"Bar chart of {what.lower()} by how they went",
                f"{what} due in {year}, by how they went: {number_text(duties.due)} due in all.",
                f"{what.lower()} by how they went",
                duties.parts,
            )
    if statistics.incidents.value != 0:
        charts["incidents"] = _chart(
            "incidents",
            "Bar chart of incidents by stage",
            f"Incidents in {year} by stage: {number_text(statistics.incidents)} in all.",
            "incidents by stage",
            statistics.incidents_by_stage,
        )
    return charts


# --- The pages


def _statistics(request):
    return report_for_year(
        request,
        lambda year: reports.suspect_welfare_statistics(actor=request.user, year=year),
    )


@capability_required("welfare.report.suspect_welfare")
@require_GET
def suspect_welfare_report(request):
    form, statistics = _statistics(request)
    context = {
        "form": form,
        "statistics": statistics,
        "year": statistics.year if statistics else timezone.localdate().year,
        "charts": _charts(statistics) if statistics else {},
        "tables": _tables(statistics) if statistics else {},
        "threshold": report_suppression.SUPPRESSION_THRESHOLD,
        "csv_url": f"{reverse('suspect-welfare-report-csv')}?year={statistics.year}"
        if statistics
        else "",
    }
    return render(request, "welfare/reports/suspect_welfare.html", context)


@capability_required("welfare.report.suspect_welfare")
@require_GET
def suspect_welfare_report_csv(request):
    """The page's tables as CSV, withheld figures in the page's words (never the
    number); a year the page would refuse goes back to the page, which says why."""
    _form, statistics = _statistics(request)
    if statistics is None:
        return redirect(f"{reverse('suspect-welfare-report')}?{request.GET.urlencode()}")
    return csv_response(
        filename=f"suspect-welfare-report-{statistics.agency.slug}-{statistics.year}.csv",
        header=["table", "figure", "number", "share"],
        rows=[
            [table.caption, row.label, row.number, row.share]
            for table in _tables(statistics).values()
            for row in table.rows
        ],
    )


urlpatterns = [
    path("reports/suspect-welfare/", suspect_welfare_report, name="suspect-welfare-report"),
    path(
        "reports/suspect-welfare/csv/",
        suspect_welfare_report_csv,
        name="suspect-welfare-report-csv",
    ),
]
