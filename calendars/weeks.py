"""Weeks and spans of days in local time (Europe/London): what the calendar page
shows and what the feed covers. A day starts at local midnight, so a week across a
clock change is 167 or 169 hours long, and a moment falls on its local day."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from common.errors import ValidationError

WEEK_MESSAGE = "Enter a week as 2026-W50, or a date in it such as 9/12/2026 or 2026-12-09."
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{1,2})", re.IGNORECASE)
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# Years a person might look at; beyond them a week's neighbours could not be named.
_YEARS = range(1900, 2201)


def local_midnight(day: date) -> datetime:
    """The moment a local day starts (midnight always exists in Europe/London: the
    clocks change at 01:00 and 02:00)."""
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_default_timezone())


@dataclass(frozen=True)
class Span:
    """Whole local days, from `first_day` to `last_day` inclusive."""

    first_day: date
    last_day: date

    @property
    def starts_at(self) -> datetime:
        return local_midnight(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The first moment after the span: midnight at the end of its last day."""
        return local_midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> list[date]:
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=offset) for offset in range(count)]


@dataclass(frozen=True)
class Week(Span):
    """Monday to Sunday."""

    @classmethod
    def containing(cls, day: date) -> "Week":
        monday = day - timedelta(days=day.weekday())
        return cls(first_day=monday, last_day=monday + timedelta(days=6))

    @property
    def label(self) -> str:
        """ISO 8601's name for it: `2026-W50`."""
        year, week, _ = self.first_day.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def previous(self) -> "Week":
        return Week.containing(self.first_day - timedelta(days=7))

    @property
    def next(self) -> "Week":
        return Week.containing(self.first_day + timedelta(days=7))


def week_current(now: datetime | None = None) -> Week:
    """The week of today, in local time."""
    return Week.containing(timezone.localtime(now or timezone.now()).date())


def week_parse(text: str | None, *, now: datetime | None = None) -> Week:
    """The week named by `?week=`: `2026-W50`, or a date in it (`9/12/2026`,
    `2026-12-09`); this week when empty. ValidationError naming `week` otherwise."""
    text = (text or "").strip()
    if not text:
        return week_current(now)
    day = _day_named(text)
    if day is None or day.year not in _YEARS:
        raise ValidationError({"week": [WEEK_MESSAGE]})
    return Week.containing(day)


def _day_named(text: str) -> date | None:
    try:
        if match := _ISO_WEEK.fullmatch(text):
            return date.fromisocalendar(int(match[1]), int(match[2]), 1)
        if match := _UK_DATE.fullmatch(text):
            return date(int(match[3]), int(match[2]), int(match[1]))
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None
