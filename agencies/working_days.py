"""The one working-day calendar. Every deadline in Tideline is counted here.

A working day is Monday to Friday in Europe/London, except:

- bank holidays in England and Wales, from the `holidays` package (country GB,
  subdivision ENG; Wales shares England's bank holidays). Substitute days are
  included: when Christmas Day or Boxing Day falls at a weekend, the Monday or
  Tuesday after it is the bank holiday (the package names these
  "Christmas Day (observed)" and "Boxing Day (observed)");
- one-off closure days that the operator records as `ClosureDay` rows (for
  example a national day of mourning announced at short notice), with
  `manage.py closure_day`.

The deadline rule, `add_working_days(moment, n)`:

1. The moment is read in Europe/London.
2. The start day is the moment's local date, if that is a working day and the
   local time is before 17:00 (`settings.WORKING_DAY_ENDS_AT_HOUR`). Otherwise
   the start day is the next working day: after 17:00 the working day has
   ended for the people who must act, and nobody can act on a day that is not
   a working day.
3. The deadline day is `n` working days after the start day (with `n = 0` the
   start day itself: "by the end of today").
4. The deadline is the end of that day: 17:00 Europe/London, as an aware
   datetime. That is 16:00 UTC in summer time and 17:00 UTC in winter.

So "within 1 working day" of an event on Monday at 10:00 is Tuesday at 17:00;
of an event on Monday at 17:30, Wednesday at 17:00; of an event on Saturday,
Tuesday at 17:00.

Deadlines are computed once, when the triggering event is recorded, and
stored; adding a closure day later does not move deadlines already stored.
"""

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

from agencies.models import ClosureDay
from common.dates import DeadlineStatus, deadline_status_between

_COUNTRY = "GB"
_SUBDIVISION = "ENG"
_ONE_DAY = timedelta(days=1)
# Enough calendar days to find the next working day in one query even after the
# longest run of holidays England has (Christmas substitutes plus a weekend).
_MIN_WINDOW_DAYS = 30


def _require_date(day: date) -> None:
    # A datetime is a date subclass, but never equal to the holiday dates, so it
    # would silently count Christmas as a working day.
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError("Expected a date, not a datetime.")


@cache
def _bank_holidays(year: int) -> dict[date, str]:
    # Building a year's holidays is slow enough to matter when a sweep computes
    # thousands of deadlines, and a year's bank holidays do not change while the
    # process runs, so each year is built once.
    calendar = holidays.country_holidays(_COUNTRY, subdiv=_SUBDIVISION, years=year)
    return {day: name for day, name in sorted(calendar.items()) if day.year == year}


def bank_holiday_name(day: date) -> str | None:
    """The name of the England and Wales bank holiday on `day`, or None."""
    _require_date(day)
    return _bank_holidays(day.year).get(day)


def _is_working_day_ignoring_closures(day: date) -> bool:
    return day.weekday() < 5 and bank_holiday_name(day) is None


class _ClosureDates:
    """The closure days from `start` onwards, loaded in one query for a window
    long enough for the caller's span, and extended (one more query) only if the
    walk runs past it."""

    def __init__(self, *, start: date, span_days: int) -> None:
        self._start = start
        self._dates: set[date] = set()
        self._loaded_until = start - _ONE_DAY
        self._span = max(span_days, _MIN_WINDOW_DAYS)
        self._load_until(start + timedelta(days=self._span))

    def _load_until(self, until: date) -> None:
        self._dates.update(
            ClosureDay.objects.filter(date__gt=self._loaded_until, date__lte=until).values_list(
                "date", flat=True
            )
        )
        self._loaded_until = until

    def __contains__(self, day: date) -> bool:
        if day < self._start:
            raise ValueError(f"{day} is before the loaded window starting {self._start}.")
        if day > self._loaded_until:
            self._load_until(max(day, self._loaded_until + timedelta(days=self._span)))
        return day in self._dates


def _is_working(day: date, closures: _ClosureDates) -> bool:
    return _is_working_day_ignoring_closures(day) and day not in closures


def _working_days_after(day: date, closures: _ClosureDates) -> Iterator[date]:
    while True:
        day += _ONE_DAY
        if _is_working(day, closures):
            yield day


