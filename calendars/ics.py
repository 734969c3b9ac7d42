"""The feed as RFC 5545 text, written by the `icalendar` package (CRLF, escaping and
folding at 75 octets are its work). Each event says what is due and the case's
reference, with a link to the page: nothing else of the record."""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from calendars.sources import CalendarEntry

PRODUCT_ID = "-//Tideline//Calendar feed//EN"


def calendar_ics(
    entries: Iterable[CalendarEntry], *, absolute: Callable[[str], str], now: datetime
) -> bytes:
    """`absolute` makes a page's path a full address (a calendar app has no base)."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Tideline")
    stamp = now.astimezone(UTC)
    for entry in entries:
        link = absolute(entry.link)
        event = Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        if entry.at is None:
            event.add("dtstart", entry.day)
            event.add("dtend", entry.day + timedelta(days=1))
        else:
            # A moment something is due: no length of its own, and in UTC, so that no
            # time zone definition is needed.
            event.add("dtstart", entry.at.astimezone(UTC))
        event.add("summary", f"{entry.what}: {entry.case_reference}")
        event.add("description", f"Case {entry.case_reference}. Open it in Tideline: {link}")
        event.add("url", link)
        event.add("class", "CONFIDENTIAL")
        # Reminders of work, not appointments: they do not make anyone look busy.
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
