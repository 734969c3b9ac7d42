import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models.case import Case
from cases.models.party import CaseParty
from cases.models.rules import Errors, RulesFirst, not_in_future, one_of


class ContactChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    VISIT = "visit", "Visit"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    TEXT = "text", "Text message"
    VIDEO = "video", "Video call"


class ContactDirection(models.TextChoices):
    OUTBOUND = "outbound", "We contacted them"
    INBOUND = "inbound", "They contacted us"


class ContactLog(RulesFirst, models.Model):
    """One contact with a party. Never edited: a correction is a new entry."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="contacts")
    party = models.ForeignKey(CaseParty, on_delete=models.PROTECT, related_name="contacts")
    contacted_at = models.DateTimeField()
    channel = models.CharField(max_length=16, choices=ContactChannel.choices)
    direction = models.CharField(
        max_length=16, choices=ContactDirection.choices, default=ContactDirection.OUTBOUND
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    summary = models.TextField()
    next_contact_on = models.DateField(null=True, blank=True)
    next_contact_note = models.CharField(max_length=200, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_at"]
        indexes = [
            models.Index(fields=["case", "-contacted_at"], name="contact_case_when"),
            models.Index(fields=["party", "-contacted_at"], name="contact_party_when"),
            # The reminders sweep reads a week of follow-up dates every 15 minutes: of
            # millions of contacts, only those that planned one.
            models.Index(
                fields=["next_contact_on"],
                condition=models.Q(next_contact_on__isnull=False),
                name="contact_next_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} contact at {self.contacted_at:%Y-%m-%d %H:%M}"

    def rules(self) -> Errors:
        errors: Errors = {}
        one_of(self.channel, ContactChannel.values, "channel", errors)
        one_of(self.direction, ContactDirection.values, "direction", errors)
        if not self.summary.strip():
            errors["summary"] = ["Enter a summary of the contact."]
        not_in_future(self.contacted_at, "contacted_at", errors)
        if (
            self.next_contact_on is not None
            and self.next_contact_on < timezone.localtime(self.contacted_at).date()
        ):
            errors["next_contact_on"] = ["Must not be before the contact."]
        return errors
