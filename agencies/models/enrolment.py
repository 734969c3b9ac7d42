import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class EnrolmentLink(models.Model):
    """A one-time link through which a new person (or one whose authenticator was
    reset) sets their own password and enrols their authenticator. Only the SHA-256
    of the token is stored: the link itself is shown to the admin once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolment_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # Set when a newer link replaces this one, so that only the latest ever works.
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "used_at"], name="enrolmentlink_user_open")]

    def __str__(self) -> str:
        return f"Enrolment link {self.id} for {self.user_id}"


class UserSession(models.Model):
    """Which server-side sessions belong to whom, written at sign-in, so that
    deactivating a person or resetting their authenticator can delete them all:
    Django's database sessions are not indexed by user."""

    session_key = models.CharField(max_length=40, primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user"], name="usersession_user")]

    def __str__(self) -> str:
        return f"Session of {self.user_id}"
