"""The response deadline: one calendar month from receipt (the ICO's rule), the last
day of a shorter month, the next working day after a weekend or bank holiday; an
extension is three calendar months from receipt by the same rule."""

from datetime import date

import pytest

from common.dates import months_after
from subject_access.models import extended_due_on, response_due_on

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # The corresponding date of the next month, a working day.
        (date(2026, 3, 10), date(2026, 4, 10)),
        # Across a month end: 31 March has no 31 April, so the last day of April.
        (date(2026, 3, 31), date(2026, 4, 30)),
        # Across the year end.
        (date(2026, 12, 15), date(2027, 1, 15)),
        # 31 January: no 31 February, so 28 February 2026, a Saturday: Monday 2 March.
        (date(2026, 1, 31), date(2026, 3, 2)),
        # A leap year: 29 February 2028 is a Tuesday.
        (date(2028, 1, 31), date(2028, 2, 29)),
        # 3 April 2026 is Good Friday and 6 April Easter Monday: Tuesday 7 April.
        (date(2026, 3, 3), date(2026, 4, 7)),
        # 25 May 2026 is the spring bank holiday: Tuesday 26 May.
        (date(2026, 4, 25), date(2026, 5, 26)),
        # Received on a Sunday: the clock runs from that day all the same.
        (date(2026, 6, 7), date(2026, 7, 7)),
    ],
)
def test_one_calendar_month_from_receipt(received, due):
    assert response_due_on(received) == due


def test_calendar_month_without_the_corresponding_day_is_the_last_day():
    assert months_after(date(2026, 1, 29), 1) == date(2026, 2, 28)
    assert months_after(date(2026, 8, 31), 1) == date(2026, 9, 30)


def test_an_extension_is_two_further_months():
    # 31 January + 3 months: 30 April 2026, a Thursday.
    assert extended_due_on(date(2026, 1, 31)) == date(2026, 4, 30)
    # 28 February + 3 months: 28 May 2026, a Thursday.
    assert extended_due_on(date(2026, 2, 28)) == date(2026, 5, 28)
