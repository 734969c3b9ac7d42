from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from common.dates import weekday_day_text

CLOSURE_REASON_MISSING = "Give the reason for the closure, for example the announcement."


class ClosureDay(models.Model):
    """A one-off day that is not a working day although the bank-holiday calendar
    says it is (for example a day of national mourning announced at short notice)."""

    date = models.DateField(unique=True)
    reason = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d %B %Y}: {self.reason}"

    def clean(self) -> None:
        """Only a working day can close (never a weekend or a bank holiday), and the
        closure says why."""
        # working_days reads the closure days: imported here, not at the top.
        from agencies.working_days import bank_holiday_name

        errors: dict[str, list[str]] = {}
        day = self.date
        if day is not None:
            if day.weekday() >= 5:
                errors["date"] = [
                    f"{weekday_day_text(day)} is a {day:%A}, which is never a working day."
                ]
            elif (holiday := bank_holiday_name(day)) is not None:
                errors["date"] = [f"{weekday_day_text(day)} is already a bank holiday ({holiday})."]
        if not (self.reason or "").strip():
            errors["reason"] = [CLOSURE_REASON_MISSING]
        if errors:
            raise ValidationError(errors)
