"""One-off closure days: the operator's only way to change the working-day
calendar. These are system operations (run through `manage.py closure_day`),
so the actor is optional; when there is one, it is recorded."""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.audit import access_log_record
from agencies.models import ClosureDay
from common.dates import weekday_day_text


def day_label(day: datetime.date) -> str:
    """A date as people read it in a message: "Monday 28 December 2026"."""
    return weekday_day_text(day)


def _closure_log(actor: User | None, action: str, day: datetime.date, reason: str) -> None:
    access_log_record(
        actor=actor,
        action=action,
        object_type="closure_day",
        object_id=str(day),
        justification=reason,
    )


def closure_day_add(*, actor: User | None = None, date: datetime.date, reason: str) -> ClosureDay:
    """Make `date` a non-working day. Deadlines already stored are not moved."""
    reason = (reason or "").strip()
    closure = ClosureDay(date=date, reason=reason, created_by=actor)
    errors: dict[str, list[str]] = {}
    try:
        # The day's own rules and the reason are the model's (a blank reason in its
        # words, not the field's); uniqueness is checked below, naming the day.
        closure.full_clean(exclude=None if reason else ["reason"], validate_unique=False)
    except ValidationError as invalid:
        errors = invalid.message_dict
    if "date" not in errors:
        existing = ClosureDay.objects.filter(date=date).first()
        if existing is not None:
            errors["date"] = [f"{day_label(date)} is already a closure day ({existing.reason})."]
    if errors:
        raise ValidationError(errors)
    try:
        # The database constraint still catches two operators adding it at once.
        with transaction.atomic():
            closure.save()
            _closure_log(actor, "agencies.closure_day.added", date, reason)
    except IntegrityError as exc:
        raise ValidationError({"date": [f"{day_label(date)} is already a closure day."]}) from exc
    return closure


def closure_day_remove(*, actor: User | None = None, date: datetime.date) -> None:
    """Make `date` a working day again. Deadlines already stored are not moved."""
    with transaction.atomic():
        closure = ClosureDay.objects.select_for_update().filter(date=date).first()
        if closure is None:
            raise ValidationError({"date": [f"{day_label(date)} is not a closure day."]})
        reason = closure.reason
        closure.delete()
        _closure_log(actor, "agencies.closure_day.removed", date, reason)
