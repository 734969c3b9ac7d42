"""Welfare checks on a suspect: the 48-hour check after a release at risk, its second
attempt, a welfare contact of the cadence, and the supervisor's action when a
check twice could not reach the person. Each attempt is a `WelfareCheckAttempt`
with the contact it logged.

Choices made here, and why:

* A check is met only by speaking with the person: by phone, video call or in
  person (`SPOKEN_CHANNELS`). A letter, email or text can be logged as an attempt
  ("could not reach", "declined"), never as "spoke with them": a duty of care is
  never quietly met by a letter nobody may read.
* "Could not reach" closes the duty as NOT_REACHED and opens a second attempt due
  `SECOND_ATTEMPT_HOURS` real hours after the attempt, by the clock (in UTC, so
  right across midnight and the clock change), on the same officer. A second
  attempt that fails escalates: a WELFARE_CHECK_ESCALATION duty on the first of
  the responsible officer's supervisors (their team's, else their agency's), due
  `ESCALATION_DUE_HOURS` hours after the failure, every one of those supervisors
  told. The supervisor answers it with what was done (a welfare visit by patrol,
  say), in words: required.
* "They declined to talk" is not met: nobody spoke with them about their risk.
  The duty closes as DECLINED (shown as such, counted apart in the statistics,
  never "on time") and the officer's supervisors are told, so that someone who
  knows the case decides what next (a visit, the GP, the crisis team); a second
  attempt would only press someone who has said no.
* "Spoke with them" needs the risk now (lower, unchanged, higher), what was said
  and the support offered again. "Higher" reopens the screening (a new screening
  duty, due `RESCREEN_DUE_HOURS` hours by the clock) and asks for a new safety plan
  (a safety-plan duty, due as one after a screening), and the supervisors are told.
* A check made after its due moment is "made N hours late": whole hours, rounded
  up, so that 10 minutes late reads "made 1 hour late" and nothing late is ever
  shown as on time (`late_by_hours`, `late_text`).
"""

from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction

from agencies import access
from agencies.models import Role
from cases.models import ContactChannel, ContactDirection, ContactLog
from cases.services.common import (
    case_action_require,
    case_open_require,
    log_case_access,
    not_in_future,
    raise_if,
)
from cases.services.records import contact_log
from common.dates import when_text
from common.errors import AccessDenied, InvalidState, NotFound, ValidationError
from common.history import history_note
from welfare.check_lateness import (
    WELFARE_CHECK_DUTIES,
    late_by_hours,
    late_text,
)
from welfare.models import (
    CheckOutcome,
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    RiskNow,
    WelfareCheckAttempt,
)
from welfare.services.duties import duty_resolution_save
from welfare.services.duty_meet import duty_began_at
from welfare.services.welfare_check_followups import welfare_check_followups

SPOKEN_CHANNELS = frozenset({ContactChannel.PHONE, ContactChannel.VIDEO, ContactChannel.VISIT})
ATTEMPT_OUTCOMES = (CheckOutcome.SPOKE, CheckOutcome.NOT_REACHED, CheckOutcome.DECLINED)
ESCALATION_ROLES = frozenset({Role.POLICE_SUPERVISOR})
MEET = "welfare.duty.meet"


def _earlier_attempt_at(duty: Duty) -> datetime | None:
    """When the attempt that opened this second attempt or escalation was made (its
    key names it: `check:<attempt>:...`); None for a first check."""
    prefix, _, rest = duty.source_key.partition(":")
    if prefix != "check" or duty.trigger not in (
        DutyTrigger.SECOND_ATTEMPT,
        DutyTrigger.CHECK_ESCALATED,
    ):
        return None
    attempt_id = rest.split(":", 1)[0]
    return (
        WelfareCheckAttempt.objects.filter(pk=attempt_id).values_list("made_at", flat=True).first()
    )


