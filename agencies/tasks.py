from celery import shared_task

from agencies.audit_chain import access_log_seal
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


@shared_task(name="agencies.tasks.access_log_seal")
def access_log_seal_task() -> int:
    """Every few seconds: chain the access-log entries written since (ADR 0012).
    Idempotent, and one sealer at a time (the chain's advisory lock)."""
    return access_log_seal()
