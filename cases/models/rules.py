"""The wording of single-record rules, for the models' `clean()` (ADR 0010), and the
base that answers them before Django's own checks of each field."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

# A device clock a little ahead of the server's is not a date in the future.
CLOCK_SKEW = timedelta(minutes=5)

Errors = dict[str, list[str]]


def not_in_future(value: date | datetime | None, field: str, errors: Errors) -> None:
    if value is None:
        return
    if isinstance(value, datetime):
        if value > timezone.now() + CLOCK_SKEW:
            errors.setdefault(field, []).append("Must not be in the future.")
    elif value > timezone.localdate():
        errors.setdefault(field, []).append("Must not be in the future.")


def in_order(
    earlier: Any, later: Any, later_field: str, errors: Errors, *, earlier_label: str
) -> None:
    if earlier is not None and later is not None and later < earlier:
        errors.setdefault(later_field, []).append(f"Must not be before {earlier_label}.")


def one_of(value: str, values: Iterable[str], field: str, errors: Errors) -> None:
    values = list(values)
    if value not in values:
        errors[field] = [f"Choose one of: {', '.join(values)}."]


# A written reason (to transfer, decline, close, grant...) is kept whole in the history.
REASON_MAX_LENGTH = 2000


def written_reason(
    value: str | None, field: str, *, missing: str, errors: Errors, what: str = "the reason"
) -> str:
    """The reason given, stripped; `missing` when there is none, or too long."""
    text = (value or "").strip()
    if not text:
        errors.setdefault(field, []).append(missing)
    elif len(text) > REASON_MAX_LENGTH:
        errors.setdefault(field, []).append(
            f"Keep {what} to {REASON_MAX_LENGTH} characters or fewer."
        )
    return text


def raise_if(errors: Errors) -> None:
    if errors:
        raise ValidationError(errors)


class RulesFirst:
    """A model whose `clean()` holds its rules: `full_clean()` answers them first, in
    their own words, and only then checks each field the Django way (blank, length,
    choices), so that a missing name reads "Enter a first name", not Django's "This
    field cannot be blank"."""

    def clean(self) -> None:
        raise_if(self.rules())

    def rules(self) -> Errors:
        return {}

    def full_clean(
        self, exclude: Any = None, validate_unique: bool = True, validate_constraints: bool = True
    ) -> None:
        self.clean()
        super().full_clean(exclude, validate_unique, validate_constraints)  # type: ignore[misc]
