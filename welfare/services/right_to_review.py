"""The Victims' Right to Review (docs/adr/0017): a victim's request recorded, assigned
by a supervisor to an officer who had no part in the case, decided (the decision not
to charge upheld, or overturned and the investigation goes on) or withdrawn. The
moves are `welfare.review_moves.REVIEW_MOVES`; every refusal names its field and
changes nothing."""

from datetime import date

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from agencies import access
from agencies.models import Compartment
from cases.models import Case, CaseParty, Outcome, PartyRole
from cases.services.common import case_action_require, case_open_require, log_case_access
from cases.services.records import decision_record
from common.api.concurrency import version_check
from common.dates import day_text
from common.errors import AccessDenied, InvalidState, NotFound, ValidationError
from common.history import history_note
from welfare.models import ReviewRequest, ReviewRequester, ReviewScheme, ReviewStatus
from welfare.review_moves import RESULT_MOVES, REVIEW_MOVES, ReviewMove
from welfare.right_to_review_rules import is_decision_not_to_charge, scheme_for
from welfare.selectors.right_to_review import REVIEWER_ROLES, involvement_in_case
from welfare.services.right_to_review_duties import (
    result_duty_open,
    review_due_at,
    window_ends_on,
)

REASON_MAX = 4000


def _errors_raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _victim_errors(case: Case, victim: CaseParty | None, errors: dict[str, list[str]]) -> None:
    if victim is None or victim.case_id != case.pk or victim.role != PartyRole.VICTIM:
        errors["victim"] = ["Choose a victim in this case."]


def _outcome_errors(case: Case, outcome: Outcome | None, errors: dict[str, list[str]]) -> None:
    if outcome is None or outcome.case_id != case.pk:
        has_any = Outcome.objects.filter(case=case).exists()
        errors["outcome"] = [
            "Choose a decision not to charge in this case."
            if has_any
            else "This case has no decision not to charge to review."
        ]
    elif not is_decision_not_to_charge(outcome):
        errors["outcome"] = [
            f"Outcome {outcome.code} is not a decision not to charge: the scheme reviews "
            "outcomes 9, 10, 12, 13 and 15 only."
        ]
    elif scheme_for(outcome) == ReviewScheme.CPS:
        errors["outcome"] = [
            "This decision was the CPS's: the victim asks the CPS for a review under its "
            "own scheme. Tell them how; it is not reviewed here."
        ]


def _received_errors(
    *,
    received_on: date | None,
    outcome: Outcome | None,
    victim: CaseParty | None,
    errors: dict[str, list[str]],
) -> date | None:
    """The day it was received: given, not in the future, not before the decision,
    and within the window. Answers the window's last day when it could be worked out."""
    if received_on is None:
        errors["received_on"] = ["Enter the date the request was received."]
        return None
    if received_on > timezone.localdate():
        errors["received_on"] = ["The date the request was received cannot be in the future."]
        return None
    if "outcome" in errors or "victim" in errors or outcome is None or victim is None:
        return None
    if received_on < outcome.outcome_on:
        errors["received_on"] = [
            f"The request cannot be before the decision of {day_text(outcome.outcome_on)}."
        ]
        return None
    last_day = window_ends_on(outcome=outcome, victim=victim, received_on=received_on)
    if received_on > last_day:
        errors["received_on"] = [
            f"Out of time: the victim could ask until {day_text(last_day)} (3 months from "
            f"being told of the decision), and asked on {day_text(received_on)}."
        ]
    return last_day


