"""Sign-in lockout, through django-axes: 5 failed attempts for one username within
15 minutes lock that username for 30 minutes, or until an agency admin unlocks it.

Axes' stock handler counts failures as long as each follows the last within the
cool-off; the rule here has a window and a lock of different lengths, so this
handler keeps its own count over axes' failure log. It locks by username only,
whether or not the username exists, so a lockout reveals nothing.
"""

from datetime import datetime, timedelta

from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.helpers import get_client_username
from axes.models import AccessFailureLog
from axes.signals import user_locked_out
from django.conf import settings
from django.utils import timezone

LOCKED_MESSAGE = (
    "Too many failed sign-in attempts. Try again in 30 minutes, or ask your agency admin "
    "to unlock your account."
)


def _locked_since(username: str, moment: datetime) -> bool:
    return AccessFailureLog.objects.filter(
        username=username,
        locked_out=True,
        attempt_time__gt=moment - settings.AXES_COOLOFF_TIME,
    ).exists()


def _failures_in_window(username: str, moment: datetime) -> int:
    return AccessFailureLog.objects.filter(
        username=username, attempt_time__gt=moment - settings.AXES_FAILURE_WINDOW
    ).count()


def username_is_locked(username: str, moment: datetime | None = None) -> bool:
    return _locked_since(username, moment or timezone.now())


class WindowedLockoutHandler(AbstractAxesHandler, AxesBaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        moment = getattr(request, "axes_attempt_time", None) or timezone.now()
        if _locked_since(username, moment):
            return settings.AXES_FAILURE_LIMIT
        return _failures_in_window(username, moment)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        if request is None:
            return
        username = get_client_username(request, credentials)
        # A refused attempt while locked does not extend the lock.
        if not username or getattr(request, "axes_locked_out", False):
            return
        moment = request.axes_attempt_time
        # Axes' backend leaves axes_locked_out unset when it refuses a locked username
        # (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT defaults to True), so the lock
        # is checked here: otherwise, once the failures that caused it are more than
        # 15 minutes old, the refusal would read as a plain failure and count as one.
        if _locked_since(username, moment):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            return
        failure = AccessFailureLog.objects.create(
            username=username[:255],
            ip_address=request.axes_ip_address,
            user_agent=request.axes_user_agent[:255],
            http_accept=request.axes_http_accept[:1025],
            path_info=request.axes_path_info[:255],
            attempt_time=moment,
            locked_out=False,
        )
        if _failures_in_window(username, moment) >= settings.AXES_FAILURE_LIMIT:
            AccessFailureLog.objects.filter(pk=failure.pk).update(locked_out=True)
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        """Nothing to record: the access log records sign-ins."""

    def user_logged_out(self, sender, request, user, **kwargs) -> None:
        """Nothing to record: the access log records sign-outs."""

    def reset_attempts(
        self, *, ip_address: str | None = None, username: str | None = None, ip_or_username=False
    ) -> int:
        if not username:
            return 0
        count, _ = AccessFailureLog.objects.filter(username=username).delete()
        return count

    def reset_failure_logs(self, *, age_days: int | None = None) -> int:
        failures = AccessFailureLog.objects.all()
        if age_days is not None:
            failures = failures.filter(attempt_time__lte=timezone.now() - timedelta(days=age_days))
        count, _ = failures.delete()
        return count


def locked_out_response(request, original_response, credentials=None):
    """The sign-in page and the token endpoint answer a lockout themselves (with
    the same words), so axes' middleware keeps their response."""
    return original_response
