"""The subject access deadlines sweep: the duty to answer within the stored deadline,
swept as every other duty is (`common.notifications`: a `Notice` each, delivered
through `agencies.selectors.supervision.Recipients` and `notices_deliver`).

`subject_access_sweep(now=...)` runs every 15 minutes (Celery beat, through
`subject_access.tasks.deadlines_sweep`). It reads only what is stored: each open
request's `response_due_on` (the ICO's calendar month, or the extended deadline),
computed when it was recorded or extended. "Today" is London's date.

* ``subject_access.request_due_soon``: once, when the deadline is within
  `DUE_SOON_WORKING_DAYS` working days, to the request's handler;
* ``subject_access.request_overdue``: once, from the day after the deadline, to the
  handler and every other records manager of the agency (who answer for its
  requests: a casework supervisor does not).

A request released, refused or withdrawn is never told. Each dedupe key names the
request, the notice and the deadline, so a second run (or two at once) tells nobody
twice, and an extended deadline is news again. Messages name the request's
reference, never a person."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from agencies.models import Membership, Role
from agencies.selectors.supervision import Recipients
from agencies.working_days import add_working_days
from common.dates import day_text
from common.notifications import Notice, named, notices_deliver, sweep_counts
from subject_access.models import OPEN_STATES, SubjectAccessRequest

REQUEST_DUE_SOON = "subject_access.request_due_soon"
REQUEST_OVERDUE = "subject_access.request_overdue"
SWEEP_KINDS = (REQUEST_DUE_SOON, REQUEST_OVERDUE)
DUE_SOON_WORKING_DAYS = 5
_BATCH = 500


class _RecordsManagers:
    """Each agency's active records managers, looked up once per sweep."""

    def __init__(self) -> None:
        self._by_agency: dict[Any, tuple[User, ...]] = {}

    def of(self, agency_id: Any) -> tuple[User, ...]:
        if agency_id not in self._by_agency:
            self._by_agency[agency_id] = tuple(
                membership.user
                for membership in Membership.objects.filter(
                    agency_id=agency_id, role=Role.RECORDS_MANAGER, user__is_active=True
                )
                .select_related("user")
                .order_by("user__username")
            )
        return self._by_agency[agency_id]


def _notices(today: date, horizon: date) -> Iterator[Notice]:
    owed = (
        SubjectAccessRequest.objects.filter(state__in=OPEN_STATES, response_due_on__lte=horizon)
        .select_related("handler", "agency")
        .order_by("response_due_on", "id")
    )
    managers = _RecordsManagers()
    for request in owed.iterator(chunk_size=_BATCH):
        due = request.response_due_on
        overdue = due < today
        notice = "overdue" if overdue else "due_soon"
        yield Notice(
            kind=REQUEST_OVERDUE if overdue else REQUEST_DUE_SOON,
            message=(
                f"Subject access request {request.reference}: the response was due on "
                f"{day_text(due)} and has not been released."
                if overdue
                else f"Subject access request {request.reference}: the response is due on "
                f"{day_text(due)}."
            ),
            link=reverse("subject-access-request-detail", args=[request.pk]),
            dedupe_key=f"sar:{request.pk}:{notice}:{due.isoformat()}",
            responsible=named(request.handler),
            # A handler who has left is stood in for by the agency's records managers.
            also=(
                managers.of(request.agency_id) if overdue or not request.handler.is_active else ()
            ),
        )


def subject_access_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Tell the handler of each open request whose deadline is near, and the agency's
    records managers of each one overdue: once each. Returns how many notifications
    of each kind it stored (none on a second run)."""
    moment = now or timezone.now()
    today = timezone.localtime(moment.astimezone(UTC)).date()
    horizon = timezone.localtime(add_working_days(moment, DUE_SOON_WORKING_DAYS)).date()
    created = notices_deliver(Recipients().pairs(_notices(today, horizon)), batch_size=_BATCH)
    return sweep_counts(SWEEP_KINDS, created)
