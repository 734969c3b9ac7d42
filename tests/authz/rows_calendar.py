"""The calendar (issue 16): everyone signed in has one, of their own work only, so
every column reads its own page and API week, and makes and resets its own feed
link. What a calendar holds, and that nothing of another agency's is in it, is
tested in tests/calendars. The feed itself is read by its secret address, with no
session, and is tested there too."""

from agencies.models import Role
from tests.authz import Endpoint

# Written out, never imported from the policy: the matrix must fail when it changes.
EVERYONE = frozenset(Role)

WEEK_FIELDS = frozenset({"week", "starts_on", "ends_on", "previous_week", "next_week", "entries"})

ROWS = [
    Endpoint("calendar", "GET", "/calendar/", EVERYONE, page=True),
    Endpoint("calendar", "GET", "/calendar/?week=2026-W50", EVERYONE, page=True),
    Endpoint("calendar-feed-create", "POST", "/calendar/feed/new/", EVERYONE, page=True),
    Endpoint("calendar-feed-reset", "GET", "/calendar/feed/reset/", EVERYONE, page=True),
    Endpoint("calendar-feed-reset", "POST", "/calendar/feed/reset/", EVERYONE, page=True),
    Endpoint("calendar", "GET", "/api/v1/calendar/", EVERYONE, fields=WEEK_FIELDS),
    Endpoint("calendar-feed-reset", "POST", "/api/v1/calendar/feed/reset/", EVERYONE),
]

COVERED_ELSEWHERE = {
    ("page", "calendar-feed", "GET"): (
        "a calendar app reads it by its secret address, with no session: "
        "tests/calendars/test_feed.py (reset, owner deactivated, no membership)"
    ),
}
