"""The Victims' Right to Review (docs/adr/0017): which recorded outcomes are decisions
not to charge that a victim may ask to have reviewed, under whose scheme, and the
duties that follow: tell each victim of their right (when the decision is recorded,
or when a victim is added to a case that has one), and tell them the review's result.

Both duties are victim duties (the victim compartment, the victim's named contact),
met by a logged contact with the victim as a victim update is (`duty_meet`): any
channel, a letter included. Issue 16's rule that only a conversation meets a duty is
the welfare check's, about a suspect at risk; the schemes themselves tell victims in
writing. A victim who asked not to be updated is still told of this right, once: it
is a right they would lose by not knowing it, not an update."""

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from cases.events import OwedUpdate
from cases.models import (
    CaseParty,
    ContactLog,
    EventKind,
    InvestigationEvent,
    Outcome,
    PartyRole,
)
from common.dates import day_text, months_after
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, ReviewRequest, ReviewScheme
from welfare.right_to_review_rules import NO_CHARGE_CODES, is_decision_not_to_charge, scheme_for
from welfare.services.duties import due_in_working_days, duty_open
from welfare.services.victim_duties import victim_care_get_or_create

# A review request counts as received at the start of its working day.
RECEIVED_AT = time(9, 0)


def vrr_setting(key: str) -> Any:
    return settings.VICTIMS_RIGHT_TO_REVIEW[key]


def window_months(scheme: str) -> int:
    key = "cps_window_months" if scheme == ReviewScheme.CPS else "police_window_months"
    months: int = vrr_setting(key)
    return months


def tell_working_days(service_level: str) -> int:
    days: int = vrr_setting("tell_working_days")[service_level]
    return days


def received_at(day: date) -> datetime:
    return datetime.combine(day, RECEIVED_AT, tzinfo=ZoneInfo(settings.TIME_ZONE))


def review_due_at(received_on: date) -> datetime:
    """The scheme's target to complete the review and tell the victim."""
    return due_in_working_days(received_at(received_on), vrr_setting("review_working_days"))


def tell_duty_source_key(outcome: Outcome, victim: CaseParty) -> str:
    return f"outcome:{outcome.pk}:right_to_review:{victim.pk}"


def tell_duty_find(outcome: Outcome, victim: CaseParty) -> Duty | None:
    return Duty.objects.filter(source_key=tell_duty_source_key(outcome, victim)).first()


def window_start(*, outcome: Outcome, victim: CaseParty, received_on: date) -> date:
    """The day the window to ask began: the day the victim was told (their duty met,
    or closed another way), else, not yet told, the day they asked (a victim who asks
    before being told is in time); a decision recorded before this duty existed,
    the decision's own date."""
    duty = tell_duty_find(outcome, victim)
    if duty is None:
        return outcome.outcome_on
    if duty.status == DutyStatus.OPEN or duty.resolved_at is None:
        return received_on
    return timezone.localtime(duty.resolved_at).date()


def window_ends_on(*, outcome: Outcome, victim: CaseParty, received_on: date) -> date:
    start = window_start(outcome=outcome, victim=victim, received_on=received_on)
    return months_after(start, window_months(scheme_for(outcome)))


def _decision_text(outcome: Outcome, scheme: str) -> str:
    whose = "the CPS's scheme" if scheme == ReviewScheme.CPS else "the police scheme"
    return (
        f"Decision not to charge, {day_text(outcome.outcome_on)}: outcome {outcome.code} ({whose})"
    )


def tell_duty_open(*, actor: User | None, outcome: Outcome, victim: CaseParty) -> Duty:
    """The duty to tell one victim of their right to a review of one decision, due by
    their service level's timescale from the decision's event (once, whatever retries)."""
    care = victim_care_get_or_create(victim)
    event = (
        InvestigationEvent.objects.filter(
            suspect_id=outcome.suspect_id, kind=EventKind.OUTCOME_RECORDED
        )
        .order_by("-occurred_at")
        .first()
    )
    moment = event.occurred_at if event is not None else timezone.now()
    # A victim added after the decision was recorded is owed it from when they were.
    if event is not None and victim.created_at and victim.created_at > event.created_at:
        moment = victim.created_at
    return duty_open(
        actor=actor,
        case=victim.case,
        party=victim,
        kind=DutyKind.RIGHT_TO_REVIEW,
        trigger=DutyTrigger.DECISION_NOT_TO_CHARGE,
        reason=_decision_text(outcome, scheme_for(outcome)),
        due_at=due_in_working_days(moment, tell_working_days(care.service_level)),
        source_key=tell_duty_source_key(outcome, victim),
        event=event,
    )


