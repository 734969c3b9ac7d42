"""A person's iCalendar feed: a secret address that a calendar app reads without
signing in. Only the SHA-256 of the secret is kept, as for API tokens; resetting it
replaces the hash, so the old address answers 404 at once."""

import uuid

from django.conf import settings
from django.db import models


class CalendarFeed(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # One feed per person; it goes with their account.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    # When the address last changed (made or reset): shown on the calendar page.
    issued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Calendar feed of {self.user_id}"
