"""The suspect's welfare duties that events create (the suspect welfare issue):
screenings, the 48-hour check after release, welfare contact in the limbo of
release under investigation or bail.

Due moments, chosen here and stored with each duty:

* A welfare screening is due within 2 hours of the event, by the clock: custody
  screens a detained person on arrival, and someone told at their door or in a
  voluntary interview must be screened before the officers leave them.
* The 48-hour check is due 48 real hours after the release (`WELFARE_CHECK_HOURS`),
  by the clock, across midnight and the clock change alike.
* A safety plan owed for a flagged suspect released without one is due at the
  release itself: already missed, so that it shows at the top of every list.
* A welfare contact is due `WELFARE_CONTACT_WORKING_DAYS` working days after the
  release into limbo, and again that long after each contact, until a decision."""

from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from cases.models import Case, CaseParty, ContactLog, InvestigationEvent
from cases.models.event import (
    DECISION_EVENTS,
    FIRST_CONTACT_EVENTS,
    LIMBO_EVENTS,
    RELEASE_EVENTS,
    EventKind,
)
from common.dates import day_text
from common.history import history_note
from safeguarding.models import Flag, FlagKind
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, SafetyPlan
from welfare.services.duties import (
    due_in_hours,
    due_in_working_days,
    duties_close,
    duty_open,
    event_moment_text,
)

SCREENING_DUE_HOURS = 2
# The events after which a suspect is screened again (besides first being told).
RESCREEN_EVENTS = frozenset({EventKind.CHARGED, EventKind.NO_FURTHER_ACTION}) | RELEASE_EVENTS
DECISION_NOTE = "The investigation reached a decision."


def clock_due(moment: datetime, hours: int) -> datetime:
    """`due_in_hours` counted in UTC: Python adds a timedelta to a datetime in its own
    zone by the wall clock, so 48 hours from 20:00 BST on the Saturday before the
    clocks go back would land at 20:00 GMT, 49 real hours later."""
    return due_in_hours(moment.astimezone(UTC), hours)


def suicide_flag_is_live(suspect: CaseParty) -> bool:
    return Flag.objects.filter(
        person_id=suspect.person_id, kind=FlagKind.SUICIDE_SELF_HARM, cleared_at__isnull=True
    ).exists()


def _reason(event: InvestigationEvent) -> str:
    return f"{event.get_kind_display()}, {event_moment_text(event)}"


def _screening_open(*, event: InvestigationEvent, actor: User) -> None:
    suspect = event.suspect
    if event.kind in FIRST_CONTACT_EVENTS:
        # Once per suspect: a search then an arrest is one "first told".
        source_key = f"suspect:{suspect.pk}:welfare_screening:first_told"
    elif event.kind in RESCREEN_EVENTS:
        source_key = f"event:{event.pk}:welfare_screening"
    else:
        return
    duty_open(
        actor=actor,
        case=event.case,
        party=suspect,
        kind=DutyKind.WELFARE_SCREENING,
        trigger=DutyTrigger.EVENT,
        reason=_reason(event),
        due_at=clock_due(event.occurred_at, SCREENING_DUE_HOURS),
        due_by_clock=True,
        source_key=source_key,
        event=event,
    )


def welfare_check_open(*, event: InvestigationEvent, actor: User | None) -> Duty:
    """The check within 48 hours of a release; one per release, whoever asks first
    (the release of a flagged suspect, or a screening at release that flags them)."""
    return duty_open(
        actor=actor,
        case=event.case,
        party=event.suspect,
        kind=DutyKind.WELFARE_CHECK,
        trigger=DutyTrigger.EVENT,
        reason=f"Released at risk of suicide: {_reason(event)}",
        due_at=clock_due(event.occurred_at, settings.WELFARE_CHECK_HOURS),
        due_by_clock=True,
        source_key=f"event:{event.pk}:welfare_check",
        event=event,
    )


