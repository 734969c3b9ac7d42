"""Retention of closed cases: the schedule set when a case closes (and lifted when it
reopens), the reviews of the records manager, and legal holds (docs/adr/0015).

A review keeps the case, with a new review date, or disposes of it
(records.services.disposal). A legal hold stops both until it is lifted, with a
reason. Every refusal of bad input names its field and changes nothing."""

from datetime import date
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from cases.models import Case, CaseStatus
from cases.models.rules import Errors, raise_if, written_reason
from common.api.concurrency import version_check
from common.dates import day_text
from common.errors import InvalidState, NotFound
from common.history import history_note
from records.models import (
    CaseRetention,
    LegalHold,
    LegalHoldKind,
    RetentionReview,
    RetentionRule,
    RetentionState,
    ReviewDecision,
)
from records.selectors.retention_rules import (
    first_review_on,
    retention_keep_until,
    rule_for_case,
    subject_born_on,
)

ON_HOLD = "on_hold"
NOT_ON_HOLD = "not_on_hold"


# --- The schedule


def retention_schedule(
    *, case: Case, actor: User | None, reason: str = "case closed"
) -> CaseRetention:
    """Give a closed case its rule (group) and its next review date, from its closing
    date. Idempotent: a case scheduled already is scheduled again from its current
    facts (a case closed again after reopening gets a fresh schedule)."""
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        raise InvalidState("Only a closed case has a retention schedule.", state=case.status)
    rule = rule_for_case(case)
    due = first_review_on(rule, closed_on=case.closed_on, born_on=subject_born_on(case.pk, rule))
    retention = CaseRetention.objects.select_for_update().filter(case_id=case.pk).first()
    if retention is None:
        retention = CaseRetention(case_id=case.pk)
    elif retention.is_disposed:
        raise InvalidState("This case was disposed of.", state=retention.state)
    else:
        retention.version += 1
    retention.agency_id = case.owning_agency_id
    retention.reference = case.reference
    retention.received_on = case.received_on
    retention.opened_on = case.opened_on
    retention.closed_on = case.closed_on
    retention.closing_reason = case.closing_reason
    retention.rule = rule
    retention.state = RetentionState.SCHEDULED
    retention.next_review_on = due
    retention.scheduled_at = timezone.now()
    history_note(retention, actor=actor, reason=f"{reason}: {rule.code}, review {due}")
    retention.save()
    return retention


def retention_schedule_lift(*, case: Case, actor: User | None, reason: str) -> None:
    """The case was reopened: no review is due while it is open. Its holds stay."""
    retention = CaseRetention.objects.select_for_update().filter(case_id=case.pk).first()
    if retention is None or retention.state != RetentionState.SCHEDULED:
        return
    retention.state = RetentionState.REOPENED
    retention.version += 1
    history_note(retention, actor=actor, reason=f"case reopened: {reason}")
    retention.save(update_fields=["state", "version"])


def retention_schedule_closed_cases() -> int:
    """Schedule every closed case that has no retention record yet (the cases closed
    before retention existed, or closed by a bulk load). Idempotent: returns how
    many it scheduled; a second run schedules none."""
    scheduled = 0
    waiting = (
        Case.objects.filter(status=CaseStatus.CLOSED)
        .exclude(pk__in=CaseRetention.objects.values("case_id"))
        .select_related("owning_agency")
        .order_by("closed_on", "id")
    )
    for case in waiting.iterator(chunk_size=500):
        with transaction.atomic():
            retention_schedule(case=case, actor=None, reason="scheduled for a case closed before")
        scheduled += 1
    return scheduled


# --- Reviews


def _log(actor: User, action: str, retention: CaseRetention, note: str) -> None:
    access_log_record(
        actor=actor,
        action=action,
        object_type="case",
        object_id=retention.case_id,
        object_agency_slug=retention.agency.slug,
        justification=f"{access.justification_for(actor, retention)}; {note}"[:500],
    )


