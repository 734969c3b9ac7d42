from django.conf import settings
from django.db import models


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