def _release_of_flagged_suspect(*, event: InvestigationEvent, actor: User) -> None:
    suspect = event.suspect
    if not suicide_flag_is_live(suspect):
        return
    plan = (
        SafetyPlan.objects.filter(suspect=suspect, released_at__isnull=True)
        .order_by("-created_at")
        .first()
    )
    if plan is not None:
        plan.released_at = event.occurred_at
        plan.release_event = event
        plan.version += 1
        history_note(plan, actor=actor, reason=f"released: {_reason(event)}")
        plan.save(update_fields=["released_at", "release_event", "version"])
    welfare_check_open(event=event, actor=actor)
    if plan is None and not SafetyPlan.objects.filter(suspect=suspect).exists():
        open_plan_duty = Duty.objects.filter(
            party=suspect, kind=DutyKind.SAFETY_PLAN, status=DutyStatus.OPEN
        )
        if not open_plan_duty.exists():
            duty_open(
                actor=actor,
                case=event.case,
                party=suspect,
                kind=DutyKind.SAFETY_PLAN,
                trigger=DutyTrigger.EVENT,
                reason=f"Released at risk of suicide without a safety plan: {_reason(event)}",
                due_at=event.occurred_at,
                due_by_clock=True,
                source_key=f"event:{event.pk}:safety_plan",
                event=event,
            )


def _welfare_contact_open(
    *,
    actor: User | None,
    case: Case,
    suspect: CaseParty,
    moment: datetime,
    reason: str,
    source_key: str,
    event: InvestigationEvent | None = None,
    trigger: str,
) -> Duty:
    return duty_open(
        actor=actor,
        case=case,
        party=suspect,
        kind=DutyKind.WELFARE_CONTACT,
        trigger=trigger,
        reason=reason,
        due_at=due_in_working_days(moment, settings.WELFARE_CONTACT_WORKING_DAYS),
        source_key=source_key,
        event=event,
    )


def on_event_recorded(*, event: InvestigationEvent, actor: User) -> None:
    suspect = event.suspect
    if event.kind in DECISION_EVENTS:
        duties_close(
            Duty.objects.filter(party=suspect, kind=DutyKind.WELFARE_CONTACT),
            actor=actor,
            status=DutyStatus.CANCELLED,
            note=DECISION_NOTE,
        )
    _screening_open(event=event, actor=actor)
    if event.kind in RELEASE_EVENTS:
        _release_of_flagged_suspect(event=event, actor=actor)
    if event.kind in LIMBO_EVENTS:
        already = Duty.objects.filter(
            party=suspect, kind=DutyKind.WELFARE_CONTACT, status=DutyStatus.OPEN
        ).exists()
        if not already:
            _welfare_contact_open(
                actor=actor,
                case=event.case,
                suspect=suspect,
                moment=event.occurred_at,
                reason=_reason(event),
                source_key=f"event:{event.pk}:welfare_contact",
                event=event,
                trigger=DutyTrigger.EVENT,
            )


def suspect_limbo_is(suspect: CaseParty) -> bool:
    """Released under investigation or on bail, with no decision since."""
    latest = (
        InvestigationEvent.objects.filter(
            suspect=suspect, kind__in=sorted(LIMBO_EVENTS | DECISION_EVENTS)
        )
        .order_by("-occurred_at", "-created_at")
        .first()
    )
    return latest is not None and latest.kind in LIMBO_EVENTS


def welfare_contact_next(*, actor: User, duty: Duty, contact: ContactLog) -> None:
    """After a welfare contact is logged, the next one becomes due (cadence), counted
    from the contact; none once the investigation has reached a decision."""
    if duty.kind != DutyKind.WELFARE_CONTACT or not suspect_limbo_is(duty.party):
        return
    local = timezone.localtime(contact.contacted_at)
    _welfare_contact_open(
        actor=actor,
        case=duty.case,
        suspect=duty.party,
        moment=contact.contacted_at,
        reason=f"Every {settings.WELFARE_CONTACT_WORKING_DAYS} working days, after the contact "
        f"of {day_text(local)}",
        source_key=f"contact:{contact.pk}:welfare_contact",
        trigger=DutyTrigger.WELFARE_CADENCE,
    )
