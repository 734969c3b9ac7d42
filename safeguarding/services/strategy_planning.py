"""A strategy discussion planned, then held, about one or several children: the
plan (a time to come, invitees by agency and name, the children), the decision
about each child as the discussion goes, and the record of it as held.

The rule of completeness (see `StrategyDiscussion`): a decision may be recorded
for one child at a time once the discussion's planned time has come, while the
others are pending; the discussion is recorded as held only with a decision for
every child, given then or before."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from cases.models import Case, CaseParty
from cases.models.rules import CLOCK_SKEW
from cases.services.common import case_action_require, case_open_require
from common.api.concurrency import version_check
from common.errors import InvalidState, ValidationError
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild, StrategyStatus
from safeguarding.services.child_protection import (
    Errors,
    case_may_record,
    child_errors,
    deadlines_set,
    decide,
    decision_problems,
    strategy_log,
)

INVITEE_TEXT_MAX = 200
MAX_INVITEES = 50
MINUTES_MAX_LENGTH = 20000
# --- Planned, then held, about one or several children


def _invitees_clean(invitees: Any, errors: Errors) -> list[dict[str, str]]:
    """[{agency, name}], each part given and short; at least one."""
    if not isinstance(invitees, list | tuple) or not invitees:
        errors["invitees"] = ["Invite at least one person: their agency and their name."]
        return []
    if len(invitees) > MAX_INVITEES:
        errors["invitees"] = [f"Invite {MAX_INVITEES} people or fewer."]
        return []
    cleaned = []
    for index, invitee in enumerate(invitees):
        if not isinstance(invitee, dict):
            errors[f"invitees.{index}"] = ["Give the invitee's agency and name."]
            continue
        entry = {}
        for part, missing in (
            ("agency", "Enter the invitee's agency."),
            ("name", "Enter the invitee's name."),
        ):
            value = invitee.get(part)
            text = value.strip() if isinstance(value, str) else ""
            if not text:
                errors[f"invitees.{index}.{part}"] = [missing]
            elif len(text) > INVITEE_TEXT_MAX:
                errors[f"invitees.{index}.{part}"] = [
                    f"Keep it to {INVITEE_TEXT_MAX} characters or fewer."
                ]
            entry[part] = text
        cleaned.append(entry)
    return cleaned


@transaction.atomic
def strategy_discussion_plan(
    *,
    actor: User,
    case: Case,
    planned_for: datetime,
    invitees: Sequence[dict[str, str]],
    children: Sequence[CaseParty],
    referral_received_on: date | None = None,
) -> StrategyDiscussion:
    """Plan a strategy discussion: when (in the future), who is invited by agency and
    name, and which children of the case it covers (one or several). Each child's
    decision is pending until recorded."""
    case_may_record(actor, case)
    errors: Errors = {}
    cleaned_invitees = _invitees_clean(invitees, errors)
    children = list(children or [])
    if not children:
        errors["children"] = ["Choose at least one child the discussion is about."]
    elif len({child.pk for child in children}) != len(children):
        errors["children"] = ["Choose each child once."]
    else:
        for index, child in enumerate(children):
            errors.update(child_errors(actor, case, child, planned_for, f"children.{index}"))
    discussion = StrategyDiscussion(
        case=case,
        status=StrategyStatus.PLANNED,
        planned_for=planned_for,
        invitees=cleaned_invitees,
        referral_received_on=referral_received_on or case.received_on,
        recorded_by=actor,
    )
    try:
        discussion.full_clean(exclude=StrategyDiscussion.CLEAN_EXCLUDE)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    return strategy_plan_store(discussion, children=children, actor=actor)


def strategy_plan_store(
    discussion: StrategyDiscussion, *, children: Iterable[CaseParty], actor: User
) -> StrategyDiscussion:
    """Store a plan that has been checked, with a pending decision for each child.
    (The demo stores one whose time has come, which planning would refuse as past.)"""
    discussion.save()
    StrategyDiscussionChild.objects.bulk_create(
        StrategyDiscussionChild(discussion=discussion, child=child) for child in children
    )
    strategy_log(actor, "safeguarding.strategy.planned", discussion)
    return discussion


def _discussion_locked(
    actor: User, discussion: StrategyDiscussion, expected_version: int | None
) -> StrategyDiscussion:
    """The discussion, locked, at the version read, still planned (else 409), on an
    open case the actor may record on."""
    case_action_require(actor, "safeguarding.strategy.record", discussion.case)
    case_open_require(discussion.case)
    locked = StrategyDiscussion.objects.select_for_update().get(pk=discussion.pk)
    if expected_version is not None:
        version_check(locked, expected_version)
    if locked.status != StrategyStatus.PLANNED:
        raise InvalidState("The discussion is already recorded as held.", state=locked.status)
    return locked


def _time_has_come(discussion: StrategyDiscussion, field: str) -> Errors:
    if discussion.planned_for is not None and discussion.planned_for > timezone.now() + CLOCK_SKEW:
        return {
            field: ["The discussion has not started yet: record decisions once it is under way."]
        }
    return {}


def _rows_by_child(discussion: StrategyDiscussion) -> dict[str, StrategyDiscussionChild]:
    rows = StrategyDiscussionChild.objects.select_for_update().filter(discussion=discussion)
    return {str(row.child_id): row for row in rows.select_related("child__person")}


@transaction.atomic
def strategy_decision_record(
    *,
    actor: User,
    discussion: StrategyDiscussion,
    child: CaseParty | UUID | str,
    section_47_started: bool,
    rationale: str,
    expected_version: int | None = None,
) -> StrategyDiscussionChild:
    """Record the decision about one child of a discussion under way, while the
    others may still be pending. Once per child: a decided child answers 409."""
    locked = _discussion_locked(actor, discussion, expected_version)
    rows = _rows_by_child(locked)
    child_id = str(getattr(child, "pk", child))
    row = rows.get(child_id)
    if row is None or not access.party_visible(actor, row.child):
        raise ValidationError({"child": ["Choose a child this discussion is about."]})
    if row.decided:
        raise InvalidState("The decision about this child is already recorded.", state="decided")
    errors = _time_has_come(locked, "child")
    decision_errors, text = decision_problems(section_47_started, rationale)
    errors.update(decision_errors)
    if errors:
        raise ValidationError(errors)
    decide(
        row,
        actor=actor,
        discussion=locked,
        at=locked.planned_for or timezone.now(),
        section_47_started=section_47_started,
        rationale=text,
    )
    row.save()
    locked.version += 1
    locked.save(update_fields=["version"])
    strategy_log(actor, "safeguarding.strategy.decided", locked)
    return row


@transaction.atomic
def strategy_discussion_hold(
    *,
    actor: User,
    discussion: StrategyDiscussion,
    held_at: datetime,
    attendees: str,
    minutes: str,
    decisions: Sequence[dict[str, Any]] = (),
    expected_version: int | None = None,
) -> StrategyDiscussion:
    """Record a planned discussion as held: when, who attended, the minutes, and the
    decision about each child not yet decided (`decisions`: [{child, section_47_started,
    rationale}]). Refused, naming `decisions`, unless every child then has one. Each
    decided child's deadlines count from when it was held."""
    locked = _discussion_locked(actor, discussion, expected_version)
    rows = _rows_by_child(locked)
    errors: Errors = {}
    locked.status = StrategyStatus.HELD
    locked.held_at = held_at
    locked.agencies_present = (attendees or "").strip() if isinstance(attendees, str) else ""
    locked.minutes = (minutes or "").strip() if isinstance(minutes, str) else ""
    try:
        locked.full_clean(exclude=StrategyDiscussion.CLEAN_EXCLUDE)
    except ValidationError as error:
        errors.update(error.message_dict)
    if "agencies_present" in errors:
        errors["attendees"] = errors.pop("agencies_present")
    if not locked.minutes:
        errors["minutes"] = ["Write the minutes of the discussion."]
    elif len(locked.minutes) > MINUTES_MAX_LENGTH:
        errors["minutes"] = [f"Keep the minutes to {MINUTES_MAX_LENGTH} characters or fewer."]
    given: dict[str, tuple[bool, str]] = {}
    for index, decision in enumerate(decisions or ()):
        prefix = f"decisions.{index}."
        value = decision.get("child") if isinstance(decision, dict) else None
        child_id = str(getattr(value, "pk", value)) if value else ""
        row = rows.get(child_id)
        if row is None or not access.party_visible(actor, row.child):
            errors[f"{prefix}child"] = ["Choose a child this discussion is about."]
            continue
        if row.decided or child_id in given:
            errors[f"{prefix}child"] = ["The decision about this child is already recorded."]
            continue
        decision_errors, text = decision_problems(
            decision.get("section_47_started"), decision.get("rationale"), prefix
        )
        errors.update(decision_errors)
        if not decision_errors:
            given[child_id] = (decision["section_47_started"], text)
    pending = [row for child_id, row in rows.items() if not row.decided and child_id not in given]
    if pending and not any(key.startswith("decisions.") for key in errors):
        # Only children the reader may see are named (a scoped grant covers some).
        named = sorted(
            row.child.person.full_name for row in pending if access.party_visible(actor, row.child)
        )
        unseen = len(pending) - len(named)
        if unseen:
            named.append(f"{unseen} other child{'' if unseen == 1 else 'ren'}")
        errors["decisions"] = [
            f"Record the decision for each child: none yet for {', '.join(named)}."
        ]
    if errors:
        raise ValidationError(errors)
    for child_id, row in rows.items():
        if child_id in given:
            started, text = given[child_id]
            decide(
                row,
                actor=actor,
                discussion=locked,
                at=held_at,
                section_47_started=started,
                rationale=text,
            )
        else:
            # Decided while it was under way: the deadlines count from when it was held.
            deadlines_set(row, at=held_at, referral_received_on=locked.referral_received_on)
        row.save()
    locked.version += 1
    locked.save()
    strategy_log(actor, "safeguarding.strategy.held", locked)
    return locked
