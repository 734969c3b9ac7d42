from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from common.models import IdempotencyRecord

# A client retries within minutes; a day is generous and keeps the table small.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


def idempotency_records_purge() -> int:
    cutoff = timezone.now() - IDEMPOTENCY_KEY_LIFETIME
    count, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return count


def idempotency_record_find(*, user: User, key: str) -> IdempotencyRecord | None:
    """The caller's own record of this key: keys are per user."""
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def idempotency_record_begin(*, user: User, key: str, fingerprint: str) -> IdempotencyRecord:
    """Claim the key inside the caller's transaction; a concurrent duplicate waits
    on the unique index and then fails with IntegrityError."""
    return IdempotencyRecord.objects.create(
        user=user, key=key, request_fingerprint=fingerprint, response_status=0, response_body={}
    )
