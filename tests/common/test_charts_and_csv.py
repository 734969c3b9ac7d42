"""The report pages' shared pieces (issue 18): the chart layout keeps every text
inside the chart, and one CSV writer neutralises formulas."""

import csv
import io

import pytest

from common.charts import (
    BAR_MAX,
    CHART_WIDTH,
    ChartBar,
    ChartLayout,
    ChartText,
    chart_frame,
    text_width,
    wrap,
)
from common.csv_export import csv_cell, csv_response


def _bar(layout: ChartLayout) -> ChartBar:
    item = layout.items[-1]
    assert isinstance(item, ChartBar)
    return item


def test_a_short_bar_has_its_value_after_it_on_the_track():
    # given
    layout = ChartLayout()
    # when
    layout.bar(fraction=0.25, value="2 (25.0%)")
    # then
    bar = _bar(layout)
    assert (bar.width, bar.value_x, bar.value_anchor) == (140, 148, "start")
    assert bar.value_x + text_width(bar.value, bold=True) <= BAR_MAX


def test_a_long_bar_has_its_value_inside_its_end_in_white():
    # given: 16 of 19 outcomes, whose value used to run past the end of the track
    layout = ChartLayout()
    # when
    layout.bar(fraction=16 / 19, value="16 (84.2%)")
    # then
    bar = _bar(layout)
    assert bar.width == 472
    assert (bar.value_x, bar.value_anchor, bar.value_colour) == (464, "end", "#ffffff")


def test_a_full_bar_keeps_its_value_inside_the_track():
    layout = ChartLayout(bar_max=520)
    layout.bar(fraction=1, value="4 sent")
    bar = _bar(layout)
    assert bar.value_anchor == "end" and bar.value_x <= 520


def test_a_long_label_wraps_inside_the_chart():
    # given: an agency pair with long names
    label = "Northshire and Southshire Joint Online Child Abuse Investigation Team to " * 2
    layout = ChartLayout()
    # when
    layout.label(label, bold=True)
    # then
    item = layout.items[-1]
    assert isinstance(item, ChartText)
    assert len(item.lines) > 1
    assert all(text_width(line.text, bold=True) <= CHART_WIDTH for line in item.lines)
    assert " ".join(line.text for line in item.lines) == label.strip()
    assert layout.height >= item.lines[-1].y


def test_a_withheld_figure_draws_words_and_no_track():
    layout = ChartLayout()
    layout.label("Made late")
    layout.withheld("withheld (fewer than 5)")
    assert [type(item) for item in layout.items] == [ChartText, ChartText]
    assert layout.items[-1].lines[0].text == "withheld (fewer than 5)"


def test_wrap_keeps_a_word_longer_than_the_line_whole():
    assert wrap("a " + "x" * 200, width=100) == ["a", "x" * 200]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Caution", "Caution"),
        (3, "3"),
        (None, ""),
    ],
)
def test_csv_cells_cannot_start_a_formula(value, written):
    assert csv_cell(value) == written


def test_the_csv_response_is_an_attachment_with_a_header_row():
    # when
    response = csv_response(
        filename="report-2026.csv", header=["name", "count"], rows=[["=1+1", 3], ["Café", None]]
    )
    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="report-2026.csv"'
    body = response.content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body))) == [
        ["name", "count"],
        ["'=1+1", "3"],
        ["Café", ""],
    ]


def test_a_narrow_chart_puts_a_long_value_on_a_line_of_its_own():
    # given: no room after half a bar, inside it, or beside the track
    layout = ChartLayout(width=320, bar_max=280)
    # when
    layout.bar(fraction=0.5, value="12 completed with feedback")
    # then: below the bar, inside the chart
    bar = _bar(layout)
    assert (bar.value_x, bar.value_anchor) == (0, "start")
    assert bar.value_y > bar.y + 22
    assert layout.height >= bar.value_y


def test_a_chart_is_drawn_for_a_wide_and_a_narrow_screen():
    frame = chart_frame(draw=lambda layout: layout.bar(fraction=1, value="4 sent"))
    assert [(d["size"], d["width"], d["bar_max"]) for d in frame["drawings"]] == [
        ("wide", 720, 560),
        ("narrow", 320, 280),
    ]