def on_event_recorded(*, event: InvestigationEvent, actor: User) -> None:
    """An outcome recorded (its event, in the outcome's own transaction): a decision
    not to charge opens the duty to tell each victim of the case of their right."""
    if event.kind != EventKind.OUTCOME_RECORDED:
        return
    outcome = Outcome.objects.filter(suspect_id=event.suspect_id).first()
    if outcome is None or not is_decision_not_to_charge(outcome):
        return
    victims = CaseParty.objects.filter(case_id=event.case_id, role=PartyRole.VICTIM).select_related(
        "case__lead_officer", "case__owning_agency", "person"
    )
    for victim in victims:
        tell_duty_open(actor=actor, outcome=outcome, victim=victim)


def on_party_added(*, party: CaseParty, actor: User) -> None:
    """A victim added to a case that already has a decision not to charge is owed
    the same telling."""
    if party.role != PartyRole.VICTIM:
        return
    for outcome in Outcome.objects.filter(case_id=party.case_id, code__in=sorted(NO_CHARGE_CODES)):
        tell_duty_open(actor=actor, outcome=outcome, victim=party)


def result_duty_open(*, actor: User, request: ReviewRequest) -> Duty:
    """Tell the victim the review's result: within their service level's days of the
    decision, and no later than the scheme's target while that is still ahead."""
    care = victim_care_get_or_create(request.victim)
    decided_at = request.closed_at or timezone.now()
    due = due_in_working_days(decided_at, tell_working_days(care.service_level))
    if request.review_due_at > decided_at:
        due = min(due, request.review_due_at)
    result = (
        "the decision not to charge stands"
        if request.status == "upheld"
        else "the decision was overturned"
    )
    return duty_open(
        actor=actor,
        case=request.case,
        party=request.victim,
        kind=DutyKind.RIGHT_TO_REVIEW_RESULT,
        trigger=DutyTrigger.REVIEW_DECIDED,
        reason=f"Review decided on {day_text(decided_at)}: {result}",
        due_at=due,
        source_key=f"review:{request.pk}:result",
    )


# --- The answer to cases' question PARTY_UPDATES_OWED (registered in WelfareConfig):
# the contact form offers these duties beside the victim's updates, so that one call
# tells a victim of the decision and of their right to a review.


def _meet_owed(*, actor: User, duty: Duty, contact: ContactLog) -> None:
    from welfare.services.duty_meet import duty_meet_by_contact

    duty_meet_by_contact(actor=actor, duty=duty, contact=contact)


def party_rights_owed(*, actor: User, party: CaseParty) -> list[OwedUpdate]:
    from functools import partial

    from agencies import access
    from agencies.audit import access_list_record
    from welfare.selectors.duties import duty_scope

    if party.role != PartyRole.VICTIM or not access.can(actor, "welfare.duty.meet", party.case):
        return []
    owed = list(
        duty_scope(actor, action="welfare.duty.meet")
        .filter(
            case_id=party.case_id,
            party=party,
            kind__in=[DutyKind.RIGHT_TO_REVIEW, DutyKind.RIGHT_TO_REVIEW_RESULT],
            status=DutyStatus.OPEN,
        )
        .order_by("due_at", "id")
    )
    access_list_record(actor=actor, records=owed)
    return [
        OwedUpdate(
            id=str(duty.pk),
            label=duty.get_kind_display(),
            told_about=(
                "their right to ask for a review of the decision not to charge"
                if duty.kind == DutyKind.RIGHT_TO_REVIEW
                else "the result of the review they asked for"
            ),
            due_at=duty.due_at,
            meet=partial(_meet_owed, actor=actor, duty=duty),
        )
        for duty in owed
    ]