def _errors_of_attempt(
    *,
    duty: Duty,
    outcome: str,
    channel: str,
    made_at: datetime | None,
    risk_now: str,
    what_was_said: str,
    support_offered: str,
    action_taken: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if made_at is None:
        errors["made_at"] = ["Enter when the check was made."]
    else:
        not_in_future(made_at, "made_at", errors)
        earlier = _earlier_attempt_at(duty)
        if earlier is not None and made_at < earlier:
            errors.setdefault("made_at", []).append(
                f"This attempt must be after the attempt it follows, made at {when_text(earlier)}."
            )
        elif made_at < duty_began_at(duty):
            errors.setdefault("made_at", []).append(
                "The check must be after the release it follows, not before."
                if duty.event_id
                else "The check must be after the duty began."
            )
    if duty.kind == DutyKind.WELFARE_CHECK_ESCALATION:
        if not action_taken.strip():
            errors["action_taken"] = [
                "Say what was done, for example a welfare visit by patrol, and what it found."
            ]
        return errors
    if outcome not in ATTEMPT_OUTCOMES:
        errors["outcome"] = [
            "Choose spoke with them, could not reach them, or they declined to talk."
        ]
        return errors
    if channel not in ContactChannel.values:
        errors["channel"] = ["Choose how the check was made."]
    elif outcome == CheckOutcome.SPOKE and channel not in SPOKEN_CHANNELS:
        errors["channel"] = [
            "A welfare check is met only by speaking with the person: by phone, video call "
            "or in person. A letter, email or text can be logged as could not reach them."
        ]
    if outcome == CheckOutcome.SPOKE:
        if risk_now not in RiskNow.values:
            errors["risk_now"] = ["Choose whether their risk is now lower, unchanged or higher."]
        if not what_was_said.strip():
            errors["what_was_said"] = ["Say what was said: how they are, what they told you."]
        if not support_offered.strip():
            errors["support_offered"] = [
                "Say what support was offered again (Samaritans, Stop It Now, their GP), "
                "or that they refused it."
            ]
    return errors


@transaction.atomic
def welfare_check_record(
    *,
    actor: User,
    duty: Duty,
    outcome: str = "",
    channel: str = "",
    made_at: datetime | None = None,
    risk_now: str = "",
    what_was_said: str = "",
    support_offered: str = "",
    action_taken: str = "",
    notes: str = "",
    direction: str = ContactDirection.OUTBOUND,
) -> WelfareCheckAttempt:
    """Record an attempt at a welfare check (WELFARE_CHECK, WELFARE_CONTACT), or the
    supervisor's action on a WELFARE_CHECK_ESCALATION, and close the duty by it.

    Refused with nothing changed: NotFound (or AccessDenied) as `duty_meet_by_contact`
    is; InvalidState (409) for a duty no longer open; ValidationError naming the
    field: `outcome`, `channel` (a letter, email or text as "spoke with them"),
    `made_at` (missing, in the future, before the release), `risk_now`,
    `what_was_said`, `support_offered` for "spoke with them", `action_taken` for an
    escalation."""
    case_action_require(actor, MEET, duty.case)
    case_open_require(duty.case)
    if not access.is_cleared_for(actor, duty.compartment):
        raise NotFound()
    locked = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency", "party__person", "event", "responsible")
        .get(pk=duty.pk)
    )
    if locked.status != DutyStatus.OPEN:
        raise InvalidState(
            f"This duty is no longer open: it is {locked.get_status_display().lower()}.",
            state=locked.status,
        )
    if locked.kind not in WELFARE_CHECK_DUTIES:
        raise ValidationError({"outcome": ["This duty is not a welfare check."]})
    if locked.kind == DutyKind.WELFARE_CHECK_ESCALATION:
        # The supervisor acts, not the officer whose two attempts failed: the one it
        # fell to, or another supervisor of the force standing in.
        if actor.pk != locked.responsible_id and not access.holds_role(
            actor, agency_id=locked.agency_id, roles=ESCALATION_ROLES
        ):
            raise AccessDenied("welfare.check.escalation")
        outcome = CheckOutcome.ACTION_RECORDED
    errors = _errors_of_attempt(
        duty=locked,
        outcome=outcome,
        channel=channel or "",
        made_at=made_at,
        risk_now=risk_now or "",
        what_was_said=what_was_said or "",
        support_offered=support_offered or "",
        action_taken=action_taken or "",
    )
    raise_if(errors)
    assert made_at is not None  # refused above
    contact = None
    if outcome != CheckOutcome.ACTION_RECORDED:
        contact = contact_log(
            actor=actor,
            case=locked.case,
            party=locked.party,
            channel=channel,
            summary=_contact_summary(
                outcome=outcome,
                risk_now=risk_now,
                what_was_said=what_was_said,
                support_offered=support_offered,
                notes=notes,
            ),
            contacted_at=made_at,
            direction=direction or ContactDirection.OUTBOUND,
        )
    late = late_by_hours(locked.due_at, made_at)
    attempt = WelfareCheckAttempt(
        duty=locked,
        case=locked.case,
        suspect=locked.party,
        contact=contact,
        outcome=outcome,
        made_at=made_at,
        risk_now=risk_now if outcome == CheckOutcome.SPOKE else "",
        what_was_said=(what_was_said or "").strip() if outcome == CheckOutcome.SPOKE else "",
        support_offered=(support_offered or "").strip() if outcome == CheckOutcome.SPOKE else "",
        action_taken=(action_taken or "").strip(),
        notes=(notes or "").strip(),
        made_late_by_hours=late,
        made_by=actor,
    )
    attempt.full_clean(exclude=["duty", "case", "suspect", "contact", "made_by"])
    history_note(attempt, actor=actor, reason=f"welfare check: {attempt.get_outcome_display()}")
    attempt.save()

    locked.status = _STATUS_OF[outcome]
    locked.contact = contact
    locked.resolution_note = _resolution_note(attempt, contact, late)
    duty_resolution_save(
        locked,
        actor=actor,
        at=made_at,
        reason=f"welfare check: {attempt.get_outcome_display().lower()}",
        log_note=f"{locked.kind}:{outcome}",
    )
    log_case_access(
        actor=actor,
        action="welfare.check.recorded",
        case=locked.case,
        object_type="welfare_check",
        object_id=attempt.pk,
        note=outcome,
    )
    welfare_check_followups(actor=actor, duty=locked, attempt=attempt, contact=contact)
    return attempt


