"""Celery tasks of the shared building blocks: thin and idempotent."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from common.models import Notification
from common.notifications import kind_label

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


@shared_task(name="common.tasks.notification_email_send")
def notification_email_send(notification_id: str) -> bool:
    """Email one notification to its person, once. Returns whether it sent.

    Safe to run twice, or twice at once: the row is locked while it is sent, and a
    notification already emailed is skipped. Nobody is emailed who can no longer
    sign in, or has no address."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .select_related("user")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        user = notification.user
        if not user.is_active or not user.email:
            return False
        site_url = getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/")
        send_mail(
            subject=f"Tideline: {kind_label(notification.kind)}",
            message=(
                f"{notification.message}\n\n{site_url}{notification.link}\n\n"
                "Sign in to Tideline to see the details. This email holds none."
            ),
            from_email=None,
            recipient_list=[user.email],
        )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