def _locked(actor: User, case_id: UUID | str, action: str) -> CaseRetention:
    """The case's retention record, locked, for an actor who may take `action` on it:
    the same NotFound for another agency's, a missing one or a role that may not."""
    retention = (
        CaseRetention.objects.select_for_update(of=("self",))
        .select_related("agency", "rule")
        .filter(case_id=case_id)
        .first()
    )
    if retention is None or not access.can(actor, action, retention):
        raise NotFound()
    return retention


def _scheduled_require(retention: CaseRetention) -> None:
    if retention.state == RetentionState.DISPOSED:
        raise InvalidState(f"{retention.reference} was disposed of.", state=retention.state)
    if retention.state == RetentionState.REOPENED:
        raise InvalidState(
            f"{retention.reference} was reopened: it is reviewed once it is closed again.",
            state=retention.state,
        )


def _disposal_refusals(retention: CaseRetention, today: date, errors: Errors) -> None:
    if retention.next_review_on > today:
        errors.setdefault("decision", []).append(
            f"{retention.reference} is not due for review until "
            f"{day_text(retention.next_review_on)}: it cannot be disposed of before then."
        )
    floor, unknown = retention_keep_until(retention)
    if unknown:
        errors.setdefault("decision", []).append(
            f"Under {retention.rule.label} the case is kept until the {retention.rule.age_of} "
            f"would be {retention.rule.keep_until_age}, and not every {retention.rule.age_of}'s "
            "date of birth is recorded: keep it."
        )
    elif floor is not None and floor > today:
        errors.setdefault("decision", []).append(
            f"Under {retention.rule.label} the case is kept until {day_text(floor)}, when the "
            f"{retention.rule.age_of} would be {retention.rule.keep_until_age}."
        )