_STATUS_OF: dict[str, str] = {
    CheckOutcome.SPOKE: DutyStatus.MET,
    CheckOutcome.ACTION_RECORDED: DutyStatus.MET,
    CheckOutcome.NOT_REACHED: DutyStatus.NOT_REACHED,
    CheckOutcome.DECLINED: DutyStatus.DECLINED,
}


def _contact_summary(
    *, outcome: str, risk_now: str, what_was_said: str, support_offered: str, notes: str
) -> str:
    parts = [f"Welfare check: {CheckOutcome(outcome).label.lower()}."]
    if outcome == CheckOutcome.SPOKE:
        parts.append(f"Risk now {RiskNow(risk_now).label.lower()}.")
        parts.append(what_was_said.strip())
        parts.append(f"Support offered again: {support_offered.strip()}")
    if notes.strip():
        parts.append(notes.strip())
    return " ".join(part for part in parts if part)


def _resolution_note(
    attempt: WelfareCheckAttempt, contact: ContactLog | None, late: int | None
) -> str:
    if attempt.outcome == CheckOutcome.ACTION_RECORDED:
        note = f"Action taken: {attempt.action_taken}"
    else:
        assert contact is not None
        note = f"{attempt.get_outcome_display()} ({contact.get_channel_display().lower()})"
        if attempt.outcome == CheckOutcome.SPOKE:
            note += f"; risk now {attempt.get_risk_now_display().lower()}"
    note = note.rstrip(". ")
    if late:
        note += f"; {late_text(late)}"
    return f"{note}."
