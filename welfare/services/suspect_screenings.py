"""Suspect welfare in and on release from custody: the suicide-risk screening and
the safety plan it calls for before release. All of it is in the suspect
compartment.

Choices made here:

* A screening that finds a risk (or cannot tell: unknown is never treated as safe)
  raises the person's suicide-risk flag, to be reviewed 28 days after the
  screening (never before today), unless one is live already.
* The safety plan it calls for is due within 4 hours of the screening, by the
  clock: before a release from custody, which rarely comes sooner.
* The 48-hour check is met only by speaking with the suspect, recorded on its own
  record (`welfare.services.welfare_checks.welfare_check_record`), which refuses a
  check before the release; a check that finds the risk higher opens a new screening
  and a new safety plan here.

The checks that every suspect welfare record makes (the caller's access, the
suspect chosen, a choice from a list) are here too. Incidents of self-harm,
attempted suicide or death, and the IOPC referral, are in
`welfare.services.suspect_incidents`."""

from datetime import date, datetime, timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from agencies import access
from agencies.models import Compartment
from cases.models import Case, CaseParty, InvestigationEvent, PartyRole
from cases.models.event import RELEASE_EVENTS
from cases.services.common import (
    case_action_require,
    case_open_require,
    log_case_access,
    not_in_future,
    raise_if,
)
from common.dates import day_text
from common.errors import NotFound
from common.history import history_note
from safeguarding.models import FlagKind
from safeguarding.services.flags import flag_raise
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    SafetyPlan,
    ScreeningResult,
    WelfareScreening,
)
from welfare.services.duties import duty_open
from welfare.services.suspect_duties import (
    clock_due,
    suicide_flag_is_live,
    welfare_check_open,
)
from welfare.services.validation import clean_errors

RECORD = "welfare.suspect.record"
# Set by the service from other records, once the screening's own rules are kept.
_SCREENING_SET_LATER = ("case", "suspect", "event", "screened_by", "flag")
FLAG_REVIEW_DAYS = 28
SAFETY_PLAN_DUE_HOURS = 4
AT_RISK_RESULTS = frozenset({ScreeningResult.AT_RISK, ScreeningResult.UNKNOWN})


def suspect_record_require(actor: User, case: Case) -> None:
    """Police casework of the owning force, cleared for the suspect compartment."""
    case_action_require(actor, RECORD, case)
    case_open_require(case)
    if not access.is_cleared_for(actor, Compartment.SUSPECT):
        raise NotFound()


def suspect_choice_check(
    case: Case, suspect: CaseParty | None, errors: dict[str, list[str]]
) -> None:
    if suspect is None or suspect.case_id != case.pk or suspect.role != PartyRole.SUSPECT:
        errors["suspect"] = ["Choose a suspect in this case."]


def _oldest_open(suspect: CaseParty, kind: str) -> QuerySet[Duty]:
    return (
        Duty.objects.select_for_update(of=("self",))
        .filter(party=suspect, kind=kind, status=DutyStatus.OPEN)
        .order_by("due_at", "created_at")
    )


def _duty_meet(duty: Duty, *, actor: User, at: datetime, note: str) -> None:
    duty.status = DutyStatus.MET
    duty.resolved_at = min(at, timezone.now())
    duty.resolved_by = actor
    duty.resolution_note = note
    duty.version += 1
    history_note(duty, actor=actor, reason=note)
    duty.save()


# --- The screening


@transaction.atomic
def welfare_screening_record(
    *,
    actor: User,
    case: Case,
    suspect: CaseParty | None,
    screened_at: datetime | None,
    thoughts_of_suicide: str,
    previous_attempts: str,
    mental_health_concerns: str,
    support_around_them: str,
    impact_on_job_and_family: str = "",
    result: str,
    notes: str = "",
    event: InvestigationEvent | None = None,
) -> WelfareScreening:
    """Record a screening; a risk found raises the flag and calls for a safety plan."""
    suspect_record_require(actor, case)
    errors: dict[str, list[str]] = {}
    suspect_choice_check(case, suspect, errors)
    answers = {
        "thoughts_of_suicide": thoughts_of_suicide,
        "previous_attempts": previous_attempts,
        "mental_health_concerns": mental_health_concerns,
        "support_around_them": support_around_them,
    }
    # Built from the input as given: full_clean() refuses a missing moment.
    screening = WelfareScreening(  # type: ignore[misc]
        case=case,
        screened_at=screened_at,
        screened_by=actor,
        **answers,
        impact_on_job_and_family=(impact_on_job_and_family or "").strip(),
        result=result,
        notes=(notes or "").strip(),
    )
    errors.update(clean_errors(screening, exclude=[*_SCREENING_SET_LATER, "screened_at"]))
    if screened_at is None:
        errors["screened_at"] = ["Enter when the screening took place."]
    else:
        not_in_future(screened_at, "screened_at", errors)
        if timezone.localtime(screened_at).date() < case.received_on:
            errors.setdefault("screened_at", []).append("Must not be before the case was received.")
    if event is not None and (suspect is None or event.suspect_id != getattr(suspect, "pk", None)):
        errors["event"] = ["Choose an event of this suspect."]
    raise_if(errors)
    suspect = cast(CaseParty, suspect)  # suspect_choice_check refused None
    screened_at = cast(datetime, screened_at)

    duty = _oldest_open(suspect, DutyKind.WELFARE_SCREENING).select_related("event").first()
    if event is None and duty is not None:
        event = duty.event
    screening.suspect = suspect
    screening.event = event
    at_risk = result in AT_RISK_RESULTS
    if at_risk and not suicide_flag_is_live(suspect):
        screening.flag = flag_raise(
            actor=actor,
            case=case,
            party=suspect,
            kind=FlagKind.SUICIDE_SELF_HARM,
            reason=f"Welfare screening: {ScreeningResult(result).label.lower()}.",
            review_on=_flag_review_on(screened_at),
        )
    history_note(screening, actor=actor, reason="welfare screening recorded")
    screening.save()
    if duty is not None:
        _duty_meet(
            duty,
            actor=actor,
            at=screened_at,
            note=f"Screened: {ScreeningResult(result).label.lower()}.",
        )
    if at_risk:
        _safety_plan_duty_open(actor=actor, screening=screening)
        if event is not None and event.kind in RELEASE_EVENTS:
            # Screened at release and found at risk: the 48-hour check runs from it.
            welfare_check_open(event=event, actor=actor)
    log_case_access(
        actor=actor,
        action="welfare.screening.recorded",
        case=case,
        object_type="welfare_screening",
        object_id=screening.pk,
        note=result,
    )
    return screening


