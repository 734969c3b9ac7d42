"""Reads of a case's investigation events, scoped to the reader: the events of the
suspects they are cleared to see, and where each suspect on pre-charge bail stands."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from agencies import access
from agencies.working_days import working_days_late
from cases.bail import bail_state
from cases.models import Case, CaseParty, InvestigationEvent
from cases.selectors import case_scope


def event_list(
    *, actor: User, case: Case, parties: Iterable[CaseParty] | None = None
) -> QuerySet[InvestigationEvent]:
    """The case's events, oldest first, only of suspects in a compartment the actor
    is cleared for; none at all for a role that may not read events. `parties`: the
    case's parties the actor may see, when the caller has read them already through
    `party_list` (the case page): the events are then read of those, by key, and not
    joined to them again (the caller shows its own, by `suspect_id`)."""
    if not access.can(actor, "cases.event.view", case):
        return InvestigationEvent.objects.none()
    events = InvestigationEvent.objects.filter(
        case=case, case__in=case_scope(actor, action="cases.event.view")
    )
    if parties is not None:
        return (
            events.filter(suspect_id__in=[party.pk for party in parties])
            .select_related("recorded_by")
            .order_by("occurred_at", "created_at", "id")
        )
    # Only of suspects the actor may see: cleared for, and within a grant's parties.
    suspects = access.party_scope(actor, CaseParty.objects.filter(case=case))
    return (
        events.filter(suspect__in=suspects)
        .select_related("suspect__person", "recorded_by")
        .order_by("occurred_at", "created_at", "id")
    )


@dataclass(frozen=True)
class BailSummary:
    suspect: CaseParty
    first_bailed_on: date
    ends_on: date
    # Working days after today up to and including the end day; negative once the
    # bail has ended (how many working days ago), 0 when it ends today.
    working_days_left: int
    ended: bool
    warning: bool


def bail_summaries(
    *,
    actor: User,
    case: Case,
    now: datetime | None = None,
    events: list[InvestigationEvent] | None = None,
) -> list[BailSummary]:
    """Each suspect now on pre-charge bail, with when it was first granted, when it
    ends, and how many working days are left: two queries (the events, and the one
    calendar's closure days), whatever the number of suspects. A caller that already
    read `event_list` passes it as `events` to save the first."""
    today = timezone.localtime(now or timezone.now()).date()
    if events is None:
        events = list(event_list(actor=actor, case=case))
    by_suspect: dict[Any, list[InvestigationEvent]] = {}
    for event in events:
        by_suspect.setdefault(event.suspect_id, []).append(event)
    on_bail = []
    for events in by_suspect.values():
        first_bailed_on, ends_on = bail_state(events)
        if ends_on is not None:
            on_bail.append((events[0].suspect, first_bailed_on, ends_on))
    if not on_bail:
        return []
    # One call to the calendar: measured against the furthest day, the working days
    # after today minus those after each end are the working days up to that end.
    furthest = max([today, *(ends_on for _, _, ends_on in on_bail)])
    after = working_days_late({today, *(ends_on for _, _, ends_on in on_bail)}, furthest)
    summaries = []
    for suspect, first_bailed_on, ends_on in on_bail:
        left = after[today] - after[ends_on]
        summaries.append(
            BailSummary(
                suspect=suspect,
                first_bailed_on=cast(date, first_bailed_on),  # on bail: granted on a day
                ends_on=ends_on,
                working_days_left=left,
                ended=ends_on < today,
                warning=left <= settings.BAIL_WARNING_WORKING_DAYS,
            )
        )
    return sorted(summaries, key=lambda summary: (summary.ends_on, summary.suspect.pk))