@transaction.atomic
def retention_review_record(
    *,
    actor: User,
    case_id: UUID | str,
    decision: str,
    reason: str,
    next_review_on: date | None = None,
    rule_code: str = "",
    expected_version: int | None = None,
) -> RetentionReview:
    """Record a review of a closed case: keep it, with the date of its next review
    (after today; optionally under another rule of the agency's kind), or dispose of
    it (when due, no hold in force, and past any age its rule keeps it to). Refused
    under a legal hold, naming `decision`."""
    action = (
        "records.retention.dispose"
        if decision == ReviewDecision.DISPOSE
        else "records.retention.review"
    )
    retention = _locked(actor, case_id, "records.retention.view")
    access.require(actor, action, retention)
    if expected_version is not None:
        version_check(retention, expected_version)
    _scheduled_require(retention)
    today = timezone.localdate()
    errors: Errors = {}
    reason = written_reason(
        reason, "reason", missing="Give the reason for the decision.", errors=errors
    )
    if decision not in ReviewDecision.values:
        errors.setdefault("decision", []).append("Choose keep or dispose.")
    elif retention.on_hold:
        errors.setdefault("decision", []).append(
            f"{retention.reference} is under a legal hold: it is neither reviewed nor "
            "disposed of until the hold is lifted."
        )
    rule_after = retention.rule
    if decision == ReviewDecision.KEEP:
        if next_review_on is None:
            errors.setdefault("next_review_on", []).append(
                "Enter the date of the next review, for example 27/03/2032."
            )
        elif next_review_on <= today:
            errors.setdefault("next_review_on", []).append("The next review must be after today.")
        if rule_code:
            chosen = RetentionRule.objects.filter(
                code=rule_code, agency_kind=retention.agency.kind
            ).first()
            if chosen is None:
                errors.setdefault("rule", []).append("Choose one of your agency's retention rules.")
            else:
                rule_after = chosen
    elif decision == ReviewDecision.DISPOSE:
        if next_review_on is not None:
            errors.setdefault("next_review_on", []).append(
                "A case disposed of has no next review: leave the date empty."
            )
        if rule_code and rule_code != retention.rule.code:
            errors.setdefault("rule", []).append("A case is disposed of under its own rule.")
        if "decision" not in errors:
            _disposal_refusals(retention, today, errors)
    raise_if(errors)
    review = RetentionReview.objects.create(
        retention=retention,
        decision=decision,
        reason=reason,
        next_review_on=next_review_on if decision == ReviewDecision.KEEP else None,
        was_due_on=retention.next_review_on,
        rule_before=retention.rule,
        rule_after=rule_after,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    if decision == ReviewDecision.KEEP:
        assert next_review_on is not None
        retention.next_review_on = next_review_on
        retention.rule = rule_after
        retention.version += 1
        history_note(retention, actor=actor, reason=f"kept: review {next_review_on}")
        retention.save(update_fields=["next_review_on", "rule", "version"])
        _log(actor, "records.retention.kept", retention, f"kept, next review {next_review_on}")
    else:
        from records.services.disposal import case_dispose

        case_dispose(actor=actor, retention=retention, reason=reason)
    return review


# --- Legal holds


@transaction.atomic
def legal_hold_place(*, actor: User, case_id: UUID | str, kind: str, reason: str) -> LegalHold:
    """Place a legal hold on a closed case: no review and no disposal until it is
    lifted. One in force at a time (409 `on_hold`)."""
    retention = _locked(actor, case_id, "records.retention.view")
    access.require(actor, "records.retention.hold", retention)
    _scheduled_require(retention)
    if retention.on_hold:
        raise InvalidState(f"{retention.reference} is already under a legal hold.", state=ON_HOLD)
    errors: Errors = {}
    if kind not in LegalHoldKind.values:
        errors["kind"] = [f"Choose one of: {', '.join(LegalHoldKind.values)}."]
    reason = written_reason(
        reason, "reason", missing="Say what the hold is for (the inquiry or claim).", errors=errors
    )
    raise_if(errors)
    hold = LegalHold(
        retention=retention, kind=kind, reason=reason, placed_by=actor, placed_at=timezone.now()
    )
    history_note(hold, actor=actor, reason="legal hold placed")
    hold.save()
    retention.on_hold = True
    retention.version += 1
    history_note(retention, actor=actor, reason=f"legal hold placed: {kind}")
    retention.save(update_fields=["on_hold", "version"])
    _log(actor, "records.legal_hold.placed", retention, f"legal hold placed: {kind}")
    return hold


@transaction.atomic
def legal_hold_lift(
    *, actor: User, case_id: UUID | str, reason: str, expected_version: int | None = None
) -> LegalHold:
    """Lift the hold in force, with a reason (refused naming `reason` without one;
    409 `not_on_hold` when none is in force)."""
    retention = _locked(actor, case_id, "records.retention.view")
    access.require(actor, "records.retention.hold", retention)
    if expected_version is not None:
        version_check(retention, expected_version)
    hold = (
        LegalHold.objects.select_for_update()
        .filter(retention=retention, lifted_at__isnull=True)
        .first()
    )
    if hold is None:
        raise InvalidState(f"{retention.reference} is not under a legal hold.", state=NOT_ON_HOLD)
    errors: Errors = {}
    reason = written_reason(
        reason, "reason", missing="Give the reason the hold is lifted.", errors=errors
    )
    raise_if(errors)
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    history_note(hold, actor=actor, reason="legal hold lifted")
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    retention.on_hold = False
    retention.version += 1
    history_note(retention, actor=actor, reason="legal hold lifted")
    retention.save(update_fields=["on_hold", "version"])
    _log(actor, "records.legal_hold.lifted", retention, "legal hold lifted")
    return hold


def review_choices(retention: CaseRetention) -> list[tuple[str, Any]]:
    """The rules a review may move the case to: its agency kind's."""
    return [
        (rule.code, rule.label)
        for rule in RetentionRule.objects.filter(agency_kind=retention.agency.kind)
    ]