def _flag_review_on(screened_at: datetime) -> date:
    review_on = timezone.localtime(screened_at).date() + timedelta(days=FLAG_REVIEW_DAYS)
    return max(review_on, timezone.localdate())


def _safety_plan_duty_open(*, actor: User, screening: WelfareScreening) -> None:
    suspect = screening.suspect
    plans = SafetyPlan.objects.filter(suspect=suspect)
    if plans.filter(released_at__isnull=True).exists():
        return
    # The screening at a release that already had its plan: that plan and the
    # 48-hour check cover it; a new plan is for the next time in custody.
    if (
        screening.event_id is not None
        and cast(InvestigationEvent, screening.event).kind in RELEASE_EVENTS
        and plans.filter(release_event_id=screening.event_id).exists()
    ):
        return
    if Duty.objects.filter(
        party=suspect, kind=DutyKind.SAFETY_PLAN, status=DutyStatus.OPEN
    ).exists():
        return
    local = timezone.localtime(screening.screened_at)
    duty_open(
        actor=actor,
        case=screening.case,
        party=suspect,
        kind=DutyKind.SAFETY_PLAN,
        trigger=DutyTrigger.SCREENING,
        reason=f"Screened {screening.get_result_display().lower()} on {day_text(local)}",
        due_at=clock_due(screening.screened_at, SAFETY_PLAN_DUE_HOURS),
        due_by_clock=True,
        source_key=f"screening:{screening.pk}:safety_plan",
        event=screening.event,
    )


# --- The safety plan


@transaction.atomic
def safety_plan_record(
    *,
    actor: User,
    case: Case,
    suspect: CaseParty | None,
    told: list[str],
    next_of_kin_consent: bool | None,
    support_offered: list[str],
    safe_release_arrangements: str,
    notes: str = "",
) -> SafetyPlan:
    suspect_record_require(actor, case)
    errors: dict[str, list[str]] = {}
    suspect_choice_check(case, suspect, errors)
    plan = SafetyPlan(
        case=case,
        told=list(dict.fromkeys(told or [])),
        next_of_kin_consent=next_of_kin_consent,
        support_offered=list(dict.fromkeys(support_offered or [])),
        safe_release_arrangements=(safe_release_arrangements or "").strip(),
        notes=(notes or "").strip(),
        created_by=actor,
    )
    errors.update(
        clean_errors(plan, exclude=["case", "suspect", "screening", "release_event", "created_by"])
    )
    raise_if(errors)
    suspect = cast(CaseParty, suspect)  # suspect_choice_check refused None
    plan.suspect = suspect
    plan.screening = (
        WelfareScreening.objects.filter(suspect=suspect).order_by("-screened_at").first()
    )
    duties = list(_oldest_open(suspect, DutyKind.SAFETY_PLAN).select_related("event"))
    late_release = next(
        (d.event for d in duties if d.event is not None and d.event.kind in RELEASE_EVENTS),
        None,
    )
    if late_release is not None:
        # Made after the release it should have preceded: it belongs to that release.
        plan.released_at = late_release.occurred_at
        plan.release_event = late_release
    history_note(plan, actor=actor, reason="safety plan recorded")
    plan.save()
    now = timezone.now()
    for duty in duties:
        _duty_meet(duty, actor=actor, at=now, note="Safety plan recorded.")
    log_case_access(
        actor=actor,
        action="welfare.safety_plan.recorded",
        case=case,
        object_type="safety_plan",
        object_id=plan.pk,
    )
    return plan
