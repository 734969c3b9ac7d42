"""What a calendar is made of: one small function per kind of thing, each turning
the reader's records in a span of days into entries. A new kind is one more function
in SOURCES.

An entry says what is due (its kind, never a title, note or summary, which may name
someone), the case's reference and a link: never a person's name. The calendar page,
the API and the iCalendar feed all show these entries and nothing else."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Model
from django.utils import timezone

from agencies.audit import access_read_record, record_type
from calendars import selectors
from calendars.weeks import Span
from cases.case_tabs import case_section_url
from safeguarding.models import StrategyStatus
from welfare.duty_pages import duty_meet_page


@dataclass(frozen=True)
class CalendarEntry:
    # Stable for the same thing on the same record: the feed's UID.
    uid: str
    kind: str
    what: str
    case_id: UUID
    case_reference: str
    day: date
    # None for a whole day (a date with no time: a task, the end of bail).
    at: datetime | None
    link: str
    record: Model = field(compare=False, repr=False)

    @property
    def all_day(self) -> bool:
        return self.at is None

    def sort_key(self) -> tuple[Any, ...]:
        # A whole day's entries first, then by time; the rest only to be stable.
        return (self.day, self.at is not None, self.at or self.day, self.what, self.uid)


def _timed(moment: datetime) -> tuple[date, datetime]:
    return timezone.localtime(moment).date(), moment


def _duty_link(duty: Any) -> str:
    # The page that meets the duty, whatever its kind (a welfare check its own form).
    return duty_meet_page(duty)


def duty_entry(duty: Any) -> CalendarEntry:
    day, at = _timed(duty.due_at)
    return CalendarEntry(
        uid=f"duty-{duty.pk}@tideline",
        kind=f"duty.{duty.kind}",
        what=duty.get_kind_display(),
        case_id=duty.case_id,
        case_reference=duty.case.reference,
        day=day,
        at=at,
        link=_duty_link(duty),
        record=duty,
    )


def duties_due(actor: User, span: Span) -> list[CalendarEntry]:
    """Duties of care the reader is responsible for, welfare contacts included."""
    return [duty_entry(duty) for duty in selectors.duty_due_list(actor=actor, span=span)]


def task_entry(task: Any) -> CalendarEntry:
    return CalendarEntry(
        uid=f"task-{task.pk}@tideline",
        kind="task",
        what="Task due",
        case_id=task.case_id,
        case_reference=task.case.reference,
        day=task.due_on,
        at=None,
        link=case_section_url(task.case_id, "tasks"),
        record=task,
    )


def tasks_due(actor: User, span: Span) -> list[CalendarEntry]:
    """The reader's own open tasks, on the day each is due. The task's title is not
    shown: it is free text."""
    return [task_entry(task) for task in selectors.task_due_list(actor=actor, span=span)]


def strategy_discussion_entry(discussion: Any) -> CalendarEntry | None:
    case = discussion.case
    planned = discussion.status == StrategyStatus.PLANNED
    moment = discussion.planned_for if planned else discussion.held_at
    if moment is None:
        return None
    day, at = _timed(moment)
    return CalendarEntry(
        uid=f"strategy-discussion-{discussion.pk}@tideline",
        kind="strategy_discussion",
        what="Strategy discussion (planned)" if planned else "Strategy discussion",
        case_id=case.pk,
        case_reference=case.reference,
        day=day,
        at=at,
        link=case_section_url(case.pk, "strategy-discussions"),
        record=discussion,
    )


def strategy_discussions(actor: User, span: Span) -> list[CalendarEntry]:
    """Strategy discussions held or planned in the span."""
    entries = (
        strategy_discussion_entry(discussion)
        for discussion in selectors.strategy_discussion_due_list(actor=actor, span=span)
    )
    return [entry for entry in entries if entry is not None]


def conference_entry(decision: Any) -> CalendarEntry | None:
    case = decision.discussion.case
    if decision.conference_due_at is None:
        return None  # the selector reads only those with a date
    day, at = _timed(decision.conference_due_at)
    return CalendarEntry(
        uid=f"conference-due-{decision.pk}@tideline",
        kind="conference_due",
        what="Initial child protection conference due",
        case_id=case.pk,
        case_reference=case.reference,
        day=day,
        at=at,
        link=case_section_url(case.pk, "strategy-discussions"),
        record=decision,
    )


def conferences_due(actor: User, span: Span) -> list[CalendarEntry]:
    """The day each child's initial child protection conference is due by."""
    entries = (
        conference_entry(decision)
        for decision in selectors.conference_due_list(actor=actor, span=span)
    )
    return [entry for entry in entries if entry is not None]


def bail_end_entry(event: Any) -> CalendarEntry | None:
    if event.bail_end_on is None:
        return None
    return CalendarEntry(
        uid=f"bail-end-{event.pk}@tideline",
        kind="bail_end",
        what="Pre-charge bail ends",
        case_id=event.case_id,
        case_reference=event.case.reference,
        day=event.bail_end_on,
        at=None,
        link=case_section_url(event.case_id, "events"),
        record=event,
    )


def bail_ends(actor: User, span: Span) -> list[CalendarEntry]:
    """The day a suspect's pre-charge bail ends, on the cases the reader leads."""
    entries = (bail_end_entry(event) for event in selectors.bail_end_list(actor=actor, span=span))
    return [entry for entry in entries if entry is not None]


Source = Callable[[User, Span], list[CalendarEntry]]
SOURCES: list[Source] = [duties_due, tasks_due, strategy_discussions, conferences_due, bail_ends]

# The access log's names for the two ways the entries are read.
VIEWED = "calendars.calendar.viewed"
FETCHED = "calendars.feed.fetched"


def calendar_entries(*, actor: User, span: Span, action: str = VIEWED) -> list[CalendarEntry]:
    """Every entry of the reader's in the span, in order: one query per source, and
    one access-log entry naming every record shown (the calendar page's read, or the
    feed's fetch, as its owner)."""
    entries = sorted(
        (entry for source in SOURCES for entry in source(actor, span)),
        key=CalendarEntry.sort_key,
    )
    # The entry is about the reader's calendar; each record shown is named by its own
    # kind (duty, task, event...). Inside a request these reads make one entry.
    access_read_record(
        actor=actor, action=action, object_type="calendar", object_id=actor.pk, records=[]
    )
    by_kind: dict[str, list[Model]] = {}
    for entry in entries:
        by_kind.setdefault(record_type(entry.record), []).append(entry.record)
    for kind, records in by_kind.items():
        access_read_record(
            actor=actor, action=action, object_type=kind, records=records, generic=True
        )
    return entries
