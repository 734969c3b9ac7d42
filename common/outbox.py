"""The outbox: every notification's email is delivered from the database.

`notify()` stores the notification `pending` in the same transaction as the change
that caused it, so the database alone says what is owed (ADR 0006). Two callers
deliver, through the one function `notification_email_deliver`:

- the fast path, a Celery task queued when that transaction commits;
- the sweep, every minute from Celery beat, which sends whatever is due and was
  not sent: lost by a broker that was down, a worker that was killed, or a mail
  server that refused it for a while.

Delivery is at least once. A sender first claims the row: one conditional UPDATE
that counts the attempt and pushes `email_next_attempt_at` past a lease, and
commits. It then sends, outside any transaction, and marks the row sent. A second
sender cannot claim a row while its lease runs; when a sender dies, its lease ends
and the sweep claims the row again. So a duplicate is possible only if a worker
dies after the mail server accepted the message and before the row was marked
sent (or a send outlasts its lease, which `EMAIL_TIMEOUT` and the lease's length
rule out). Every email carries the notification's id in its `Message-ID` (and in
`X-Tideline-Notification`), so such a duplicate is detectable, and mail clients
that deduplicate by Message-ID show it once.

A failure is recorded on the row (attempts, last error, next attempt) and retried
with exponential backoff, for as long as it takes: a safeguarding message is never
given up on while it might still be delivered. Only a mail server's permanent
refusal of the recipient (a 5xx reply) ends it, as `failed`. The health check
raises an alarm when the oldest waiting message is older than
`NOTIFICATION_EMAIL_ALARM_AFTER`.
"""

import logging
import os
import smtplib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from uuid import UUID

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone

from common.models import EmailState, Notification
from common.notifications import kind_label

logger = logging.getLogger(__name__)

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


# --- The fast path

# After a publish fails, the fast path stands aside this long: during a broker
# outage each process pays for one refused connection per period, not one per email.
FAST_PATH_STAND_ASIDE_SECONDS = 10.0
_stand_aside_until = 0.0
_pool_lock = threading.Lock()
_pool: tuple[tuple, object] | None = None


def _fast_path_connections():
    """A connection pool of this process that tries the broker once and never
    retries (the default publish retries for seconds): nothing waits on a broker
    that is down, since the sweep sends whatever the fast path could not."""
    global _pool
    app = current_app  # the project's Celery app (config/celery.py, above common)

    key = (os.getpid(), app.conf.broker_url)  # a forked process makes its own
    with _pool_lock:
        if _pool is None or _pool[0] != key:
            options = {**(app.conf.broker_transport_options or {}), "max_retries": 0}
            connection = app.connection_for_write(transport_options=options)
            _pool = (key, connection.Pool(limit=app.conf.broker_pool_limit or 10))
        return _pool[1]


def notification_email_queue(notification_id: UUID | str) -> bool:
    """Queue the fast path's task for one notification, once its transaction has
    committed. Returns whether it was queued; when it was not, the outbox sweep
    sends the email within a minute or two."""
    global _stand_aside_until
    from common.tasks import notification_email_send

    app = current_app

    if app.conf.task_always_eager:
        notification_email_send.apply_async(args=[str(notification_id)])
        return True
    if time.monotonic() < _stand_aside_until:
        return False
    try:
        with _fast_path_connections().acquire(block=True, timeout=1) as connection:
            notification_email_send.apply_async(
                args=[str(notification_id)], retry=False, connection=connection
            )
    except Exception:
        _stand_aside_until = time.monotonic() + FAST_PATH_STAND_ASIDE_SECONDS
        logger.warning(
            "Notification %s: could not queue its email (the outbox sweep will send it); "
            "not trying again for %d s.",
            notification_id,
            FAST_PATH_STAND_ASIDE_SECONDS,
            exc_info=True,
        )
        return False
    return True


# --- Delivery


def _lease() -> timedelta:
    return settings.NOTIFICATION_EMAIL_LEASE


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 ... minutes, at
    most an hour."""
    base = settings.NOTIFICATION_EMAIL_RETRY_BASE
    ceiling = settings.NOTIFICATION_EMAIL_RETRY_MAX
    return min(base * 2 ** max(attempts - 1, 0), ceiling)


def message_id(notification: Notification) -> str:
    """The notification's id as the email's Message-ID: the same for every copy, so
    that a duplicate is detectable."""
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "tideline.invalid"
    return f"<notification-{notification.pk}@{domain}>"


def notification_email(notification: Notification, *, connection=None) -> EmailMessage:
    site_url = getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/")
    return EmailMessage(
        subject=f"Tideline: {kind_label(notification.kind)}",
        body=(
            f"{notification.message}\n\n{site_url}{notification.link}\n\n"
            "Sign in to Tideline to see the details. This email holds none."
        ),
        to=[notification.user.email],
        headers={
            "Message-ID": message_id(notification),
            "X-Tideline-Notification": str(notification.pk),
        },
        connection=connection,
    )


def _due(now: datetime):
    return Notification.objects.filter(
        email_state=EmailState.PENDING, email_next_attempt_at__lte=now
    )


def _claim(notification_id: UUID | str, now: datetime) -> bool:
    """Take the row for one attempt, if it is due: a conditional UPDATE, so that of
    two senders at once exactly one wins (the other finds the lease in the future)."""
    return bool(
        _due(now)
        .filter(pk=notification_id)
        .update(email_attempts=F("email_attempts") + 1, email_next_attempt_at=now + _lease())
    )


def _claim_next(now: datetime) -> UUID | None:
    """Claim the row that has been due longest. SKIP LOCKED (PostgreSQL) lets
    sweeps running at once, and the fast path, each take a different row instead of
    queueing behind one another."""
    with transaction.atomic():
        candidate = (
            _due(now)
            .select_for_update(skip_locked=True)
            .order_by("email_next_attempt_at")
            .values_list("pk", flat=True)
            .first()
        )
        if candidate is None or not _claim(candidate, now):
            return None
    return candidate


def _is_permanent(exc: Exception) -> bool:
    """Only a mail server's permanent refusal of the recipient ends the retries: a
    wrong password, a full queue or a dropped connection is the sender's problem and
    is retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    return False


