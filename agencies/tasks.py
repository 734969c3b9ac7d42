from celery import shared_task

from agencies.services.sessions import session_index_purge
from agencies.services.tokens import expired_credentials_purge as purge_tokens
from common.services import idempotency_records_purge


@shared_task(name="agencies.tasks.expired_credentials_purge")
def expired_credentials_purge() -> dict:
    """Hourly housekeeping. Idempotent: a second run finds nothing left to purge."""
    return {
        "tokens": purge_tokens(),
        "session_index": session_index_purge(),
        "idempotency_records": idempotency_records_purge(),
    }
