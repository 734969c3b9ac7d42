"""A conditional caution after it is given (issue 16): its terms changed, and
whether it was complied with, recorded once.

The duty that reminds the officer in charge of the due date is welfare's
(`welfare.services.caution_duties`); cases tells it through its registry
(`cases.events`), inside the same transaction, so that a duty is never left open on
a caution whose compliance is recorded, nor due on a date that has changed.

"Not complied" opens the prosecution decision. The case already says a
prosecution decision is needed (`cases.reports.prosecution_decision_due`: the
outcome's own state, shown on the case page's outcomes and in the API); what was
missing was someone to make it. So a task opens on the officer in charge: "Make the
prosecution decision", due `PROSECUTION_DECISION_WORKING_DAYS` working days after
the non-compliance is recorded, on the case's Tasks section and the officer's "My
tasks". A task, not a duty: a duty is owed to a person in the case (a victim, a
suspect, a family), while the decision to charge or take no further action is the
investigation's own work, recorded when made as an event (CHARGED,
NO_FURTHER_ACTION) and then marked done."""

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.working_days import add_working_days
from cases.events import CAUTION_COMPLIANCE_RECORDED, OUTCOME_CAUTION_CHANGED, event_dispatch
from cases.models import Case, Outcome, Task
from cases.models.outcome import CONDITIONAL_CAUTION_CODES
from cases.models.rules import Errors, in_order, not_in_future, raise_if, written_reason
from cases.services.common import (
    case_action_require,
    case_open_require,
    case_record_save,
    log_case_access,
    record_change,
)
from common.api.concurrency import version_check
from common.dates import day_text
from common.errors import InvalidState
from common.notifications import notify

# A week of working days: long enough to consult the CPS where the charging
# standard asks for it, short enough that the offender is not left to assume the
# caution is the end of it.
PROSECUTION_DECISION_WORKING_DAYS = 5
PROSECUTION_DECISION_TITLE = "Make the prosecution decision: caution conditions not complied with"
NOTE_MAX_LENGTH = 2000


def caution_state(outcome: Outcome) -> str:
    """Where a caution's compliance stands, in one word for the API and the page."""
    if not outcome.is_conditional_caution:
        return "not_conditional_caution"
    if outcome.conditions_met is None:
        return "compliance_due"
    return "complied" if outcome.conditions_met else "not_complied"


def _already_recorded(outcome: Outcome) -> InvalidState:
    return InvalidState(
        "Whether the conditions were complied with is already recorded.",
        state=caution_state(outcome),
    )


def _locked(actor: User, outcome: Outcome, expected_version: int | None) -> Outcome:
    """The outcome, locked, after the checks every change of a caution asks."""
    case = outcome.case
    case_action_require(actor, "cases.outcome.add", case)
    case_open_require(case)
    locked = Outcome.objects.select_for_update().select_related("case").get(pk=outcome.pk)
    if expected_version is not None:
        version_check(locked, expected_version)
    return locked


def _prosecution_decision_open(*, actor: User, outcome: Outcome, note: str) -> Task:
    case: Case = outcome.case
    # The officer in charge, when they can still be given work in the force; else
    # whoever recorded the non-compliance, so that the decision is someone's.
    lead = case.lead_officer
    assignee = (
        lead
        if access.holds_role(lead, agency_id=case.owning_agency_id, roles=access.CASEWORK)
        else actor
    )
    assert assignee is not None
    due_on = add_working_days(timezone.now(), PROSECUTION_DECISION_WORKING_DAYS).date()
    checked_on = outcome.conditions_checked_on
    assert checked_on is not None
    task_note = (
        f"The conditions of the conditional caution given {day_text(outcome.outcome_on)} "
        f"were not complied with (checked {day_text(checked_on)}). Decide whether to "
        "prosecute for the original offence, and record the decision on the case."
    )
    if note:
        task_note += f"\n\n{note}"
    task = Task(
        case=case,
        agency_id=case.owning_agency_id,
        title=PROSECUTION_DECISION_TITLE,
        note=task_note,
        assignee=assignee,
        due_on=due_on,
        created_by=actor,
    )
    task.full_clean()
    case_record_save(
        task,
        actor=actor,
        case=case,
        reason="prosecution decision opened: caution not complied with",
        action="cases.task.created",
        object_type="task",
        note=f"prosecution decision for outcome {outcome.pk}",
    )
    if assignee.pk != actor.pk:
        notify(
            user=assignee,
            kind="cases.task_assigned",
            message=f"You have a new task, due {day_text(due_on)}.",
            link=reverse("case-detail", args=[case.pk]),
            dedupe_key=f"task:{task.pk}:assigned",
        )
    return task


