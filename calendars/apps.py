from django.apps import AppConfig


class CalendarsConfig(AppConfig):
    """The calendar page and the iCalendar feed: a week of what a person owes, read
    from cases, safeguarding and welfare. It sits above them all and nothing imports it."""

    name = "calendars"
    verbose_name = "Calendars"
