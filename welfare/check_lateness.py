"""How late a welfare check was made, in the words every page, the API and the
statistics use: whole hours after the due moment, any part of an hour counting as
one, so that 10 minutes late reads "made 1 hour late" and nothing late is ever
shown as on time."""

import math
from datetime import datetime

from django.utils import timezone

from welfare.models import Duty, DutyKind, DutyStatus

# Duties met through the welfare check form, and only through it.
WELFARE_CHECK_DUTIES = frozenset(
    {DutyKind.WELFARE_CHECK, DutyKind.WELFARE_CONTACT, DutyKind.WELFARE_CHECK_ESCALATION}
)


def late_by_hours(due_at: datetime, made_at: datetime | None) -> int | None:
    """Whole hours after `due_at`, any part of an hour counting as one; None when made
    by the due moment (or not made)."""
    if made_at is None or made_at <= due_at:
        return None
    return math.ceil((made_at - due_at).total_seconds() / 3600)


def late_text(hours: int | None) -> str:
    """ "made 92 hours late", "made 1 hour late"; "" when not late."""
    if not hours:
        return ""
    return f"made {hours} hour{'' if hours == 1 else 's'} late"


def duty_made_late_by_hours(duty: Duty) -> int | None:
    """For a welfare check closed by an attempt (met, not reached, declined, acted
    on): how late that was; None while open or when made in time."""
    if duty.kind not in WELFARE_CHECK_DUTIES or duty.status in (
        DutyStatus.OPEN,
        DutyStatus.CANCELLED,
        DutyStatus.NOT_NEEDED,
    ):
        return None
    return late_by_hours(duty.due_at, duty.resolved_at)


def countdown(due_at: datetime, now: datetime | None = None) -> tuple[str, bool]:
    """ "31 hours left" or "Missed by 3 hours" (minutes under the hour), and whether missed."""
    now = now or timezone.now()
    seconds = int((due_at - now).total_seconds())
    missed = seconds < 0
    seconds = abs(seconds)
    hours, minutes = seconds // 3600, (seconds % 3600) // 60
    if hours:
        amount = f"{hours} hour{'s' if hours != 1 else ''}"
    else:
        amount = f"{minutes} minute{'s' if minutes != 1 else ''}"
    return (f"Missed by {amount}" if missed else f"{amount} left"), missed
