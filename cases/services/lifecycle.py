"""Closing and reopening a case.

A case cannot be closed while duties of care are open on it: the refusal (409,
state `duties_open`) lists them. A supervisor may close it anyway, ending each open
duty with a reason of its own. The duties are welfare's (ADR 0005): cases asks for
them, and has them ended, through the handlers welfare registers
(`cases.events.CASE_OPEN_DUTIES`, `CASE_CLOSING`), so that cases imports nothing
above it. A supervisor may reopen a closed case, with a reason; the history keeps
both the closing and the reopening."""

from datetime import date
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from cases.events import (
    CASE_CLOSED,
    CASE_CLOSING,
    CASE_OPEN_DUTIES,
    CASE_REOPENED,
    OpenDuty,
    event_collect,
    event_dispatch,
)
from cases.models import (
    CLOSING_REASONS_CHOSEN_BY_HAND,
    Case,
    CaseStatus,
    CaseTransfer,
    ClosingReason,
    TransferState,
)
from cases.models.rules import written_reason
from cases.services.common import (
    case_action_require,
    in_order,
    log_case_access,
    not_in_future,
    raise_if,
    record_change,
)
from common.errors import InvalidState, ValidationError
from common.notifications import notify

DUTIES_OPEN = "duties_open"
TRANSFER_REQUESTED = "transfer_requested"


def case_open_duties(*, case: Case) -> list[OpenDuty]:
    """The duties of care still owed on the case, soonest due first."""
    return sorted(event_collect(CASE_OPEN_DUTIES, case=case), key=lambda duty: duty.due_at)


def open_duty_described(duty: OpenDuty) -> dict[str, Any]:
    """One open duty as a refusal names it (the API's `duties`)."""
    return {
        "id": duty.id,
        "label": duty.label,
        "due_at": duty.due_at.isoformat(),
        "responsible": duty.responsible,
    }


def _text(value: str | None, field: str, *, missing: str, errors: dict[str, list[str]]) -> str:
    return written_reason(value, field, missing=missing, errors=errors, what="it")


def _duty_reasons_checked(
    duties: list[OpenDuty], duty_reasons: dict[str, str], errors: dict[str, list[str]]
) -> dict[str, str]:
    """A reason for every open duty, and for nothing else: each named by the duty's
    id under `duty_reasons.<id>`."""
    open_ids = {duty.id for duty in duties}
    reasons: dict[str, str] = {}
    for duty in duties:
        reasons[duty.id] = _text(
            duty_reasons.get(duty.id),
            f"duty_reasons.{duty.id}",
            missing=f"Give the reason this duty ends: {duty.label}.",
            errors=errors,
        )
    unknown = sorted(str(key) for key in duty_reasons if str(key) not in open_ids)
    if unknown:
        errors.setdefault("duty_reasons", []).append(
            f"Not an open duty of this case: {', '.join(unknown)}."
        )
    return reasons


def _duties_open_refusal(case: Case, duties: list[OpenDuty], *, may_end: bool) -> InvalidState:
    count = len(duties)
    listed = "; ".join(duty.label for duty in duties)
    what = f"{count} duty of care is" if count == 1 else f"{count} duties of care are"
    then = (
        "Meet them first, or end each with a reason (duty_reasons) to close it anyway."
        if may_end
        else "Meet them first, or ask a supervisor to close the case, ending each with a reason."
    )
    return InvalidState(
        f"{case.reference} cannot be closed: {what} still open ({listed}). {then}",
        state=DUTIES_OPEN,
        details={"duties": [open_duty_described(duty) for duty in duties]},
    )


def _pending_transfer(case: Case) -> CaseTransfer | None:
    return (
        CaseTransfer.objects.select_related("to_agency")
        .filter(case=case, state=TransferState.REQUESTED)
        .first()
    )


