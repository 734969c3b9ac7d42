"""Celery tasks of the shared building blocks: thin and idempotent."""

from celery import shared_task

from common.outbox import notification_email_deliver, notification_emails_sweep


@shared_task(name="common.tasks.notification_email_send")
def notification_email_send(notification_id: str) -> bool:
    """The fast path: email one notification as soon as the change that caused it
    has committed. Returns whether it sent. Safe to run twice, or twice at once
    (the row is claimed before it is sent). Never retried here: whatever it could
    not send, the sweep sends."""
    return notification_email_deliver(notification_id=notification_id) == "sent"


@shared_task(name="common.tasks.notification_emails_sweep")
def notification_emails_sweep_task() -> dict:
    """Every minute: send every notification email that is due and unsent."""
    return dict(notification_emails_sweep())