def _finish(notification_id, **fields) -> None:
    Notification.objects.filter(pk=notification_id, email_state=EmailState.PENDING).update(**fields)


def notification_email_deliver(*, notification_id: UUID | str, connection=None) -> str:
    """Send one notification's email if it is due, and record the outcome: the
    fast path's one call. Returns `sent`, `skipped`, `failed`, `retry` (the attempt
    failed and is scheduled again) or `not_due` (already sent, gone, waiting for its
    retry, or held by another sender). Safe to call any number of times, from any
    number of workers."""
    if not _claim(notification_id, timezone.now()):
        return "not_due"
    return _deliver_claimed(notification_id, connection=connection)


def _deliver_claimed(notification_id: UUID | str, *, connection=None) -> str:
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return "not_due"  # its person was deleted since the claim
    user = notification.user
    if not user.is_active or not user.email:
        # Nobody is emailed who can no longer sign in, or has no address.
        _finish(notification_id, email_state=EmailState.SKIPPED)
        return "skipped"
    try:
        notification_email(notification, connection=connection).send()
    except Exception as exc:
        return _record_failure(notification, exc, connection=connection)
    # If the worker dies here, the row stays pending; its lease ends and the sweep
    # sends it again: the one duplicate the delivery rule allows.
    _finish(notification_id, email_state=EmailState.SENT, emailed_at=timezone.now())
    return "sent"


def _record_failure(notification: Notification, exc: Exception, *, connection) -> str:
    error = f"{type(exc).__name__}: {exc}"[:500]
    if connection is not None:
        # The connection may be half-open: the next send opens a new one.
        connection.close()
    if _is_permanent(exc):
        logger.error("Notification %s: the mail server refused it: %s", notification.pk, error)
        _finish(notification.pk, email_state=EmailState.FAILED, email_last_error=error)
        return "failed"
    delay = retry_delay(notification.email_attempts)
    logger.warning(
        "Notification %s: attempt %d failed (%s); retrying in %s",
        notification.pk,
        notification.email_attempts,
        error,
        delay,
    )
    _finish(notification.pk, email_last_error=error, email_next_attempt_at=timezone.now() + delay)
    return "retry"


def notification_emails_sweep(*, budget_seconds: float | None = None) -> Counter:
    """Send every email that is due and unsent, oldest first, over one mail server
    connection; stop claiming after `budget_seconds` (the next sweep carries on), so
    that a long backlog never runs into the task's time limit. Returns how many
    ended each way."""
    budget = settings.NOTIFICATION_EMAIL_SWEEP_BUDGET if budget_seconds is None else budget_seconds
    deadline = time.monotonic() + budget
    outcomes: Counter = Counter()
    connection = get_connection()
    try:
        while time.monotonic() < deadline:
            notification_id = _claim_next(timezone.now())
            if notification_id is None:
                break
            outcomes[_deliver_claimed(notification_id, connection=connection)] += 1
    finally:
        connection.close()
    if outcomes:
        logger.info("Notification email sweep: %s", dict(outcomes))
    return outcomes


@dataclass(frozen=True)
class OutboxSummary:
    waiting: int
    oldest_waiting_seconds: int | None
    failed: int
    alarm: bool


def outbox_summary(*, now: datetime | None = None) -> OutboxSummary:
    """What the health check reports: how many emails wait, how long the oldest has
    waited, how many were refused for good, and whether someone should look."""
    now = now or timezone.now()
    # The same condition as the partial index, so that only it is read.
    counts = Notification.objects.filter(
        email_state__in=[EmailState.PENDING, EmailState.FAILED]
    ).aggregate(
        waiting=Count("pk", filter=Q(email_state=EmailState.PENDING)),
        oldest=Min("created_at", filter=Q(email_state=EmailState.PENDING)),
        failed=Count("pk", filter=Q(email_state=EmailState.FAILED)),
    )
    oldest = counts["oldest"]
    age = max(int((now - oldest).total_seconds()), 0) if oldest else None
    alarm = age is not None and age > settings.NOTIFICATION_EMAIL_ALARM_AFTER.total_seconds()
    return OutboxSummary(
        waiting=counts["waiting"], oldest_waiting_seconds=age, failed=counts["failed"], alarm=alarm
    )