@transaction.atomic
def case_close(
    *,
    actor: User,
    case: Case,
    closing_reason: str,
    note: str = "",
    closed_on: date | None = None,
    duty_reasons: dict[str, str] | None = None,
) -> Case:
    """Close the case. With duties of care open it is refused (409 `duties_open`,
    naming them) unless a supervisor gives a reason for ending each, in
    `duty_reasons` ({duty id: reason}); each duty is then ended with its reason."""
    case_action_require(actor, "cases.case.close", case)
    locked = Case.objects.select_for_update().select_related("owning_agency").get(pk=case.pk)
    if not locked.is_open:
        raise InvalidState("This case is already closed.", state=locked.status)
    pending = _pending_transfer(locked)
    if pending is not None:
        raise InvalidState(
            f"A transfer of {locked.reference} to {pending.to_agency.name} is waiting for "
            "their decision: withdraw it before closing the case.",
            state=TRANSFER_REQUESTED,
        )
    errors: dict[str, list[str]] = {}
    choosable = [value for value, _ in CLOSING_REASONS_CHOSEN_BY_HAND]
    if closing_reason not in choosable:
        # "Transferred" is kept for old cases; a transfer now moves the case instead.
        errors["closing_reason"] = [f"Choose one of: {', '.join(choosable)}."]
    if closing_reason == ClosingReason.OTHER and not note.strip():
        errors["note"] = ["Explain why the case is closed."]
    closed_on = closed_on or timezone.localdate()
    not_in_future(closed_on, "closed_on", errors)
    in_order(locked.opened_on, closed_on, "closed_on", errors, earlier_label="the date opened")
    raise_if(errors)
    duties = case_open_duties(case=locked)
    ended_note = ""
    if duties:
        may_end = access.can(actor, "cases.case.close_over_duties", locked)
        if not duty_reasons or not may_end:
            raise _duties_open_refusal(locked, duties, may_end=may_end)
        reasons = _duty_reasons_checked(duties, duty_reasons, errors)
        raise_if(errors)
        event_dispatch(CASE_CLOSING, case=locked, actor=actor, reasons=reasons)
        ended_note = f"; {len(duties)} open {'duty' if len(duties) == 1 else 'duties'} ended"
    elif duty_reasons:
        raise ValidationError({"duty_reasons": ["This case has no open duties to end."]})
    locked.status = CaseStatus.CLOSED
    locked.closing_reason = closing_reason
    locked.closing_note = note.strip()
    locked.closed_on = closed_on
    _case_moved(
        locked,
        actor=actor,
        change=f"closed: {ClosingReason(closing_reason).label.lower()}{ended_note}",
        action="cases.case.closed",
        note=f"{closing_reason}{ended_note}",
    )
    event_dispatch(CASE_CLOSED, case=locked, actor=actor)
    return locked


def _case_moved(locked: Case, *, actor: User, change: str, action: str, note: str) -> None:
    """A locked case closed or reopened: its next version, saved with the change in its
    history, and the access-log entry."""
    locked.version += 1
    record_change(locked, actor=actor, reason=change)
    locked.save()
    log_case_access(actor=actor, action=action, case=locked, note=note)


@transaction.atomic
def case_reopen(*, actor: User, case: Case, reason: str) -> Case:
    """A supervisor reopens a closed case, for a reason. The closing stays in the
    history (the record as it was when closed); the reopening follows it."""
    case_action_require(actor, "cases.case.reopen", case)
    locked = (
        # Only the case's row: PostgreSQL refuses FOR UPDATE across the nullable join.
        Case.objects.select_for_update(of=("self",))
        .select_related("owning_agency", "lead_officer")
        .get(pk=case.pk)
    )
    if locked.is_open:
        raise InvalidState("This case is open: only a closed case can be reopened.", state="open")
    errors: dict[str, list[str]] = {}
    reason = _text(reason, "reason", missing="Give the reason the case is reopened.", errors=errors)
    raise_if(errors)
    was = f"{ClosingReason(locked.closing_reason).label.lower()} on {locked.closed_on:%d %b %Y}"
    locked.status = CaseStatus.OPEN
    locked.closing_reason = ""
    locked.closing_note = ""
    locked.closed_on = None
    _case_moved(
        locked,
        actor=actor,
        change=f"reopened: {reason}",
        action="cases.case.reopened",
        note=f"closed as {was}; reopened: {reason}",
    )
    event_dispatch(CASE_REOPENED, case=locked, actor=actor, reason=reason)
    _tell_lead_officer_reopened(locked, actor)
    return locked


def _tell_lead_officer_reopened(case: Case, actor: User) -> None:
    lead = case.lead_officer
    if lead is None or lead.pk == actor.pk:
        return
    # Still a caseworker of the owning force: a lead who moved on is not told.
    if not access.holds_role(lead, agency_id=case.owning_agency_id, roles=access.CASEWORK):
        return
    notify(
        user=lead,
        kind="cases.case_reopened",
        message=f"Case {case.reference}, which you lead, was reopened.",
        link=reverse("case-detail", args=[case.pk]),
        dedupe_key=f"case:{case.pk}:reopened:{case.version}",
    )
