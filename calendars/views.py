"""The calendar page (a week of the reader's own work), the link to their iCalendar
feed (made and reset here, shown once), and the feed itself, which a calendar app
reads by its secret address without signing in."""

import dataclasses
from datetime import date, timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from agencies.access import SIGNED_IN
from agencies.services.tokens import secret_hash
from calendars import selectors, services
from calendars.ics import calendar_ics
from calendars.sources import FETCHED, CalendarEntry, calendar_entries
from calendars.weeks import Span, Week, week_current, week_parse
from common.errors import ValidationError
from common.pages import capability_required
from common.request_context import current_origin, set_origin

# What the feed covers: recent weeks (a missed date stays in sight), and two months ahead.
FEED_DAYS_BACK = 14
FEED_DAYS_AHEAD = 56
# The feed's address as the access log names it: the secret in it is a live credential,
# and auditors read the log.
FEED_ENDPOINT_LOGGED = "/calendar/feed/<secret>.ics"


@dataclasses.dataclass
class Day:
    day: date
    entries: list[CalendarEntry]
    today: bool


def _days(week: Week, entries: list[CalendarEntry]) -> list[Day]:
    today = timezone.localdate()
    by_day: dict[date, list[CalendarEntry]] = {day: [] for day in week.days}
    for entry in entries:
        by_day.setdefault(entry.day, []).append(entry)
    return [Day(day=day, entries=by_day[day], today=day == today) for day in week.days]


@capability_required(SIGNED_IN)
@require_http_methods(["GET"])
def calendar_page(request):
    asked = request.GET.get("week", "")
    try:
        week = week_parse(asked)
    except ValidationError as error:
        context = {"week_error": error.message_dict["week"][0], "asked": asked}
        return render(request, "calendars/calendar.html", context, status=400)
    entries = calendar_entries(actor=request.user, span=week)
    context = {
        "week": week,
        "this_week": week_current(),
        "days": _days(week, entries),
        "asked": asked,
        "feed": selectors.calendar_feed_of(actor=request.user),
    }
    return render(request, "calendars/calendar.html", context)


def _feed_link_page(request, raw: str, *, reset: bool):
    url = request.build_absolute_uri(reverse("calendar-feed", args=[raw]))
    context = {"feed_url": url, "reset": reset}
    return render(request, "calendars/feed_link.html", context)


@capability_required(SIGNED_IN)
@require_http_methods(["POST"])
def calendar_feed_create_page(request):
    # Shown in the answer to the POST, never kept: a reload does not show it again.
    _, raw = services.calendar_feed_create(actor=request.user)
    return _feed_link_page(request, raw, reset=False)


@capability_required(SIGNED_IN)
@require_http_methods(["GET", "POST"])
def calendar_feed_reset_page(request):
    if request.method == "POST":
        _, raw = services.calendar_feed_reset(actor=request.user)
        return _feed_link_page(request, raw, reset=True)
    feed = selectors.calendar_feed_of(actor=request.user)
    return render(request, "calendars/feed_reset.html", {"feed": feed})


@require_http_methods(["GET"])
def calendar_feed(request, secret: str):
    """No session: the secret is the credential. It dies with its owner (an inactive
    account or one with no agency) and with a reset."""
    # The access log names the endpoint of each entry: never the secret in it.
    origin = current_origin()
    set_origin(dataclasses.replace(origin, endpoint=FEED_ENDPOINT_LOGGED))
    owner = selectors.calendar_feed_owner_get(secret_hash=secret_hash(secret))
    if owner is None:
        raise Http404()
    today = timezone.localdate()
    span = Span(
        first_day=today - timedelta(days=FEED_DAYS_BACK),
        last_day=today + timedelta(days=FEED_DAYS_AHEAD),
    )
    entries = calendar_entries(actor=owner, span=span, action=FETCHED)
    body = calendar_ics(entries, absolute=request.build_absolute_uri, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="tideline.ics"'
    response["Cache-Control"] = "no-store"
    return response


urlpatterns = [
    path("calendar/", calendar_page, name="calendar"),
    path("calendar/feed/new/", calendar_feed_create_page, name="calendar-feed-create"),
    path("calendar/feed/reset/", calendar_feed_reset_page, name="calendar-feed-reset"),
    path("calendar/feed/<str:secret>.ics", calendar_feed, name="calendar-feed"),
]
