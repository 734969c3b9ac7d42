"""Calendar arithmetic that is not about working days (those are
`agencies.working_days`, the one calendar of deadlines)."""

import calendar
from datetime import date


def months_after(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative); the month's last day
    when it has no such day: 31 January plus one month is 28 or 29 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