@transaction.atomic
def review_request_record(
    *,
    actor: User,
    case: Case,
    victim: CaseParty | None,
    outcome: Outcome | None,
    received_on: date | None,
    requested_by: str,
    representative: str = "",
    grounds: str = "",
) -> ReviewRequest:
    """Record a victim's request to review a decision not to charge. Refused, naming
    the field, with nothing stored: no such victim in the case (`victim`); no decision
    not to charge in the case, or one that is not, or the CPS's (`outcome`); no date,
    a date in the future, before the decision, or past the window (`received_on`);
    asked by someone on the victim's behalf who is not named (`representative`). An
    open request of this victim about this decision already: 409 naming its state."""
    case_action_require(actor, "welfare.right_to_review.request", case)
    case_open_require(case)
    if not access.is_cleared_for(actor, Compartment.VICTIM):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    _victim_errors(case, victim, errors)
    _outcome_errors(case, outcome, errors)
    if requested_by not in ReviewRequester.values:
        errors["requested_by"] = ["Say who asked: the victim, or someone on their behalf."]
    representative = (representative or "").strip()
    if requested_by == ReviewRequester.REPRESENTATIVE and not representative:
        errors["representative"] = [
            "Enter who asked on the victim's behalf, and as what (for example: Mother, Jane Smith)."
        ]
    elif len(representative) > 200:
        errors["representative"] = ["Enter at most 200 characters."]
    last_day = _received_errors(
        received_on=received_on, outcome=outcome, victim=victim, errors=errors
    )
    _errors_raise(errors)
    assert outcome is not None and victim is not None and received_on is not None
    assert last_day is not None
    open_one = ReviewRequest.objects.filter(
        victim=victim, outcome=outcome, status__in=[ReviewStatus.REQUESTED, ReviewStatus.ASSIGNED]
    ).first()
    if open_one is not None:
        raise InvalidState(
            "This victim's request about this decision is already open: "
            f"{open_one.get_status_display().lower()}.",
            state=open_one.status,
        )
    request = ReviewRequest(
        case=case,
        victim=victim,
        outcome=outcome,
        scheme=scheme_for(outcome),
        received_on=received_on,
        requested_by=requested_by,
        representative=representative if requested_by == ReviewRequester.REPRESENTATIVE else "",
        grounds=(grounds or "").strip(),
        window_ends_on=last_day,
        review_due_at=review_due_at(received_on),
        recorded_by=actor,
    )
    request.full_clean(exclude=["case", "victim", "outcome", "recorded_by"])
    history_note(request, actor=actor, reason="review requested")
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # the same request recorded a moment ago
        raise InvalidState(
            "This victim's request about this decision is already open.",
            state=ReviewStatus.REQUESTED,
        ) from exc
    log_case_access(
        actor=actor,
        action="welfare.review_request.recorded",
        case=case,
        object_type="review_request",
        object_id=request.pk,
        note=f"outcome {outcome.code}",
    )
    return request


def _move_begin(
    *, actor: User, request: ReviewRequest, name: str, expected_version: int | None
) -> tuple[ReviewRequest, ReviewMove]:
    """The move's capability on the case, the case open, the request locked, in a
    state the move is made from (409 naming it), at the version the caller read."""
    move = REVIEW_MOVES[name]
    case_action_require(actor, move.capability, request.case)
    case_open_require(request.case)
    if not access.is_cleared_for(actor, Compartment.VICTIM):
        raise NotFound()
    locked = (
        ReviewRequest.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency", "case__lead_officer", "victim__person", "outcome")
        .get(pk=request.pk)
    )
    if locked.status not in move.from_states:
        raise InvalidState(
            f"This review request is {locked.get_status_display().lower()}: it cannot be "
            f"moved that way now.",
            state=locked.status,
        )
    if expected_version is not None:
        version_check(locked, expected_version)
    return locked, move


