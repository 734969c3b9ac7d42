import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found

logger = logging.getLogger(__name__)


def _broker_answers() -> bool:
    from config.celery import app

    try:
        # The URL the check was asked about, not whatever the Celery app read at start-up.
        with app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception:
        logger.exception("Health check: the Celery broker did not answer")
        return False


@require_GET
def healthz(request):
    """200 when the database (and the broker, when one is configured) answers.
    No authentication, and nothing about the data."""
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:
        logger.exception("Health check: the database did not answer")
        checks["database"] = "unavailable"
    if settings.CELERY_BROKER_URL:
        checks["broker"] = "ok" if _broker_answers() else "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


def not_found(request, exception):
    """The API answers every 404 in its one error shape, even for a URL it has no
    view for; pages get the ordinary not-found page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
