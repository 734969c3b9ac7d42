from datetime import timedelta

from django.utils import timezone

from common.models import IdempotencyRecord

# A client retries within minutes; a day is generous and keeps the table small.
IDEMPOTENCY_KEY_LIFETIME = timedelta(hours=24)


def idempotency_records_purge() -> int:
    cutoff = timezone.now() - IDEMPOTENCY_KEY_LIFETIME
    count, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return count
