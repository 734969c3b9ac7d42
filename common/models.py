import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class IdempotencyRecord(models.Model):
    """The first response to a create sent with an Idempotency-Key, kept so that a
    retry with the same key replays it instead of creating a second record."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    response_headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_unique_key_per_user")
        ]

    def __str__(self) -> str:
        return f"Idempotency-Key {self.key}"


class EmailState(models.TextChoices):
    PENDING = "pending", "Waiting to be emailed"
    SENT = "sent", "Emailed"
    FAILED = "failed", "Refused by the mail server"
    SKIPPED = "skipped", "Not emailed: the person cannot receive it"


class Notification(models.Model):
    """One message to one person: stored for the in-app list, and emailed once.

    It carries no personal details, only what kind of thing needs attention and a
    link to where it is: whoever follows the link passes the access policy there.
    `dedupe_key` names the event (for example `strategy:<id>:conference:overdue`),
    so that telling the same person about the same event twice stores and sends
    nothing the second time.

    The row is also the email's outbox entry (ADR 0006): it is written in the same
    transaction as the change that caused it, born `pending`, and `common.outbox`
    moves it to `sent`, `failed` or `skipped`. `email_next_attempt_at` is when it is
    next due: a retry's backoff, or the end of a sender's lease while one holds it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=64)
    message = models.CharField(max_length=300)
    link = models.CharField(max_length=300)
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState.choices, default=EmailState.PENDING
    )
    email_attempts = models.PositiveIntegerField(default=0)
    email_next_attempt_at = models.DateTimeField(default=timezone.now)
    email_last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"], name="notification_once_per_user_and_event"
            )
        ]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"], name="notification_inbox"),
            # The outbox's question, "what is due and unsent?", and the health
            # check's, "how old is the oldest waiting, how many were refused?": only
            # rows still waiting or refused are indexed, so the index stays as small
            # as the backlog however many notifications were sent.
            models.Index(
                fields=["email_state", "email_next_attempt_at"],
                condition=models.Q(email_state__in=["pending", "failed"]),
                name="notification_email_outbox",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
