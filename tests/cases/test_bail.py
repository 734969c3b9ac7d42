"""Where a suspect's pre-charge bail stands, read from their events in order."""

from datetime import date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from cases.bail import bail_state
from cases.models import EventKind

LONDON = ZoneInfo("Europe/London")


def _event(kind, day, bail_end_on=None):
    return SimpleNamespace(
        kind=kind, occurred_at=datetime(*day, 10, 0, tzinfo=LONDON), bail_end_on=bail_end_on
    )


def test_not_on_bail_without_a_bail():
    assert bail_state([_event(EventKind.ARRESTED, (2026, 3, 2))]) == (None, None)


def test_an_extension_moves_the_end_but_not_the_first_day():
    events = [
        _event(EventKind.BAILED, (2026, 3, 2), date(2026, 6, 1)),
        _event(EventKind.BAIL_EXTENDED, (2026, 5, 28), date(2026, 9, 1)),
    ]
    assert bail_state(events) == (date(2026, 3, 2), date(2026, 9, 1))


def test_a_charge_ends_the_bail_and_a_new_bail_starts_a_new_count():
    events = [
        _event(EventKind.BAILED, (2026, 3, 2), date(2026, 6, 1)),
        _event(EventKind.CHARGED, (2026, 4, 1)),
    ]
    assert bail_state(events) == (None, None)
    events.append(_event(EventKind.BAILED, (2026, 4, 20), date(2026, 7, 1)))
    assert bail_state(events) == (date(2026, 4, 20), date(2026, 7, 1))


def test_an_extension_without_a_bail_is_no_bail():
    events = [_event(EventKind.BAIL_EXTENDED, (2026, 5, 28), date(2026, 9, 1))]
    assert bail_state(events) == (None, None)