def _reason_required(reason: str, errors: dict[str, list[str]], missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [missing]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [f"Enter at most {REASON_MAX} characters."]
    return reason


def _save_move(
    request: ReviewRequest, *, actor: User, move: ReviewMove, note: str
) -> ReviewRequest:
    request.status = move.to_state
    request.version += 1
    history_note(request, actor=actor, reason=note)
    request.save()
    log_case_access(
        actor=actor,
        action=f"welfare.review_request.{move.name}",
        case=request.case,
        object_type="review_request",
        object_id=request.pk,
        note=move.to_state,
    )
    return request


@transaction.atomic
def review_assign(
    *,
    actor: User,
    request: ReviewRequest,
    reviewer: User | None,
    reason: str = "",
    expected_version: int | None = None,
) -> ReviewRequest:
    """A supervisor assigns the review (or names another reviewer) to an investigator
    or supervisor of the case's force who had no part in the case. Refused on
    `reviewer`, naming why, with nothing changed: nobody named; not an active member
    of the force; a role that does not review; involved in the case (its lead officer
    now or before, who recorded the decision, who worked it). Naming another reviewer
    needs a `reason`."""
    locked, move = _move_begin(
        actor=actor, request=request, name="assign", expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    membership = access.membership_of(reviewer) if reviewer is not None else None
    if (
        reviewer is None
        or membership is None
        or membership.agency_id != locked.case.owning_agency_id
    ):
        errors["reviewer"] = ["Choose an officer of this force to review the decision."]
    elif membership.role not in REVIEWER_ROLES:
        errors["reviewer"] = [
            f"{membership.full_name} is a {membership.get_role_display().lower()}: choose a "
            "specialist investigator or a supervisor."
        ]
    else:
        involved = involvement_in_case(officer=reviewer, case=locked.case, outcome=locked.outcome)
        if involved:
            errors["reviewer"] = [
                f"{membership.full_name} {involved}: the review must be by an officer who "
                "had no part in the case."
            ]
        elif reviewer.pk == locked.reviewer_id:
            errors["reviewer"] = [f"{membership.full_name} is already the reviewer."]
    reassigning = locked.status == ReviewStatus.ASSIGNED
    reason = (reason or "").strip()
    if reassigning and not reason:
        errors["reason"] = ["Enter why the review passes to another officer."]
    _errors_raise(errors)
    assert reviewer is not None
    locked.reviewer = reviewer
    locked.assigned_by = actor
    locked.assigned_at = timezone.now()
    note = f"reviewer named: {reason}" if reason else "review assigned"
    return _save_move(locked, actor=actor, move=move, note=note[:100])


@transaction.atomic
def review_decide(
    *,
    actor: User,
    request: ReviewRequest,
    result: str,
    reason: str,
    expected_version: int | None = None,
) -> ReviewRequest:
    """The assigned reviewer decides: `upheld` (the decision not to charge stands) or
    `overturned` (the investigation goes on), with their reasons. Refused with nothing
    changed: a result that is neither (`result`); no reasons (`reason`); a reviewer
    who has since come to work the case (`reviewer`); anyone but the assigned reviewer
    (403). The decision is recorded as a key decision of the case, and the duty to
    tell the victim the result opens."""
    errors: dict[str, list[str]] = {}
    name = RESULT_MOVES.get(result)
    if name is None:
        # Checked before the move, so that a bad result is named even by a reviewer.
        case_action_require(actor, "welfare.right_to_review.decide", request.case)
        raise ValidationError(
            {"result": ["Choose the result: upheld (the decision stands) or overturned."]}
        )
    locked, move = _move_begin(
        actor=actor, request=request, name=name, expected_version=expected_version
    )
    if locked.reviewer_id != actor.pk:
        raise AccessDenied(move.capability)
    reason = _reason_required(
        reason, errors, "Enter the reasons for the result: the victim is told them."
    )
    involved = involvement_in_case(officer=actor, case=locked.case, outcome=locked.outcome)
    if involved:
        errors["reviewer"] = [
            f"You {involved}: you are no longer independent of the case. Ask a supervisor "
            "to assign the review to another officer."
        ]
    _errors_raise(errors)
    locked.result_reason = reason
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    _save_move(locked, actor=actor, move=move, note=f"review decided: {move.to_state}")
    outcome_words = (
        "upheld: the decision not to charge stands"
        if move.to_state == ReviewStatus.UPHELD
        else "overturned: the investigation goes on"
    )
    decision_record(
        actor=actor,
        case=locked.case,
        decision=(
            f"Victims' Right to Review: the decision not to charge (outcome "
            f"{locked.outcome.code}, {day_text(locked.outcome.outcome_on)}) was {outcome_words}."
        ),
        rationale=reason,
        decided_at=locked.closed_at,
    )
    result_duty_open(actor=actor, request=locked)
    return locked


@transaction.atomic
def review_withdraw(
    *, actor: User, request: ReviewRequest, reason: str, expected_version: int | None = None
) -> ReviewRequest:
    """The victim withdrew their request: recorded with what they said (`reason`)."""
    locked, move = _move_begin(
        actor=actor, request=request, name="withdraw", expected_version=expected_version
    )
    errors: dict[str, list[str]] = {}
    reason = _reason_required(
        reason, errors, "Enter what the victim said when they withdrew the request."
    )
    _errors_raise(errors)
    locked.result_reason = reason
    locked.closed_at = timezone.now()
    locked.closed_by = actor
    return _save_move(locked, actor=actor, move=move, note="withdrawn by the victim")
