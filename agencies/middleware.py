from datetime import datetime

from django.conf import settings
from django.utils import timezone

from agencies.services.sign_in import SIGNED_OUT_REASON, session_end


class SessionLimitsMiddleware:
    """Ends a browser session after 30 minutes without a request, or 12 hours after
    sign-in, whichever comes first. The session is flushed on the server, not just
    forgotten by the browser.

    The reason is left in the new, anonymous session for the sign-in page to show:
    this middleware runs before the messages middleware, so it cannot add a
    message itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            signed_in_at = self._moment(request.session.get("signed_in_at"), now)
            last_seen_at = self._moment(request.session.get("last_seen_at"), now)
            if now - signed_in_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
                session_end(request=request, reason="session reached 12 hours")
                request.session[SIGNED_OUT_REASON] = (
                    "You were signed out because you signed in 12 hours ago."
                )
            elif now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
                session_end(request=request, reason="session idle for 30 minutes")
                request.session[SIGNED_OUT_REASON] = (
                    "You were signed out after 30 minutes without activity."
                )
            else:
                request.session["signed_in_at"] = signed_in_at.isoformat()
                request.session["last_seen_at"] = now.isoformat()
        return self.get_response(request)

    @staticmethod
    def _moment(value: str | None, default: datetime) -> datetime:
        return datetime.fromisoformat(value) if value else default
