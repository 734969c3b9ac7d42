"""Disclosure control, without the database: primary suppression of 1 to 4,
secondary suppression so that nothing can be worked out by subtraction, and shares
published only when both their counts are."""

from decimal import Decimal

import pytest

from welfare.report_suppression import FEWER_THAN, WITHHELD, _figures, suppress


@pytest.mark.parametrize(
    ("count", "suppressed"), [(0, False), (1, True), (4, True), (5, False), (6, False)]
)
def test_counts_from_1_to_4_are_suppressed_and_0_and_5_are_shown(count, suppressed):
    # when
    hidden = suppress({"plans": count}, [])
    # then
    assert ("plans" in hidden) is suppressed
    assert hidden.get("plans", "primary") == "primary"


def test_a_lone_suppressed_part_takes_the_next_smallest_part_with_it():
    # given: 3 could be worked out as 20 - 7 - 10
    counts = {"total": 20, "a": 3, "b": 7, "c": 10}
    # when
    hidden = suppress(counts, [("total", ["a", "b", "c"])])
    # then
    assert hidden == {"a": "primary", "b": "secondary"}


def test_a_zero_is_not_chosen_while_a_part_that_is_not_zero_remains():
    # given: withholding the 0 would still leave a + b = 3
    counts = {"total": 13, "a": 3, "b": 0, "c": 10}
    # when
    hidden = suppress(counts, [("total", ["a", "b", "c"])])
    # then
    assert hidden == {"a": "primary", "c": "secondary"}


def test_ties_go_to_the_part_listed_first():
    counts = {"total": 17, "a": 7, "b": 3, "c": 7}
    assert suppress(counts, [("total", ["a", "b", "c"])]) == {"b": "primary", "a": "secondary"}


def test_two_suppressed_parts_need_nothing_more():
    counts = {"total": 16, "a": 3, "b": 2, "c": 11}
    assert suppress(counts, [("total", ["a", "b", "c"])]) == {"a": "primary", "b": "primary"}


def test_a_suppressed_total_and_its_one_part_need_nothing_more():
    counts = {"total": 4, "a": 4, "b": 0}
    assert suppress(counts, [("total", ["a", "b"])]) == {"total": "primary", "a": "primary"}


def test_a_subtotal_withheld_in_one_table_takes_a_part_of_its_own_table_with_it():
    # given: the subtotal `screened` is a part of one table and the total of another
    counts = {"suspects": 20, "screened": 16, "not_screened": 4, "flagged": 10, "clear": 6}
    tables = [("suspects", ["screened", "not_screened"]), ("screened", ["flagged", "clear"])]
    # when
    hidden = suppress(counts, tables)
    # then: 4 hidden; then 16 (or 4 = 20 - 16); then 6 (or 16 = 10 + 6)
    assert hidden == {
        "not_screened": "primary",
        "screened": "secondary",
        "clear": "secondary",
    }


def test_figures_say_fewer_than_5_or_withheld_and_drop_the_value():
    # given
    counts = {"total": 20, "a": 3, "b": 7, "c": 10}
    labels = {key: key.upper() for key in counts}
    # when
    figures = _figures(counts, labels, [("total", ["a", "b", "c"])], {})
    # then
    assert (figures["a"].value, figures["a"].display, figures["a"].suppressed) == (
        None,
        FEWER_THAN,
        True,
    )
    assert (figures["b"].value, figures["b"].display) == (None, WITHHELD)
    assert (figures["c"].value, figures["c"].display, figures["c"].suppressed) == (
        10,
        "10",
        False,
    )
    assert FEWER_THAN == "fewer than 5"


@pytest.mark.parametrize(
    ("part", "total", "share", "share_display"),
    [
        (5, 20, Decimal("25.0"), "25.0%"),
        (0, 20, Decimal("0.0"), "0.0%"),
        (3, 20, None, "withheld"),  # the count is suppressed
        (3, 3, None, "withheld"),  # both are
        (0, 0, None, ""),  # nothing to divide by
        (7, 9, Decimal("77.8"), "77.8%"),
    ],
)
def test_a_share_is_published_only_when_both_counts_are(part, total, share, share_display):
    # when
    figures = _figures(
        {"total": total, "part": part}, {"total": "T", "part": "P"}, [], {"part": "total"}
    )
    # then
    assert (figures["part"].share, figures["part"].share_display) == (share, share_display)


def test_a_share_of_a_suppressed_total_is_withheld():
    figures = _figures({"total": 4, "part": 0}, {"total": "T", "part": "P"}, [], {"part": "total"})
    assert (figures["part"].display, figures["part"].share_display) == ("0", "withheld")