def is_working_day(day: date) -> bool:
    """Monday to Friday, not an England and Wales bank holiday, not a closure day."""
    _require_date(day)
    if not _is_working_day_ignoring_closures(day):
        return False
    return not ClosureDay.objects.filter(date=day).exists()


def next_working_day(day: date) -> date:
    """The first working day strictly after `day`."""
    _require_date(day)
    closures = _ClosureDates(start=day + _ONE_DAY, span_days=_MIN_WINDOW_DAYS)
    return next(_working_days_after(day, closures))


def _end_of_working_day(day: date, zone: ZoneInfo) -> datetime:
    # 17:00 is never inside a clock change in Europe/London (those happen at
    # 01:00 UTC), so the local time is unambiguous and `fold` does not matter.
    return datetime.combine(day, time(hour=settings.WORKING_DAY_ENDS_AT_HOUR), tzinfo=zone)


def add_working_days(moment: datetime, days: int) -> datetime:
    """The deadline `days` working days after `moment`: 17:00 Europe/London on the
    deadline day. See the module docstring for the rule."""
    if not isinstance(moment, datetime) or not timezone.is_aware(moment):
        raise ValueError("The moment must be a timezone-aware datetime.")
    if isinstance(days, bool) or not isinstance(days, int):
        raise TypeError("The number of working days must be an integer.")
    if days < 0:
        raise ValueError("The number of working days must not be negative.")

    zone = ZoneInfo(settings.TIME_ZONE)
    local = moment.astimezone(zone)
    today = local.date()
    # Five working days take seven calendar days; twice as many plus a margin
    # for holidays keeps any realistic span to one query.
    closures = _ClosureDates(start=today, span_days=days * 2 + _MIN_WINDOW_DAYS)
    ends_at = time(hour=settings.WORKING_DAY_ENDS_AT_HOUR)

    if _is_working(today, closures) and local.time() < ends_at:
        deadline_day = today
    else:
        deadline_day = next(_working_days_after(today, closures))
    if days:
        later = _working_days_after(deadline_day, closures)
        for _ in range(days):
            deadline_day = next(later)
    return _end_of_working_day(deadline_day, zone)


def working_days_between(start: date, end: date) -> int:
    """How many working days come after `start`, up to and including `end`;
    0 if `end` is not after `start`. A deadline on `start` met on `end` is this
    many working days late."""
    _require_date(start)
    _require_date(end)
    if end <= start:
        return 0
    first = start + _ONE_DAY
    closures = _ClosureDates(start=first, span_days=(end - first).days)
    count = 0
    day = first
    while day <= end:
        if _is_working(day, closures):
            count += 1
        day += _ONE_DAY
    return count


def working_days_late(due_days: Iterable[date], today: date) -> dict[date, int]:
    """`working_days_between(due, today)` for many due days at once, with the closure
    days read in one query: a list of deadlines costs the same as one."""
    due_days = set(due_days)
    for day in due_days:
        _require_date(day)
    _require_date(today)
    past = sorted(day for day in due_days if day < today)
    lateness = dict.fromkeys(due_days, 0)
    if not past:
        return lateness
    first = past[0] + _ONE_DAY
    closures = _ClosureDates(start=first, span_days=(today - first).days)
    working = [
        day
        for day in (first + timedelta(days=n) for n in range((today - first).days + 1))
        if _is_working(day, closures)
    ]
    # `working` is in order: the days after `due` are found by bisection, not by
    # walking every working day once per deadline (years late times 50 rows).
    for due in past:
        lateness[due] = len(working) - bisect_right(working, due)
    return lateness


def working_days_between_any_of(days: set[date]) -> Callable[[date, date], int]:
    """`working_days_between` for any two of `days`, from one calendar query.
    `working_days_late(days, last)` counts, for each day, the working days after it
    up to the last of them; the working days between two of them is the difference."""
    after = working_days_late(days, max(days)) if days else {}

    def between(start: date, end: date) -> int:
        return after[start] - after[end] if end > start else 0

    return between


def deadline_status(
    *, due_at: datetime | None, done_on: date | None, now: datetime | None = None
) -> DeadlineStatus | None:
    """How one stored deadline stands against the clock, in working days
    (`common.dates.deadline_status_between`); None when there is no deadline."""
    return deadline_status_between(
        due_at=due_at, done_on=done_on, now=now, between=working_days_between
    )