@transaction.atomic
def caution_compliance_record(
    *,
    actor: User,
    outcome: Outcome,
    complied: bool | None,
    checked_on: date | None,
    note: str = "",
    expected_version: int | None = None,
) -> Outcome:
    """Whether a conditional caution's conditions were complied with, as checked on
    `checked_on`: recorded once. Meets its compliance duty; "not complied" opens the
    prosecution decision (see the module's docstring).

    Refused, with nothing changed: not a conditional caution (409,
    `not_conditional_caution`); already recorded (409, `complied` or
    `not_complied`); a stale `expected_version` (412); no choice (`complied`), no
    date, a date in the future or before the caution (`checked_on`); a note past
    2000 characters (`note`)."""
    locked = _locked(actor, outcome, expected_version)
    if not locked.is_conditional_caution:
        raise InvalidState(
            "Only a conditional caution has conditions to comply with.",
            state="not_conditional_caution",
        )
    if locked.conditions_met is not None:
        raise _already_recorded(locked)
    errors: Errors = {}
    if not isinstance(complied, bool):
        errors["complied"] = ["Say whether the conditions were complied with."]
    if checked_on is None:
        errors["checked_on"] = ["Enter the date the compliance was checked."]
    not_in_future(checked_on, "checked_on", errors)
    in_order(
        locked.outcome_on,
        checked_on,
        "checked_on",
        errors,
        earlier_label="the caution",
    )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [f"Keep the note to {NOTE_MAX_LENGTH} characters or fewer."]
    raise_if(errors)
    locked.conditions_met = complied
    locked.conditions_checked_on = checked_on
    locked.version += 1
    record_change(
        locked,
        actor=actor,
        reason="caution conditions complied with" if complied else "caution conditions not met",
    )
    locked.save(update_fields=["conditions_met", "conditions_checked_on", "version"])
    log_case_access(
        actor=actor,
        action="cases.outcome.conditions_recorded",
        case=locked.case,
        object_type="outcome",
        object_id=locked.pk,
        note="met" if complied else "not met",
    )
    if not complied:
        _prosecution_decision_open(actor=actor, outcome=locked, note=note)
    event_dispatch(CAUTION_COMPLIANCE_RECORDED, outcome=locked, actor=actor, note=note)
    return locked


def _caution_terms_errors(
    outcome: Outcome, caution_conditions: str, conditions_due_on: date | None, errors: Errors
) -> None:
    if caution_conditions:
        if outcome.code not in CONDITIONAL_CAUTION_CODES:
            errors["caution_conditions"] = [
                "Conditions are recorded only with a caution (outcome 2, 2A, 3 or 3A)."
            ]
        if conditions_due_on is None:
            errors["conditions_due_on"] = ["Enter the date by which the conditions must be met."]
        elif conditions_due_on <= outcome.outcome_on:
            errors["conditions_due_on"] = ["Must be after the date of the outcome."]
    elif conditions_due_on is not None:
        errors["conditions_due_on"] = [
            "A due date is recorded only with the conditions of a conditional caution."
        ]


@transaction.atomic
def outcome_caution_change(
    *,
    actor: User,
    outcome: Outcome,
    caution_conditions: str,
    conditions_due_on: date | None,
    reason: str,
    expected_version: int | None = None,
) -> Outcome:
    """Change a caution's conditions or their due date, or withdraw the conditions
    (empty `caution_conditions`: a simple caution). Its compliance duty follows:
    moved to the new date, or closed as no longer applying. Refused once the
    compliance is recorded (409), and with the same rules on the fields as when the
    outcome was recorded, plus a written `reason`."""
    locked = _locked(actor, outcome, expected_version)
    if locked.conditions_met is not None:
        raise _already_recorded(locked)
    errors: Errors = {}
    caution_conditions = (caution_conditions or "").strip()
    _caution_terms_errors(locked, caution_conditions, conditions_due_on, errors)
    reason = written_reason(
        reason, "reason", missing="Say why the caution's terms changed.", errors=errors
    )
    raise_if(errors)
    locked.is_conditional_caution = bool(caution_conditions)
    locked.caution_conditions = caution_conditions
    locked.conditions_due_on = conditions_due_on if caution_conditions else None
    locked.version += 1
    record_change(locked, actor=actor, reason=f"caution terms changed: {reason}")
    locked.save(
        update_fields=[
            "is_conditional_caution",
            "caution_conditions",
            "conditions_due_on",
            "version",
        ]
    )
    log_case_access(
        actor=actor,
        action="cases.outcome.caution_changed",
        case=locked.case,
        object_type="outcome",
        object_id=locked.pk,
        note="conditional" if caution_conditions else "conditions withdrawn",
    )
    event_dispatch(OUTCOME_CAUTION_CHANGED, outcome=locked, actor=actor)
    return locked
