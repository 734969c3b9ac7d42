"""One-off closure days: the operator's only way to change the working-day
calendar. These are system operations (run through `manage.py closure_day`),
so the actor is optional; when there is one, it is recorded."""

import datetime

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.audit import access_log_record
from agencies.models import ClosureDay
from agencies.working_days import bank_holiday_name


def day_label(day: datetime.date) -> str:
    """A date as people read it in a message: "Monday 28 December 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _closure_refusal(day: datetime.date) -> str | None:
    if day.weekday() >= 5:
        return f"{day_label(day)} is a {day:%A}, which is never a working day."
    holiday = bank_holiday_name(day)
    if holiday is not None:
        return f"{day_label(day)} is already a bank holiday ({holiday})."
    existing = ClosureDay.objects.filter(date=day).first()
    if existing is not None:
        return f"{day_label(day)} is already a closure day ({existing.reason})."
    return None


def closure_day_add(
    *, actor: AbstractBaseUser | None = None, date: datetime.date, reason: str
) -> ClosureDay:
    """Make `date` a non-working day. Deadlines already stored are not moved."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    refusal = _closure_refusal(date)
    if refusal:
        errors["date"] = [refusal]
    if not reason:
        errors["reason"] = ["Give the reason for the closure, for example the announcement."]
    if errors:
        raise ValidationError(errors)

    closure = ClosureDay(date=date, reason=reason, created_by=actor)
    # Uniqueness was checked above with a message that names the day; the
    # database constraint still catches two operators adding it at once.
    closure.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            closure.save()
            access_log_record(
                actor=actor,
                action="agencies.closure_day.added",
                object_type="closure_day",
                object_id=str(date),
                justification=reason,
            )
    except IntegrityError as exc:
        raise ValidationError({"date": [f"{day_label(date)} is already a closure day."]}) from exc
    return closure


def closure_day_remove(*, actor: AbstractBaseUser | None = None, date: datetime.date) -> None:
    """Make `date` a working day again. Deadlines already stored are not moved."""
    with transaction.atomic():
        closure = ClosureDay.objects.select_for_update().filter(date=date).first()
        if closure is None:
            raise ValidationError({"date": [f"{day_label(date)} is not a closure day."]})
        reason = closure.reason
        closure.delete()
        access_log_record(
            actor=actor,
            action="agencies.closure_day.removed",
            object_type="closure_day",
            object_id=str(date),
            justification=reason,
        )
