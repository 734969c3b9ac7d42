"""What follows a welfare check attempt (`welfare.services.welfare_checks`): the
second attempt after "could not reach them", the supervisor's escalation after a
second failure, the supervisors told of a refusal, and the screening and safety
plan asked for again when the risk is higher. Each opened once, whatever retries
(`duty_open`'s source key names the attempt)."""

from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from agencies.selectors.supervision import supervisors_of
from cases.models import ContactLog
from common.dates import when_text
from common.notifications import notify
from welfare.models import (
    CheckOutcome,
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    RiskNow,
    WelfareCheckAttempt,
)
from welfare.services.duties import duty_open
from welfare.services.suspect_duties import clock_due

SECOND_ATTEMPT_HOURS = 4
ESCALATION_DUE_HOURS = 4
RESCREEN_DUE_HOURS = 2
SAFETY_PLAN_DUE_HOURS = 4


def _notify_all(people: list[User], *, duty: Duty, kind: str, message: str) -> None:
    link = reverse("duty-welfare-check", args=[duty.pk])
    for person in people:
        notify(
            user=person,
            kind=kind,
            message=message,
            link=link,
            dedupe_key=f"{kind}:{duty.pk}:{person.pk}",
        )


def _supervisors(duty: Duty, actor: User) -> list[User]:
    return supervisors_of(duty.responsible or actor)


def welfare_check_followups(
    *, actor: User, duty: Duty, attempt: WelfareCheckAttempt, contact: ContactLog | None
) -> None:
    reference = duty.case.reference
    if attempt.outcome == CheckOutcome.NOT_REACHED:
        if duty.trigger == DutyTrigger.SECOND_ATTEMPT:
            _escalate(actor=actor, duty=duty, attempt=attempt)
        else:
            _second_attempt_open(actor=actor, duty=duty, attempt=attempt)
            return  # the chain goes on: no next cadence contact yet
    elif attempt.outcome == CheckOutcome.DECLINED:
        _notify_all(
            _supervisors(duty, actor),
            duty=duty,
            kind="welfare.check_declined",
            message=f"{reference}: a suspect at risk declined to talk at a welfare check.",
        )
    elif attempt.outcome == CheckOutcome.SPOKE and attempt.risk_now == RiskNow.HIGHER:
        _risk_higher(actor=actor, duty=duty, attempt=attempt)
    if duty.kind == DutyKind.WELFARE_CONTACT and contact is not None:
        from welfare.services.suspect_duties import welfare_contact_next

        welfare_contact_next(actor=actor, duty=duty, contact=contact)


def _second_attempt_open(*, actor: User, duty: Duty, attempt: WelfareCheckAttempt) -> Duty:
    return duty_open(
        actor=actor,
        case=duty.case,
        party=duty.party,
        kind=duty.kind,
        trigger=DutyTrigger.SECOND_ATTEMPT,
        reason=f"Second attempt: could not reach them at {when_text(attempt.made_at)}",
        due_at=clock_due(attempt.made_at, SECOND_ATTEMPT_HOURS),
        due_by_clock=True,
        source_key=f"check:{attempt.pk}:second_attempt",
        event=duty.event,
        responsible=duty.responsible,
    )


def _escalate(*, actor: User, duty: Duty, attempt: WelfareCheckAttempt) -> Duty:
    supervisors = _supervisors(duty, actor)
    escalation = duty_open(
        actor=actor,
        case=duty.case,
        party=duty.party,
        kind=DutyKind.WELFARE_CHECK_ESCALATION,
        trigger=DutyTrigger.CHECK_ESCALATED,
        reason="Could not reach them at two welfare check attempts: act, and record what was done",
        due_at=clock_due(attempt.made_at, ESCALATION_DUE_HOURS),
        due_by_clock=True,
        source_key=f"check:{attempt.pk}:escalation",
        event=duty.event,
        responsible=supervisors[0] if supervisors else duty.responsible,
    )
    _notify_all(
        supervisors,
        duty=escalation,
        kind="welfare.check_escalated",
        message=(
            f"{duty.case.reference}: a welfare check could not reach a suspect at risk twice. "
            "Act, and record what was done."
        ),
    )
    return escalation


def _risk_higher(*, actor: User, duty: Duty, attempt: WelfareCheckAttempt) -> None:
    reason = f"The welfare check at {when_text(attempt.made_at)} found the risk higher"
    common: dict[str, Any] = {
        "actor": actor,
        "case": duty.case,
        "party": duty.party,
        "trigger": DutyTrigger.RISK_HIGHER,
        "due_by_clock": True,
        "responsible": duty.responsible,
    }
    if not Duty.objects.filter(
        party=duty.party, kind=DutyKind.WELFARE_SCREENING, status=DutyStatus.OPEN
    ).exists():
        duty_open(
            **common,
            kind=DutyKind.WELFARE_SCREENING,
            reason=f"{reason}: screen them again",
            due_at=clock_due(attempt.made_at, RESCREEN_DUE_HOURS),
            source_key=f"check:{attempt.pk}:welfare_screening",
        )
    if not Duty.objects.filter(
        party=duty.party, kind=DutyKind.SAFETY_PLAN, status=DutyStatus.OPEN
    ).exists():
        duty_open(
            **common,
            kind=DutyKind.SAFETY_PLAN,
            reason=f"{reason}: make a new safety plan",
            due_at=clock_due(attempt.made_at, SAFETY_PLAN_DUE_HOURS),
            source_key=f"check:{attempt.pk}:safety_plan",
        )
    _notify_all(
        _supervisors(duty, actor),
        duty=duty,
        kind="welfare.check_risk_higher",
        message=f"{duty.case.reference}: a welfare check found a suspect's risk higher.",
    )
