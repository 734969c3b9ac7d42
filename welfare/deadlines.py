"""The duties sweep: who is told, and once, when a duty of care falls due or is
missed, and when a suspect's pre-charge bail is about to end.

`duties_sweep(now)` runs every 15 minutes (Celery beat, through
`welfare.tasks.duties_sweep`). It reads only what is stored: every duty's due
moment was computed by `welfare.services.duties` when the duty was opened.

Open duties, whether or not their case is still open: the update owed to a victim
about the outcome falls due after the case has closed, and is owed all the same
(a met, declined, not-needed, opted-out or cancelled duty is never notified):

* a working-day duty (due at 17:00 on a working day) is told
  - ``<family>_due_today``: once, on its due day, while the deadline is still
    ahead, to the person responsible;
  - ``<family>_overdue``: once, from the minute after its deadline, to the
    person responsible and their supervisors;
* a clock duty (``due_by_clock``: the 48-hour welfare check after release) is told
  - ``<family>_due_soon``: once, within `CLOCK_DUE_SOON_WINDOW` (6 hours) of its
    deadline, to the person responsible;
  - ``<family>_missed``: once, from the minute after its deadline, to the person
    responsible and their supervisors.

The families (and the case page section each notice links to):

* ``victim_update``: the Victims' Code updates (``#victims-code``);
* ``victim_support_referral``: the referral to support or its refusal (``#victims-code``);
* ``family_duty``: the family pack, the support offer and the children's
  safeguarding referral (``#family-support``);
* ``suspect_welfare``: the welfare screening, the safety plan and the welfare
  contacts of release under investigation or bail (``#suspect-welfare``);
* ``welfare_check``: the 48-hour check after release (``#suspect-welfare``).

So the kinds are ``welfare.victim_update_due_today``,
``welfare.victim_update_overdue``, ``welfare.victim_support_referral_due_today``,
``welfare.victim_support_referral_overdue``, ``welfare.family_duty_due_today``,
``welfare.family_duty_overdue``, ``welfare.suspect_welfare_due_today``,
``welfare.suspect_welfare_overdue``, ``welfare.welfare_check_due_soon`` and
``welfare.welfare_check_missed``.

"Their supervisors" are those of the responsible person's own team (whom the
duty was routed to: `welfare.services.duty_owners`), and every police supervisor of
the agency when that team has none (`agencies.selectors.supervision.supervisors_of`):
the same people whose Team duties page lists the duty.

When nobody who can still sign in answers for a duty (no one responsible, or they
have left), the supervisors of the case's team are told instead
(`agencies.selectors.supervision` rules: the team's police supervisors, else the agency's).

Pre-charge bail (``welfare.bail_ending``): for each suspect of an open case whose
current bail (`cases.bail.bail_state`) ends within
`settings.BAIL_WARNING_WORKING_DAYS` working days of today (the one calendar,
`agencies.working_days`), the case's lead officer and their supervisors are told
once per suspect and bail end date, linking to ``#events``. An extension is a new
end date, and warns again when that one comes near.

Every notice's dedupe key names the duty (or the suspect), the notice and the due
moment (or bail end date), so a second run, or two at once, tells nobody twice,
and a duty whose due moment moved is news again. Messages carry no personal
details. The sweep returns how many notifications of each kind it created (the
kind without its ``welfare.`` prefix), and their total as ``notifications``."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby

from django.conf import settings
from django.utils import timezone

from agencies.selectors.supervision import Recipients
from agencies.working_days import working_days_between_any_of
from cases.bail import bail_state
from cases.case_tabs import case_section_url
from cases.models import Case, CaseStatus, EventKind, InvestigationEvent
from common.dates import day_text, time_text, when_text, working_days_text
from common.notifications import (
    Notice,
    TeamKey,
    moment_key,
    named,
    notices_deliver,
    sweep_counts,
)
from welfare.models import Duty, DutyKind, DutyStatus

CLOCK_DUE_SOON_WINDOW = timedelta(hours=6)
# Ten working days never span more than this many calendar days, even across
# Christmas and a run of closure days: the bail ends beyond it are not counted.
_BAIL_HORIZON = timedelta(days=42)

VICTIM_UPDATE_DUE_TODAY = "welfare.victim_update_due_today"
VICTIM_UPDATE_OVERDUE = "welfare.victim_update_overdue"
VICTIM_SUPPORT_REFERRAL_DUE_TODAY = "welfare.victim_support_referral_due_today"
VICTIM_SUPPORT_REFERRAL_OVERDUE = "welfare.victim_support_referral_overdue"
FAMILY_DUTY_DUE_TODAY = "welfare.family_duty_due_today"
FAMILY_DUTY_OVERDUE = "welfare.family_duty_overdue"
SUSPECT_WELFARE_DUE_TODAY = "welfare.suspect_welfare_due_today"
SUSPECT_WELFARE_OVERDUE = "welfare.suspect_welfare_overdue"
WELFARE_CHECK_DUE_SOON = "welfare.welfare_check_due_soon"
WELFARE_CHECK_MISSED = "welfare.welfare_check_missed"
BAIL_ENDING = "welfare.bail_ending"
SWEEP_KINDS = (
    VICTIM_UPDATE_DUE_TODAY,
    VICTIM_UPDATE_OVERDUE,
    VICTIM_SUPPORT_REFERRAL_DUE_TODAY,
    VICTIM_SUPPORT_REFERRAL_OVERDUE,
    FAMILY_DUTY_DUE_TODAY,
    FAMILY_DUTY_OVERDUE,
    SUSPECT_WELFARE_DUE_TODAY,
    SUSPECT_WELFARE_OVERDUE,
    WELFARE_CHECK_DUE_SOON,
    WELFARE_CHECK_MISSED,
    BAIL_ENDING,
)
# How many (notice, person) pairs to check against the stored notifications at once.
_BATCH = 500

# Per kind of duty: its family (the notice kinds), what it is in words without
# anyone's name, and the case page section that shows it.
_DUTY_WORDS: dict[str, tuple[str, str, str]] = {
    DutyKind.VICTIM_UPDATE: ("victim_update", "A victim update", "victims-code"),
    DutyKind.VICTIM_SUPPORT_REFERRAL: (
        "victim_support_referral",
        "A victim's referral to support (or their recorded refusal)",
        "victims-code",
    ),
    DutyKind.FAMILY_PACK: (
        "family_duty",
        "A family pack for a suspect's family",
        "family-support",
    ),
    DutyKind.FAMILY_SUPPORT_OFFER: (
        "family_duty",
        "A support offer to a suspect's family",
        "family-support",
    ),
    DutyKind.CHILDREN_SAFEGUARDING_REFERRAL: (
        "family_duty",
        "A safeguarding referral for the children in a suspect's household",
        "family-support",
    ),
    DutyKind.WELFARE_SCREENING: (
        "suspect_welfare",
        "A suspect's welfare screening",
        "suspect-welfare",
    ),
    DutyKind.SAFETY_PLAN: ("suspect_welfare", "A suspect's safety plan", "suspect-welfare"),
    DutyKind.WELFARE_CHECK: (
        "welfare_check",
        "A 48-hour welfare check on a suspect",
        "suspect-welfare",
    ),
    DutyKind.WELFARE_CONTACT: (
        "suspect_welfare",
        "A welfare contact with a suspect",
        "suspect-welfare",
    ),
    DutyKind.WELFARE_CHECK_ESCALATION: (
        "welfare_check",
        "Action on a welfare check that could not reach a suspect",
        "suspect-welfare",
    ),
    # Recorded with the outcome, so the notice leads to the case's outcomes.
    DutyKind.CAUTION_COMPLIANCE: (
        "suspect_welfare",
        "A conditional caution's compliance",
        "outcomes",
    ),
    # The Victims' Right to Review (docs/adr/0017): victim updates of their own.
    DutyKind.RIGHT_TO_REVIEW: (
        "victim_update",
        "Telling a victim of their right to a review of a decision not to charge",
        "right-to-review",
    ),
    DutyKind.RIGHT_TO_REVIEW_RESULT: (
        "victim_update",
        "Telling a victim the result of their review",
        "right-to-review",
    ),
}


def _case_team(case: Case) -> TeamKey:
    # Whose supervisors stand in when nobody who can sign in answers for a duty.
    return (case.owning_agency_id, case.owning_agency.kind, case.team_id)


def _start_of_next_day(now: datetime) -> datetime:
    local = timezone.localtime(now)
    tomorrow = local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time.min), local.tzinfo)


def _duty_notice(duty: Duty, now: datetime) -> Notice | None:
    family, what, section = _DUTY_WORDS[duty.kind]
    due = duty.due_at
    missed = due < now
    if duty.due_by_clock:
        if not missed and due - now > CLOCK_DUE_SOON_WINDOW:
            return None
        notice = "missed" if missed else "due_soon"
        message = (
            f"{what} was due by {when_text(due)} and is not recorded as done."
            if missed
            else f"{what} is due by {when_text(due)}."
        )
    else:
        if not missed and timezone.localtime(due).date() != timezone.localtime(now).date():
            return None
        notice = "overdue" if missed else "due_today"
        message = (
            f"{what} was due by {when_text(due)} and is not recorded as done."
            if missed
            else f"{what} is due today (by {time_text(due)})."
        )
    return Notice(
        kind=f"welfare.{family}_{notice}",
        message=message,
        link=case_section_url(duty.case_id, section),
        # The due moment is part of the event: a duty whose deadline moved is news again.
        dedupe_key=f"duty:{duty.pk}:{notice}:{moment_key(due)}",
        # Missed deadlines go to the supervisors as well.
        responsible=named(duty.responsible),
        escalate=missed,
        team=_case_team(duty.case),
    )


def _duty_notices(now: datetime) -> Iterator[Notice]:
    # Working-day duties due before the day ends, clock duties due within the
    # window, and everything already past its deadline.
    horizon = max(_start_of_next_day(now), now + CLOCK_DUE_SOON_WINDOW)
    duties = (
        Duty.objects.filter(status=DutyStatus.OPEN, due_at__lte=horizon)
        .select_related("responsible", "case__owning_agency")
        .order_by("due_at", "id")
    )
    for duty in duties:
        notice = _duty_notice(duty, now)
        if notice is not None:
            yield notice


def _bail_message(ends_on: date, today: date, working_days: int) -> str:
    if ends_on == today:
        return f"Pre-charge bail in a case ends today ({day_text(ends_on)})."
    if working_days == 0:
        return f"Pre-charge bail in a case ends on {day_text(ends_on)} (no working days left)."
    ends = day_text(ends_on)
    return f"Pre-charge bail in a case ends on {ends} ({working_days_text(working_days)})."


def _bail_notices(now: datetime) -> Iterator[Notice]:
    today = timezone.localtime(now).date()
    # One query: every event of every suspect of an open case whose bail, as last
    # set, has not yet ended; `bail_state` reads each suspect's events in order.
    bailed = InvestigationEvent.objects.filter(
        kind__in=[EventKind.BAILED, EventKind.BAIL_EXTENDED],
        bail_end_on__gte=today,
        case__status=CaseStatus.OPEN,
    ).values("suspect_id")
    events = (
        InvestigationEvent.objects.filter(suspect_id__in=bailed)
        .select_related("case__lead_officer", "case__owning_agency")
        .order_by("suspect_id", "occurred_at", "created_at")
    )
    ending: list[tuple[InvestigationEvent, date]] = []
    for _, grouped in groupby(events, key=lambda event: event.suspect_id):
        suspect_events = list(grouped)
        _, ends_on = bail_state(suspect_events)
        if ends_on is not None and today <= ends_on <= today + _BAIL_HORIZON:
            ending.append((suspect_events[-1], ends_on))
    if not ending:
        return
    # The calendar is read once for all of them.
    between = working_days_between_any_of({today, *(ends_on for _, ends_on in ending)})
    for event, ends_on in ending:
        working_days = between(today, ends_on)
        if working_days > settings.BAIL_WARNING_WORKING_DAYS:
            continue
        yield Notice(
            kind=BAIL_ENDING,
            message=_bail_message(ends_on, today, working_days),
            link=case_section_url(event.case_id, "events"),
            # A new end date (an extension) is a new event.
            dedupe_key=f"bail:{event.suspect_id}:ends:{ends_on.isoformat()}:warning",
            responsible=named(event.case.lead_officer),
            escalate=True,
            team=_case_team(event.case),
        )


def duties_sweep(now: datetime | None = None) -> dict[str, int]:
    """Tell whoever answers for each duty due today, due soon or missed, and for
    each pre-charge bail about to end. Returns how many notifications of each kind
    it created: all zero on a second run over the same moment."""
    # In UTC: arithmetic on a datetime in Europe/London is wall-clock arithmetic,
    # and six hours before a deadline across the clock change are six real hours.
    now = (now or timezone.now()).astimezone(UTC)
    notices = (notice for source in (_duty_notices(now), _bail_notices(now)) for notice in source)
    created = notices_deliver(Recipients().pairs(notices), batch_size=_BATCH)
    return sweep_counts(SWEEP_KINDS, created)
