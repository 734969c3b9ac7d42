"""/healthz: whether this deployment can do its work (the database, the Celery
broker, the email outbox). It lives in config, beside the Celery app and the
settings it reads, and above every app."""

import logging
import socket
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from common.outbox import outbox_summary

logger = logging.getLogger(__name__)

# The health check must never be what holds the site up: a broker that does not
# answer costs at most this long, and each answer is reused for a few seconds, so
# a flood of health checks costs one broker connection per process per period.
BROKER_CHECK_TIMEOUT = 0.15
HEALTH_CACHE_SECONDS = 5.0
_DEFAULT_PORTS = {"redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671, "pyamqp": 5672}

_cache: dict[str, tuple[float, object]] = {}
_cache_lock = threading.Lock()


def _cached(key: str, compute: Callable[[], object]) -> object:
    """`compute()`, reused for HEALTH_CACHE_SECONDS in this process. Callers that
    arrive while it runs wait for its answer rather than asking again."""
    with _cache_lock:
        hit = _cache.get(key)
        if hit is not None and time.monotonic() - hit[0] < HEALTH_CACHE_SECONDS:
            return hit[1]
        value = compute()
        _cache[key] = (time.monotonic(), value)
        return value


def health_cache_clear() -> None:
    with _cache_lock:
        _cache.clear()


def broker_answers(url: str, *, timeout: float = BROKER_CHECK_TIMEOUT) -> bool:
    """Whether the broker at `url` answers within `timeout` seconds: Redis must
    reply to a PING (a refusal for want of a password is a reply); another broker
    must accept the connection. A plain socket with a deadline, not the Celery
    client, whose connection retries took seconds."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme not in _DEFAULT_PORTS:
        return True  # an in-process broker (memory://): nothing to reach
    deadline = time.monotonic() + timeout
    try:
        with socket.create_connection(
            (parts.hostname or "localhost", parts.port or _DEFAULT_PORTS[scheme]), timeout=timeout
        ) as sock:
            if scheme != "redis":
                return True
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            sock.sendall(b"PING\r\n")
            return sock.recv(64)[:1] in (b"+", b"-")
    except OSError as exc:
        logger.warning("Health check: the Celery broker did not answer: %s", exc)
        return False


def _outbox() -> dict[str, object]:
    summary = outbox_summary()
    return {
        "status": "delayed" if summary.alarm else "ok",
        "waiting": summary.waiting,
        "oldest_waiting_seconds": summary.oldest_waiting_seconds,
        "failed": summary.failed,
    }


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, the broker (when one is configured) answers,
    and no notification email has waited longer than five minutes; 503 otherwise.
    Reports the outbox: how many emails wait, the oldest one's age in seconds, and
    how many the mail server refused for good. No authentication, and nothing about
    the data."""
    checks: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("Health check: the database did not answer")
        checks["database"] = "unavailable"
    broker_url = settings.CELERY_BROKER_URL
    if broker_url:
        answers = _cached(f"broker:{broker_url}", lambda: broker_answers(broker_url))
        checks["broker"] = "ok" if answers else "unavailable"
    if checks["database"] == "ok":
        try:
            checks["outbox"] = _cached("outbox", _outbox)
        except Exception:
            logger.exception("Health check: the outbox could not be read")
            checks["outbox"] = {"status": "unavailable"}
    healthy = all(
        (value["status"] if isinstance(value, dict) else value) == "ok" for value in checks.values()
    )
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
