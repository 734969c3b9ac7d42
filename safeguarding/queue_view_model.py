"""What the queue shows for each entry: shared by the API and the page."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from agencies.working_days import working_days_late
from safeguarding.models import SHARED_LEVEL_DEFINITIONS, CasePriority, SharedLevel


@dataclass(frozen=True)
class QueueRow:
    entry: CasePriority
    due_on: date
    working_days_late: int

    @property
    def case(self):
        return self.entry.case

    @property
    def level(self) -> str:
        return self.entry.level

    @property
    def level_label(self) -> str:
        return SharedLevel(self.entry.level).label

    @property
    def level_definition(self) -> str:
        return SHARED_LEVEL_DEFINITIONS[self.entry.level]

    @property
    def overdue(self) -> bool:
        return self.working_days_late > 0


def queue_rows(entries, *, now: datetime | None = None) -> list[QueueRow]:
    """Lateness counts working days after the due date, up to today."""
    today = timezone.localdate(now) if now else timezone.localdate()
    entries = list(entries)
    due = {entry.pk: timezone.localtime(entry.action_due_at).date() for entry in entries}
    lateness = working_days_late(due.values(), today)
    return [
        QueueRow(entry=entry, due_on=due[entry.pk], working_days_late=lateness[due[entry.pk]])
        for entry in entries
    ]
