"""A conditional caution's compliance, as a duty (issue 16; Recommendations 13 and
18): when a caution's conditions fall due, the officer in charge records whether
they were complied with. Registered with cases' handler registry (cases.events) in
WelfareConfig.ready(); each handler runs inside the outcome's own transaction.

* The duty opens when the outcome is recorded as a conditional caution, on the
  case's lead officer (the officer in charge), once per outcome
  (`outcome:<id>:caution_compliance`).
* It is due at 17:00 Europe/London on the day the conditions are due, like every
  working-day duty. A due date that falls on a weekend or bank holiday is due at
  17:00 on the next working day: nobody can check a course attendance on a day
  nobody is at work, and the sweep would otherwise tell them on a Sunday.
* A changed due date moves it (the sweep tells again of the new moment); an
  outcome that is no longer a conditional caution closes it as no longer applying;
  one that becomes a conditional caution again opens it again.
* Recording the compliance, complied or not, meets it. What "not complied" opens
  (the prosecution decision) is cases' own work: `cases.services.outcomes`."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from cases.models import Outcome
from common.dates import day_text
from common.history import history_note
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger
from welfare.services.duties import (
    due_in_working_days,
    duties_close,
    duty_open,
    duty_resolution_save,
)

NO_LONGER_CONDITIONAL_NOTE = "The outcome is no longer a conditional caution."


def caution_source_key(outcome: Outcome) -> str:
    return f"outcome:{outcome.pk}:caution_compliance"


def compliance_page_path(duty: Duty) -> str | None:
    """Where a caution compliance duty is met: the outcome's compliance page, for
    whatever shows the duty (lists, calendar, API links). None for any other duty.
    From the duty's own key and case, with no query."""
    prefix, _, rest = duty.source_key.partition(":")
    if duty.kind != DutyKind.CAUTION_COMPLIANCE or prefix != "outcome":
        return None
    outcome_id = rest.split(":", 1)[0]
    return reverse("case-outcome-caution-compliance", args=[duty.case_id, outcome_id])


def caution_due_at(due_on: date) -> datetime:
    """17:00 Europe/London on the due day, or on the next working day after it."""
    start_of_day = datetime.combine(due_on, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))
    return due_in_working_days(start_of_day, 0)


def _reason(outcome: Outcome) -> str:
    # No conditions and no name: the duty's reason shows on lists and calendars.
    assert outcome.conditions_due_on is not None
    return (
        f"Conditional caution given {day_text(outcome.outcome_on)}; "
        f"conditions due by {day_text(outcome.conditions_due_on)}"
    )


def _is_owed(outcome: Outcome) -> bool:
    return (
        outcome.is_conditional_caution
        and outcome.conditions_due_on is not None
        and outcome.conditions_met is None
    )


def _duty_moved(duty: Duty, *, outcome: Outcome, actor: User) -> None:
    due_at = caution_due_at(outcome.conditions_due_on)  # type: ignore[arg-type]
    reason = _reason(outcome)
    if duty.due_at == due_at and duty.reason == reason:
        return
    duty.due_at = due_at
    duty.reason = reason
    duty.version += 1
    history_note(duty, actor=actor, reason=f"due date moved to {day_text(due_at)}")
    duty.save(update_fields=["due_at", "reason", "version"])


def _duty_reopened(duty: Duty, *, outcome: Outcome, actor: User) -> None:
    """A caution that stopped being conditional and became one again: the same duty
    (its key is the outcome's) is owed again, to the officer in charge now."""
    duty.status = DutyStatus.OPEN
    duty.resolved_at = None
    duty.resolved_by = None
    duty.resolution_note = ""
    duty.responsible = outcome.case.lead_officer
    duty.due_at = caution_due_at(outcome.conditions_due_on)  # type: ignore[arg-type]
    duty.reason = _reason(outcome)
    duty.version += 1
    history_note(duty, actor=actor, reason="reopened: a conditional caution again")
    duty.save()


def on_caution_changed(*, outcome: Outcome, actor: User) -> None:
    """Open, move or close the outcome's compliance duty to match its terms."""
    key = caution_source_key(outcome)
    existing = Duty.objects.select_for_update(of=("self",)).filter(source_key=key).first()
    if not _is_owed(outcome):
        if existing is not None:
            duties_close(
                Duty.objects.filter(pk=existing.pk),
                actor=actor,
                status=DutyStatus.CANCELLED,
                note=NO_LONGER_CONDITIONAL_NOTE,
            )
        return
    if existing is None:
        case = outcome.case
        duty_open(
            actor=actor,
            case=case,
            party=outcome.suspect,
            kind=DutyKind.CAUTION_COMPLIANCE,
            trigger=DutyTrigger.CAUTION_DUE,
            reason=_reason(outcome),
            due_at=caution_due_at(outcome.conditions_due_on),  # type: ignore[arg-type]
            source_key=key,
            # The officer in charge, whoever recorded the outcome.
            responsible=case.lead_officer,
        )
    elif existing.status == DutyStatus.OPEN:
        _duty_moved(existing, outcome=outcome, actor=actor)
    elif existing.status == DutyStatus.CANCELLED:
        _duty_reopened(existing, outcome=outcome, actor=actor)


def compliance_note(outcome: Outcome, note: str) -> str:
    assert outcome.conditions_checked_on is not None
    said = "Complied with" if outcome.conditions_met else "Not complied with"
    text = f"{said}; checked on {day_text(outcome.conditions_checked_on)}."
    if not outcome.conditions_met:
        text += " The prosecution decision is opened."
    return f"{text} {note}".strip()


def on_compliance_recorded(*, outcome: Outcome, actor: User, note: str = "") -> None:
    """Recording the compliance, either way, is what the duty asked: it is met. An
    outcome recorded before these duties existed has none, and needs none."""
    duty = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("case")
        .filter(source_key=caution_source_key(outcome), status=DutyStatus.OPEN)
        .first()
    )
    if duty is None:
        return
    duty.status = DutyStatus.MET
    duty.resolution_note = compliance_note(outcome, note)
    duty_resolution_save(
        duty,
        actor=actor,
        at=timezone.now(),
        reason="met: caution compliance recorded",
        log_note="complied" if outcome.conditions_met else "not complied",
        update_fields=[
            "status",
            "resolution_note",
            "resolved_at",
            "resolved_by",
            "version",
        ],
    )
