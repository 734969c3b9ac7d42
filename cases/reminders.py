"""The reminders sweep: a contact's "next contact on" date, and a task that is due.

`reminders_sweep(now=...)` runs every 15 minutes (Celery beat, through
`cases.tasks.reminders_sweep`). "Today" is the local date in Europe/London. Dates
here are calendar dates as their author set them: a follow-up or a task due on a
Saturday is reminded on the Saturday (nobody chose a working-day rule for them).

Contacts (``cases.next_contact_due``): a logged contact whose ``next_contact_on``
has come (today, or within the last `CATCH_UP_DAYS` days, so that a sweep
that did not run for a day or two still reminds, yet old follow-ups are never
reminded in bulk) is told once to whoever logged it (``made_by``), provided

* its case is still open (nothing can be logged on a closed case), and
* no later contact with the same party in the same case has been logged since,
  by anyone, in either direction ("later" by ``contacted_at``, strictly after
  this contact's): that contact was the follow-up, and carries its own
  ``next_contact_on`` if it set one.

Tasks: an open task (never a done or cancelled one) is told to its assignee
twice at most, once as ``cases.task_due_today`` on its due date and once as
``cases.task_overdue`` from the day after; a task already overdue when first
swept is told only that it is overdue. The assignee only: a task is lighter than
a duty of care, and its creator can see it on the case.

Delivery is the one path of every sweep (`agencies.selectors.supervision.Recipients`
then `common.notifications.notices_deliver`): someone who can no longer sign in
is not told, and their supervisors are told instead. Each dedupe key names the
record, the notice and its date (``contact:<id>:next:<date>``,
``task:<id>:due_today:<date>``, ``task:<id>:overdue:<date>``), so a second run,
or two at once, tells nobody twice. Messages name the case reference, never a
person. The sweep returns how many notifications of each kind it created (the
kind without its ``cases.`` prefix) and their total as ``notifications``."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from agencies.selectors.supervision import Recipients
from cases.case_tabs import case_section_url
from cases.models import CaseStatus, ContactLog, Task, TaskStatus
from common.dates import day_text
from common.notifications import Notice, named, notices_deliver, sweep_counts

NEXT_CONTACT_DUE = "cases.next_contact_due"
TASK_DUE_TODAY = "cases.task_due_today"
TASK_OVERDUE = "cases.task_overdue"
SWEEP_KINDS = (NEXT_CONTACT_DUE, TASK_DUE_TODAY, TASK_OVERDUE)
# A follow-up date (or a task's due date) this many days past is still reminded (a
# sweep missed over a long weekend); older ones are not, so that nobody gets a
# backlog at once, and each sweep reads a week of dates by its index.
CATCH_UP_DAYS = 7
# How many (notice, person) pairs to check against the stored notifications at once.
_BATCH = 500


def _contact_notices(today: date) -> Iterator[Notice]:
    followed_up = ContactLog.objects.filter(
        case_id=OuterRef("case_id"),
        party_id=OuterRef("party_id"),
        contacted_at__gt=OuterRef("contacted_at"),
    )
    contacts = (
        ContactLog.objects.filter(
            next_contact_on__lte=today,
            next_contact_on__gt=today - timedelta(days=CATCH_UP_DAYS),
            case__status=CaseStatus.OPEN,
        )
        .exclude(Exists(followed_up))
        .select_related("made_by", "case")
        .order_by("next_contact_on", "id")
    )
    for contact in contacts:
        due_on = contact.next_contact_on
        assert due_on is not None  # filtered above
        reference = contact.case.reference
        yield Notice(
            kind=NEXT_CONTACT_DUE,
            message=(
                f"Case {reference}: a follow-up contact you planned was due on "
                f"{day_text(due_on)} and none is logged yet."
                if due_on < today
                else f"Case {reference}: a follow-up contact you planned is due today."
            ),
            link=case_section_url(contact.case_id, "contacts"),
            dedupe_key=f"contact:{contact.pk}:next:{due_on.isoformat()}",
            responsible=named(contact.made_by),
        )


def _task_notices(today: date) -> Iterator[Notice]:
    tasks = (
        Task.objects.filter(
            status=TaskStatus.OPEN,
            due_on__lte=today,
            # Overdue is told once, the day after; a sweep missed over a long weekend
            # catches up, but the open tasks of years are not read every 15 minutes.
            due_on__gt=today - timedelta(days=CATCH_UP_DAYS),
        )
        .select_related("assignee", "case")
        .order_by("due_on", "id")
    )
    for task in tasks:
        overdue = task.due_on < today
        notice = "overdue" if overdue else "due_today"
        yield Notice(
            kind=TASK_OVERDUE if overdue else TASK_DUE_TODAY,
            message=(
                f"Case {task.case.reference}: a task of yours was due on "
                f"{day_text(task.due_on)} and is still open."
                if overdue
                else f"Case {task.case.reference}: a task of yours is due today."
            ),
            # Where the assignee was sent when the task was given to them.
            link=reverse("case-detail", args=[task.case_id]),
            # The due date is part of the event: a task whose date moved is news again.
            dedupe_key=f"task:{task.pk}:{notice}:{task.due_on.isoformat()}",
            responsible=named(task.assignee),
        )


def reminders_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Remind whoever logged a contact whose next contact is due (and not yet
    made), and the assignee of each open task due today or overdue. Returns how
    many notifications of each kind it created: all zero on a second run."""
    # The local date: 23:30 UTC on a summer evening is already tomorrow in London.
    today = timezone.localtime((now or timezone.now()).astimezone(UTC)).date()
    notices = (
        notice for source in (_contact_notices(today), _task_notices(today)) for notice in source
    )
    created = notices_deliver(Recipients().pairs(notices), batch_size=_BATCH)
    return sweep_counts(SWEEP_KINDS, created)
