"""Your work today: how much is overdue, due today and due later this week, and the
items themselves, most urgent first. Read from the calendar's own selectors and
entries (`calendars.selectors`, `calendars.sources`), so that the home page and the
calendar never disagree on what is due when; the force's intake queue, the agency's
referral inbox and a supervisor's team duties, which are not one person's calendar,
from their apps' selectors.

Every count is capped (`common.counts`): all of them are one query, whatever the
scale. The items are read only for the kinds that have any, each kind's first few in
one query, and the access log names every record shown."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from django.contrib.auth.models import User
from django.db.models import Model, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from agencies import access
from agencies.audit import access_list_record
from agencies.models import Role
from calendars import selectors
from calendars.sources import (
    CalendarEntry,
    bail_end_entry,
    conference_entry,
    duty_entry,
    strategy_discussion_entry,
    task_entry,
)
from calendars.weeks import Span, Week
from common import counts as capped
from common.counts import capped_counts
from intake.selectors.items import QUEUE_ORDER, intake_queue
from referrals.models.referral import NOTHING_OWED
from referrals.selectors import inbox_list
from safeguarding.models import StrategyStatus
from welfare.models import DutyKind
from welfare.selectors.duties import duty_deadlines_annotate, team_duty_list

# Far enough back for any open work: the calendar's spans are of whole local days.
EARLIEST_DAY = date(1900, 1, 1)
# Items listed on the home page; the lists behind each count hold the rest.
HOME_LIMIT = 10

OVERDUE, TODAY, LATER = "overdue", "today", "week"
BUCKETS = (OVERDUE, TODAY, LATER)


@dataclass(frozen=True)
class Today:
    """The moment home is read, and the spans of days its counts are made of."""

    now: datetime

    @property
    def day(self) -> date:
        return timezone.localtime(self.now).date()

    @property
    def week(self) -> Week:
        return Week.containing(self.day)

    @property
    def end_of_day(self) -> datetime:
        return Span(self.day, self.day).ends_at

    def span(self, bucket: str | None, *, whole_day: bool) -> Span:
        """The days a bucket reads (a timed deadline is then cut at `now`); None: all
        three together, for the items."""
        if bucket == OVERDUE:
            return Span(EARLIEST_DAY, self.day - timedelta(days=1) if whole_day else self.day)
        if bucket == TODAY:
            return Span(self.day, self.day)
        if bucket == LATER:
            # On a Sunday, none: the span's end comes before its start.
            return Span(self.day + timedelta(days=1), self.week.last_day)
        return Span(EARLIEST_DAY, self.week.last_day)

    def bucket_of(self, deadline: datetime, *, whole_day: bool) -> str:
        """As the counts read: a whole day (`deadline` its end) is overdue from the
        next day; a moment, once it has passed."""
        if whole_day:
            day = timezone.localtime(deadline - timedelta(microseconds=1)).date()
            return OVERDUE if day < self.day else TODAY if day == self.day else LATER
        if deadline < self.now:
            return OVERDUE
        return TODAY if deadline < self.end_of_day else LATER


@dataclass(frozen=True)
class WorkItem:
    """One thing owed, as home lists it."""

    kind: str
    what: str
    # A person's name where the page may show it (the duty's party); "" otherwise.
    about: str
    reference: str
    reference_link: str
    # The moment it is due by: for a whole day (a task), the end of that day.
    deadline: datetime
    whole_day: bool
    bucket: str
    due_text: str
    link: str
    # The words of the link that meets it ("Log update"), "" for none.
    action: str
    record: Model
    action_link: str = ""

    def sort_key(self) -> tuple[Any, ...]:
        return (BUCKETS.index(self.bucket), self.deadline, self.what, str(self.record.pk))


class RecordsOf(Protocol):
    """A selector of one kind of work: the reader's, due in a span of days."""

    def __call__(self, *, actor: User, span: Span) -> QuerySet[Any]: ...


@dataclass(frozen=True)
class Kind:
    """A kind of work on home: how to read it over a span of days (scoped to the
    reader by its app's selector), which of its fields is its due moment, and how one
    of its rows reads."""

    key: str
    row: str
    records: "RecordsOf"
    due: str
    whole_day: bool
    # Listed among "your work" (False: in a section of its own, or counted only).
    listed: bool = True
    # The order its first few are read in, which an index serves (the due moment
    # by default).
    order: tuple[str, ...] = ()


def _planned_discussions(*, actor: User, span: Span) -> QuerySet[Any]:
    # A discussion held is done; one planned and past is still to be recorded.
    return selectors.strategy_discussion_due_list(actor=actor, span=span).filter(
        status=StrategyStatus.PLANNED
    )


def _intake_items(*, actor: User, span: Span) -> QuerySet[Any]:
    return intake_queue(actor=actor).filter(
        action_due_at__gte=span.starts_at, action_due_at__lt=span.ends_at
    )


