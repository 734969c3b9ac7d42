"""What the apps above cases (safeguarding, referrals, welfare) want done when
something happens in a case. Each registers its handlers in its AppConfig.ready();
cases calls them inside the same transaction as the change, so that no duty is
lost. An explicit registry, not Django signals: the registrations can be listed
and tested, and a failing handler rolls the whole change back."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

CASE_OPENED = "case_opened"
# A person took a part in a case: payload `party`, `actor`.
PARTY_ADDED = "party_added"
# Something happened to a suspect (cases.models.InvestigationEvent): payload
# `event`, `actor`. The single source of the duties that follow from it.
INVESTIGATION_EVENT_RECORDED = "investigation_event_recorded"
# Closing and transfer need the duties of care that welfare keeps (ADR 0005).
# Asked: which duties are still open on this case? Payload `case`; each handler
# answers a list of `OpenDuty` (`event_collect`).
CASE_OPEN_DUTIES = "case_open_duties"
# The case is closing: end each open duty with its reason. Payload `case`, `actor`,
# `reasons` ({duty id as text: reason}); the close has already checked that every
# open duty has one.
CASE_CLOSING = "case_closing"
# The case was closed (its status, reason and date saved): payload `case`, `actor`.
# Records (issue 19) gives it its retention group and next review date.
CASE_CLOSED = "case_closed"
# A closed case was reopened: payload `case`, `actor`, `reason`. Its retention
# schedule is lifted until it is closed again.
CASE_REOPENED = "case_reopened"
# A transfer was accepted and the case now belongs to the receiving force: payload
# `case` (already moved), `transfer`, `actor`. Records that carry their own agency,
# team or person responsible follow it; open duties pass to the new lead officer
# with their due moments unchanged.
CASE_TRANSFERRED = "case_transferred"
# A conditional caution's terms were set (the outcome recorded) or changed, or the
# outcome stopped being one: payload `outcome` (saved), `actor`. Its compliance duty
# opens, moves to the new due date, or closes as no longer applying.
OUTCOME_CAUTION_CHANGED = "outcome_caution_changed"
# Whether a conditional caution was complied with was recorded (once): payload
# `outcome` (conditions_met set), `actor`, `note`. Its compliance duty is met.
CAUTION_COMPLIANCE_RECORDED = "caution_compliance_recorded"


@dataclass(frozen=True)
class OpenDuty:
    """A duty of care still owed on a case, as closing shows it."""

    id: str
    label: str  # what is owed, and to whom: "Update the victim (Robin Fictional)"
    due_at: datetime
    responsible: str  # the username, or "" when nobody is named


# One contact can meet several updates owed to its person (one call tells a victim of
# the arrest and the release). Asked: which updates are owed to this party now that
# this actor may meet? Payload `actor`, `party`; each handler answers a list of
# `OwedUpdate` (`event_collect`). The contact form offers them, all ticked;
# `contact_log(duties=...)` meets the chosen ones by calling each one's
# `meet(contact=...)` in the contact's own transaction, so a refusal stores neither.
PARTY_UPDATES_OWED = "party_updates_owed"


@dataclass(frozen=True)
class OwedUpdate:
    id: str
    label: str  # what is owed, as the form offers it: "Arrested, 3 November 2026 at 10:00"
    told_about: str  # the event a contact tells them of: "arrested on 3 Nov 2026"
    due_at: datetime
    meet: Callable[..., object]  # meet(contact=ContactLog): raises ValidationError on `duties`


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


def event_collect(event: str, /, **payload) -> list:
    """Ask every handler of a question-event and gather their answers (lists)."""
    answers: list = []
    for _, handler in _handlers[event]:
        answers.extend(handler(**payload))
    return answers
