"""Dates in Tideline: calendar arithmetic that is not about working days (those are
`agencies.working_days`, the one calendar of deadlines), and the one wording of
dates, times and deadlines, in Python (`day_text`, `when_text`...) and in templates
(`{% load dates %}`, `{{ moment|day_text }}`). A moment is always worded in local
time (Europe/London)."""

import calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone


def months_after(day: date, months: int) -> date:
    """The same day `months` later (earlier when negative); the month's last day
    when it has no such day: 31 January plus one month is 28 or 29 February."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# --- Wording


def _local_day(day: date) -> date:
    # A moment is worded on its local day; a datetime is a date subclass.
    return timezone.localtime(day).date() if isinstance(day, datetime) else day


def day_text(day: date) -> str:
    """`6 December 2026` (a moment: its local day)."""
    day = _local_day(day)
    return f"{day.day} {day:%B %Y}"


def weekday_day_text(day: date) -> str:
    """`Sunday 6 December 2026` (a moment: its local day)."""
    day = _local_day(day)
    return f"{day:%A} {day_text(day)}"


def time_text(moment: datetime) -> str:
    """`14:05`, local time."""
    return f"{timezone.localtime(moment):%H:%M}"


def when_text(moment: datetime) -> str:
    """`14:05 on 6 December 2026`, local time."""
    return f"{time_text(moment)} on {day_text(moment)}"


def weekday_when_text(moment: datetime) -> str:
    """`14:05 on Sunday 6 December 2026`, local time."""
    return f"{time_text(moment)} on {weekday_day_text(moment)}"


def working_days_text(count: int) -> str:
    """`1 working day`, `3 working days`."""
    return f"{count} working day{'' if count == 1 else 's'}"


# --- How a deadline stands


@dataclass(frozen=True)
class DeadlineStatus:
    """A stored deadline, read against a clock, in working days."""

    due_at: datetime
    done_on: date | None
    overdue: bool
    working_days_left: int | None
    working_days_late: int | None

    @property
    def summary(self) -> str:
        """`Due in 3 working days`, `2 working days late`, `Done on time`..."""
        if self.done_on is not None:
            if self.working_days_late:
                return f"Done {working_days_text(self.working_days_late)} late"
            return "Done on time"
        if self.overdue:
            if self.working_days_late:
                return f"{working_days_text(self.working_days_late)} late"
            return "Overdue today"
        if self.working_days_left == 0:
            return "Due today"
        return f"Due in {working_days_text(self.working_days_left or 0)}"


def deadline_status_between(
    *,
    due_at: datetime | None,
    done_on: date | None,
    now: datetime | None,
    between: Callable[[date, date], int],
) -> DeadlineStatus | None:
    """How a deadline stands, None when there is none. A step done after its due day
    is late by the working days between them; an open one is late by the working
    days since. `between` counts working days (`agencies.working_days`:
    `working_days_between`, or `working_days_between_any_of` for many deadlines
    read together, so that the calendar is read once for all)."""
    if due_at is None:
        return None
    due_day = timezone.localtime(due_at).date()
    if done_on is not None:
        late = between(due_day, done_on)
        return DeadlineStatus(
            due_at=due_at,
            done_on=done_on,
            overdue=late > 0,
            working_days_left=None,
            working_days_late=late,
        )
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if now <= due_at:
        return DeadlineStatus(
            due_at=due_at,
            done_on=None,
            overdue=False,
            working_days_left=between(today, due_day),
            working_days_late=None,
        )
    return DeadlineStatus(
        due_at=due_at,
        done_on=None,
        overdue=True,
        working_days_left=None,
        working_days_late=between(due_day, today),
    )