def _referrals_owed(*, actor: User, span: Span) -> QuerySet[Any]:
    # `receiver_due_at` is the first deadline the receiver still owes (NOTHING_OWED
    # when none): the inbox's index reads it in order.
    ends_at = min(span.ends_at, NOTHING_OWED)
    return inbox_list(actor=actor).filter(
        receiver_due_at__gte=span.starts_at, receiver_due_at__lt=ends_at
    )


def _team_duties(*, actor: User, span: Span) -> QuerySet[Any]:
    if access.role_of(actor) != Role.POLICE_SUPERVISOR:
        return selectors.duty_due_list(actor=actor, span=span).none()
    return team_duty_list(actor=actor).filter(due_at__gte=span.starts_at, due_at__lt=span.ends_at)


def _duties(*, actor: User, span: Span) -> QuerySet[Any]:
    # The party's name is shown beside each duty (the victim updated, the suspect checked).
    return selectors.duty_due_list(actor=actor, span=span).select_related("party__person")


KINDS: tuple[Kind, ...] = (
    Kind("duties", "Your duties", _duties, "due_at", whole_day=False),
    Kind("team_duties", "Your team's duties", _team_duties, "due_at", False, listed=False),
    Kind("tasks", "Your tasks", selectors.task_due_list, "due_on", whole_day=True),
    Kind("strategy", "Meetings and dates", _planned_discussions, "planned_for", False),
    Kind(
        "conferences",
        "Meetings and dates",
        selectors.conference_due_list,
        "conference_due_at",
        whole_day=False,
    ),
    Kind("bail", "Meetings and dates", selectors.bail_end_list, "bail_end_on", whole_day=True),
    # The queue's own order (critical first), which its index holds.
    Kind("intake", "Intake items", _intake_items, "action_due_at", False, order=QUEUE_ORDER),
    Kind("referrals", "Referrals to act on", _referrals_owed, "receiver_due_at", False, False),
)


def _bucket_queryset(kind: Kind, actor: User, today: Today, bucket: str) -> QuerySet[Any]:
    records = kind.records(actor=actor, span=today.span(bucket, whole_day=kind.whole_day))
    if kind.whole_day:
        return records
    if bucket == OVERDUE:
        return records.filter(**{f"{kind.due}__lt": today.now})
    if bucket == TODAY:
        return records.filter(**{f"{kind.due}__gte": today.now})
    return records


@dataclass(frozen=True)
class CountRow:
    row: str
    counts: dict[str, int]
    # Where the whole list is (the page behind the row).
    link: str

    @property
    def any(self) -> bool:
        return any(self.counts.values())


def work_counts(*, actor: User, today: Today) -> dict[str, dict[str, int]]:
    """Each kind's count in each bucket, at most one past the cap: one query."""
    querysets = {
        f"{kind.key}:{bucket}": _bucket_queryset(kind, actor, today, bucket)
        for kind in KINDS
        for bucket in BUCKETS
    }
    # A kind the reader may not read at all is an empty queryset: left out, so that
    # the query holds only what can count.
    counted = capped_counts({name: qs for name, qs in querysets.items() if not qs.query.is_empty()})
    counts: dict[str, dict[str, int]] = {kind.key: dict.fromkeys(BUCKETS, 0) for kind in KINDS}
    for name, count in counted.items():
        key, bucket = name.split(":")
        counts[key][bucket] = count
    return counts


_ROW_LINKS = {
    "Your duties": "my-duties",
    "Your team's duties": "team-duties",
    "Your tasks": "calendar",
    "Meetings and dates": "calendar",
    "Intake items": "intake-queue",
    "Referrals to act on": "referral-inbox-page",
}


def count_rows(counts: dict[str, dict[str, int]]) -> list[CountRow]:
    """The counts by row (several kinds may share one: "Meetings and dates"), the
    rows with nothing left out. A sum past the cap stays "more than the cap"."""
    rows: dict[str, dict[str, int]] = {}
    for kind in KINDS:
        row = rows.setdefault(kind.row, dict.fromkeys(BUCKETS, 0))
        for bucket in BUCKETS:
            row[bucket] = min(row[bucket] + counts[kind.key][bucket], capped.COUNT_CAP + 1)
    return [
        CountRow(row=name, counts=row, link=_row_link(name))
        for name, row in rows.items()
        if any(row.values())
    ]


def _row_link(row: str) -> str:
    from django.urls import NoReverseMatch

    try:
        return reverse(_ROW_LINKS[row])
    except NoReverseMatch:
        return ""


def totals(rows: list[CountRow]) -> dict[str, int]:
    return {
        bucket: min(sum(row.counts[bucket] for row in rows), capped.COUNT_CAP + 1)
        for bucket in BUCKETS
    }


# --- The items


