"""What the apps above cases (safeguarding, referrals, welfare) want done when
something happens in a case. Each registers its handlers in its AppConfig.ready();
cases calls them inside the same transaction as the change, so that no duty is
lost. An explicit registry, not Django signals: the registrations can be listed
and tested, and a failing handler rolls the whole change back."""

from collections import defaultdict
from collections.abc import Callable

CASE_OPENED = "case_opened"
# A person took a part in a case: payload `party`, `actor`.
PARTY_ADDED = "party_added"
# Something happened to a suspect (cases.models.InvestigationEvent): payload
# `event`, `actor`. The single source of the duties that follow from it.
INVESTIGATION_EVENT_RECORDED = "investigation_event_recorded"

_handlers: dict[str, list[tuple[str, Callable]]] = defaultdict(list)


def handler_register(event: str, name: str, handler: Callable) -> None:
    """Register once per name (ready() can run more than once in tests)."""
    if all(existing != name for existing, _ in _handlers[event]):
        _handlers[event].append((name, handler))


def handlers_for(event: str) -> list[str]:
    return [name for name, _ in _handlers[event]]


def event_dispatch(event: str, /, **payload) -> None:
    for _, handler in _handlers[event]:
        handler(**payload)
