from datetime import date

import pytest

from common.dates import months_after


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 15), 1, date(2026, 2, 15)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # no 31 February: its last day
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # a leap year
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # across the year
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards
        (date(2026, 1, 10), -5, date(2025, 8, 10)),
        (date(2026, 5, 20), 0, date(2026, 5, 20)),
    ],
)
def test_months_after(day, months, expected):
    assert months_after(day, months) == expected