def _due_text(deadline: datetime, *, whole_day: bool, bucket: str) -> str:
    local = timezone.localtime(deadline - timedelta(microseconds=1) if whole_day else deadline)
    on = date_format(local, "l j F") if whole_day else date_format(local, "l j F, H:i")
    if bucket == OVERDUE:
        return f"Overdue: due {on}"
    if bucket == TODAY:
        return "Due today" if whole_day else f"Due today, {date_format(local, 'H:i')}"
    return f"Due {on}"


def _from_entry(entry: CalendarEntry, today: Today, *, about: str = "") -> WorkItem:
    whole_day = entry.at is None
    deadline = Span(entry.day, entry.day).ends_at if whole_day else entry.at
    assert deadline is not None
    bucket = today.bucket_of(deadline, whole_day=whole_day)
    return WorkItem(
        kind=entry.kind,
        what=entry.what,
        about=about,
        reference=entry.case_reference,
        reference_link=reverse("case-detail", args=[entry.case_id]),
        deadline=deadline,
        whole_day=whole_day,
        bucket=bucket,
        due_text=_due_text(deadline, whole_day=whole_day, bucket=bucket),
        link=entry.link,
        action="",
        record=entry.record,
    )


def _duty_items(duties: list[Any], today: Today) -> list[WorkItem]:
    home = reverse("home")
    items = []
    annotated: list[Any] = duty_deadlines_annotate(duties, now=today.now)
    for duty in annotated:
        item = _from_entry(duty_entry(duty), today, about=duty.party.person.full_name)
        # The duty's own words for its deadline ("2 working days late", "Missed by 3
        # hours": a 48-hour check counts in hours).
        item = replace(item, due_text=duty.due_text)
        if duty.kind == DutyKind.VICTIM_UPDATE:
            # Straight to the form that meets it, and back home once it is logged.
            link = f"{item.link}?next={home}"
            item = replace(item, link=link, action="Log update", action_link=link)
        items.append(item)
    return items


def _intake_item(item: Any, today: Today) -> WorkItem:
    bucket = today.bucket_of(item.action_due_at, whole_day=False)
    return WorkItem(
        kind="intake",
        what=f"Intake item: {item.get_level_display().lower()} risk",
        about="",
        reference=f"Graded {item.agency_grade}" if item.agency_grade else "",
        reference_link="",
        deadline=item.action_due_at,
        whole_day=False,
        bucket=bucket,
        due_text=_due_text(item.action_due_at, whole_day=False, bucket=bucket),
        link=reverse("intake-item", args=[item.pk]),
        action="",
        record=item,
    )


def _entries_of(
    kind: Kind, records: list[Any], today: Today, *, may_complete_tasks: bool
) -> list[WorkItem]:
    if kind.key == "duties":
        return _duty_items(records, today)
    if kind.key == "intake":
        return [_intake_item(item, today) for item in records]
    word: dict[str, Callable[[Any], CalendarEntry | None]] = {
        "tasks": task_entry,
        "strategy": strategy_discussion_entry,
        "conferences": conference_entry,
        "bail": bail_end_entry,
    }
    items = []
    for record in records:
        entry = word[kind.key](record)
        if entry is None:
            continue
        item = _from_entry(entry, today)
        if kind.key == "tasks":
            # Home is a page of the reader's own, logged: a task's title may be shown
            # here (never in the calendar feed, which leaves the service).
            item = replace(item, what="Task", about=record.title)
            if may_complete_tasks:
                # Their own task: its assignee may mark it done (as the case page offers).
                done = reverse("task-complete-page", args=[record.pk])
                item = replace(item, action="Mark as done", action_link=done)
        items.append(item)
    return items


def work_items(
    *, actor: User, today: Today, counts: dict[str, dict[str, int]], limit: int = HOME_LIMIT
) -> list[WorkItem]:
    """The reader's work due by the end of the week, most urgent first (the overdue,
    the longest overdue first; then today's; then the week's), at most `limit`: one
    query for each kind that has any (the counts say which), and the access log names
    every record shown."""
    items: list[WorkItem] = []
    may_complete_tasks = access.can(actor, "cases.task.change")
    for kind in KINDS:
        if not kind.listed or not any(counts[kind.key].values()):
            continue
        records = list(
            kind.records(actor=actor, span=today.span(None, whole_day=kind.whole_day)).order_by(
                *(kind.order or (kind.due, "pk"))
            )[:limit]
        )
        items.extend(_entries_of(kind, records, today, may_complete_tasks=may_complete_tasks))
    shown = sorted(items, key=WorkItem.sort_key)[:limit]
    by_model: dict[type[Model], list[Model]] = {}
    for item in shown:
        by_model.setdefault(type(item.record), []).append(item.record)
    for records in by_model.values():
        access_list_record(actor=actor, records=records)
    return shown
