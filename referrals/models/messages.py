import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from agencies.models import Agency
from cases.models.rules import raise_if
from referrals.models.limits import written_text
from referrals.models.referral import Referral


class ThreadSide(models.TextChoices):
    SENDER = "sender", "Referring agency"
    RECEIVER = "receiver", "Receiving agency"


class ReferralMessage(models.Model):
    """One message in a referral's thread between its two sides. Never edited: a
    correction is a new message."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=16, choices=ThreadSide.choices)
    body = models.TextField()
    posted_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["posted_at", "id"]
        indexes = [models.Index(fields=["referral", "posted_at"], name="referral_message_when")]

    def __str__(self) -> str:
        return f"Message at {self.posted_at:%Y-%m-%d %H:%M}"

    # The field `clean` checks itself: `full_clean` leaves it out of its own checks.
    CLEANED_FIELDS = ("body",)

    def clean(self) -> None:
        """A message says something, within the length of every referral text."""
        errors: dict[str, list[str]] = {}
        self.body = written_text(self.body, "body", missing="Write your message.", errors=errors)
        raise_if(errors)
