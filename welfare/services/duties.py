"""The duty engine: how a duty is opened (once, whatever retries), whom it falls
to, and when it is due. Every duty's due moment is computed here when it is
created, and stored; the lists, panels and the sweep only read it.

Whom a duty falls to is decided in one place, `welfare.services.duty_owners`
(the rules for each kind are written there); `duty_open` asks it for every duty.

The handlers that open duties when something happens in a case live beside it:
`welfare.services.victim_duties`, `family_duties` and `suspect_duties`."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from agencies.working_days import add_working_days
from cases.models import Case, CaseParty, InvestigationEvent
from cases.services.common import log_case_access
from common.dates import day_text
from common.history import history_note
from welfare.models import DUTY_COMPARTMENT, Duty, DutyStatus
from welfare.services.duty_owners import duty_owner, lead_told_of_routing

# The crime counts as recorded from the start of the working day it was received,
# as for the referral deadlines (`referrals.services.due_dates.RECORDED_AT`).
CRIME_RECORDED_AT = time(9, 0)


def crime_recorded_at(case: Case) -> datetime:
    return datetime.combine(
        case.received_on, CRIME_RECORDED_AT, tzinfo=ZoneInfo(settings.TIME_ZONE)
    )


def due_in_working_days(moment: datetime, days: int) -> datetime:
    """The one calendar: 17:00 Europe/London on the Nth working day."""
    return add_working_days(moment, days)


def due_in_hours(moment: datetime, hours: int) -> datetime:
    """A clock deadline (the 48-hour check): real hours, across midnight, weekends
    and the clock change alike. In UTC, because Python adds a timedelta to a
    Europe/London datetime in wall-clock time: across the clock change that would be
    47 or 49 real hours."""
    return moment.astimezone(UTC) + timedelta(hours=hours)


def event_moment_text(event: InvestigationEvent) -> str:
    return day_text(event.occurred_at)


def duty_open(
    *,
    actor: User | None,
    case: Case,
    party: CaseParty,
    kind: str,
    trigger: str,
    reason: str,
    due_at: datetime,
    source_key: str,
    event: InvestigationEvent | None = None,
    responsible: User | None = None,
    due_by_clock: bool = False,
    closed_as: str | None = None,
    closed_note: str = "",
) -> Duty:
    """Open a duty, or return the one already opened for `source_key` (a handler run
    twice, or a retried request, opens it once). `closed_as` records it already
    closed: a victim who asked not to be updated is owed the update's record, not
    the nagging. `responsible` is the person the handler asks for; whom it falls to
    is `duty_owners.duty_owner`'s answer (them, if they can hold it)."""
    existing = Duty.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    duty = Duty(
        case=case,
        party=party,
        kind=kind,
        compartment=DUTY_COMPARTMENT[kind],
        trigger=trigger,
        reason=reason[:300],
        event=event,
        source_key=source_key,
        due_at=due_at,
        due_by_clock=due_by_clock,
        agency_id=case.owning_agency_id,
        team_id=case.team_id,
        responsible=duty_owner(
            actor=actor, case=case, party=party, kind=kind, event=event, requested=responsible
        ),
    )
    if closed_as is not None:
        duty.status = closed_as
        duty.resolved_at = timezone.now()
        duty.resolved_by = actor
        duty.resolution_note = closed_note
    duty.full_clean(exclude=["case", "party", "event", "agency", "team", "responsible"])
    if actor is not None:
        history_note(duty, actor=actor, reason=f"duty opened: {reason}"[:100])
    duty.save()
    if closed_as is None:
        lead_told_of_routing(case=case, kind=kind, event=event, to=duty.responsible)
    return duty


def duties_close(
    duties: QuerySet[Duty], *, actor: User | None, status: str = DutyStatus.CANCELLED, note: str
) -> int:
    """Close open duties that no longer apply (a cadence that ended, a schedule that
    changed). Returns how many were closed."""
    closed = 0
    for duty in duties.filter(status=DutyStatus.OPEN).select_for_update(of=("self",)):
        duty.status = status
        duty.resolved_at = timezone.now()
        duty.resolved_by = actor
        duty.resolution_note = note
        duty.version += 1
        if actor is not None:
            history_note(duty, actor=actor, reason=note[:100])
        duty.save()
        closed += 1
    return closed


def duty_resolution_save(
    duty: Duty,
    *,
    actor: User,
    log_note: str,
    at: datetime | None = None,
    reason: str | None = None,
    update_fields: list[str] | None = None,
) -> Duty:
    """Save a duty just met or closed by `actor` at `at` (now by default; its status,
    and what met it, already set): its new version, the history's `reason` (by
    default its resolution note) and the access log's `welfare.duty.met`, noting
    `log_note`."""
    duty.resolved_at = at or timezone.now()
    duty.resolved_by = actor
    duty.version += 1
    history_note(duty, actor=actor, reason=reason or duty.resolution_note[:100])
    duty.save(update_fields=update_fields)
    log_case_access(
        actor=actor,
        action="welfare.duty.met",
        case=duty.case,
        object_type="duty",
        object_id=duty.pk,
        note=log_note,
    )
    return duty
