from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from agencies.services.sign_in import SIGNED_OUT_REASON, session_end

# The idle clock moves in steps of a minute: a page view writes the session row only
# when the last recorded activity is this old, not on every request (issue 15, 5a).
# Against a 30-minute idle limit, a session may end up to 59 s early, never late.
IDLE_CLOCK_STEP = timedelta(seconds=60)


class SessionLimitsMiddleware:
    """Ends a browser session after 30 minutes without a request, or 12 hours after
    sign-in, whichever comes first. The session is flushed on the server, not just
    forgotten by the browser.

    Activity is recorded at most once a minute (IDLE_CLOCK_STEP): a request that
    changes nothing in the session leaves its row and its cookie alone, so reads do
    not write. Each write renews the row's and the cookie's expiry (SESSION_COOKIE_AGE,
    12 hours), which always outlasts both limits checked here.

    The reason is left in the new, anonymous session for the sign-in page to show:
    this middleware runs before the messages middleware, so it cannot add a
    message itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            session = request.session
            signed_in_at = self._moment(session.get("signed_in_at"), now)
            last_seen_at = self._moment(session.get("last_seen_at"), now)
            if now - signed_in_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
                session_end(request=request, reason="session reached 12 hours")
                session[SIGNED_OUT_REASON] = (
                    "You were signed out because you signed in 12 hours ago."
                )
            elif now - last_seen_at >= settings.SESSION_IDLE_TIMEOUT:
                session_end(request=request, reason="session idle for 30 minutes")
                session[SIGNED_OUT_REASON] = (
                    "You were signed out after 30 minutes without activity."
                )
            else:
                # Assigning marks the session modified, and a modified session is
                # saved: assign only what changed.
                if "signed_in_at" not in session:
                    session["signed_in_at"] = signed_in_at.isoformat()
                if "last_seen_at" not in session or now - last_seen_at >= IDLE_CLOCK_STEP:
                    session["last_seen_at"] = now.isoformat()
        return self.get_response(request)

    @staticmethod
    def _moment(value: str | None, default: datetime) -> datetime:
        return datetime.fromisoformat(value) if value else default
