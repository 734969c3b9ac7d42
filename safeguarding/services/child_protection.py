"""Child protection steps recorded by children's services and the hub: the
strategy discussion (planned, then held, about one or several children), and for
each child whose section 47 enquiries start the two steps whose deadlines it sets
(the initial child protection conference, and the child and family assessment).

The rule of completeness (see `StrategyDiscussion`): a decision may be recorded
for one child at a time once the discussion's planned time has come, while the
others are pending; the discussion is recorded as held only with a decision for
every child, given then or before."""

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from agencies import access
from agencies.working_days import add_working_days
from cases.models import Case, CaseParty, PartyRole
from cases.selectors import age_on
from cases.services.common import (
    case_action_require,
    case_open_require,
    log_case_access,
    not_in_future,
)
from common.errors import InvalidState, NotFound, ValidationError
from safeguarding.models import StrategyDiscussion, StrategyDiscussionChild, StrategyStatus

# Working Together to Safeguard Children: the initial child protection conference
# within 15 working days of the strategy discussion; the child and family
# assessment within 45 working days of the referral.
CONFERENCE_WITHIN_WORKING_DAYS = 15
ASSESSMENT_WITHIN_WORKING_DAYS = 45
_CHILD_ROLES = {PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD}
ADULT_AGE = 18
# A referral received on a day counts from that day's start of work.
_REFERRAL_RECEIVED_AT = time(9, 0)
RATIONALE_MAX_LENGTH = 5000

Errors = dict[str, list[str]]


def _referral_moment(received_on: date) -> datetime:
    return timezone.make_aware(datetime.combine(received_on, _REFERRAL_RECEIVED_AT))


def strategy_deadlines(
    *, held_at: datetime, referral_received_on: date
) -> tuple[datetime, datetime]:
    """The conference and assessment due moments, from the one working-day calendar."""
    return (
        add_working_days(held_at, CONFERENCE_WITHIN_WORKING_DAYS),
        add_working_days(_referral_moment(referral_received_on), ASSESSMENT_WITHIN_WORKING_DAYS),
    )


def child_errors(
    actor: User, case: Case, child: CaseParty | None, on: datetime | None, field: str
) -> Errors:
    """A child of this case, seen by the actor, a victim or a child in the household,
    and under 18 on the day of the discussion."""
    if child is None or child.case_id != case.pk or not access.party_visible(actor, child):
        return {field: ["Choose a child who is a party to this case."]}
    if child.role not in _CHILD_ROLES:
        return {field: ["Choose a child: a victim or a child in the household."]}
    if on is not None:
        age = age_on(child.person, timezone.localtime(on).date())
        if age is not None and age >= ADULT_AGE:
            return {field: [f"Choose a child: this person was {age} on the day."]}
    return {}


def decision_problems(
    section_47_started: Any, rationale: str | None, prefix: str = ""
) -> tuple[Errors, str]:
    errors: Errors = {}
    if section_47_started is None or not isinstance(section_47_started, bool):
        errors[f"{prefix}section_47_started"] = ["Say whether section 47 enquiries start."]
    text = (rationale or "").strip() if isinstance(rationale, str) or rationale is None else ""
    if not text:
        errors[f"{prefix}rationale"] = ["Write the rationale for the decision."]
    elif len(text) > RATIONALE_MAX_LENGTH:
        errors[f"{prefix}rationale"] = [
            f"Keep the rationale to {RATIONALE_MAX_LENGTH} characters or fewer."
        ]
    return errors, text


def decide(
    row: StrategyDiscussionChild,
    *,
    actor: User,
    discussion: StrategyDiscussion,
    at: datetime,
    section_47_started: bool,
    rationale: str,
) -> None:
    """Fill in one child's decision, and when enquiries start, this child's two
    deadlines counted from the discussion (`at`) and the referral."""
    row.section_47_started = section_47_started
    row.rationale = rationale
    row.decided_at = timezone.now()
    row.decided_by = actor
    deadlines_set(row, at=at, referral_received_on=discussion.referral_received_on)


def deadlines_set(
    row: StrategyDiscussionChild, *, at: datetime, referral_received_on: date
) -> None:
    """The child's two deadlines when enquiries start for them, else none."""
    if row.section_47_started:
        row.conference_due_at, row.assessment_due_at = strategy_deadlines(
            held_at=at, referral_received_on=referral_received_on
        )
    else:
        row.conference_due_at = row.assessment_due_at = None


def case_may_record(actor: User, case: Case) -> None:
    case_action_require(actor, "safeguarding.strategy.record", case)
    if not case.is_open:
        raise InvalidState(
            "A closed case cannot have a new strategy discussion.", state=case.status
        )


def strategy_log(actor: User, action: str, discussion: StrategyDiscussion) -> None:
    log_case_access(
        actor=actor,
        action=action,
        case=discussion.case,
        object_type="strategy_discussion",
        object_id=discussion.pk,
    )


# --- Held at once, about one child


@transaction.atomic
def strategy_discussion_record(
    *,
    actor: User,
    case: Case,
    child: CaseParty,
    held_at: datetime,
    agencies_present: str,
    section_47_started: bool,
    rationale: str,
    referral_received_on: date | None = None,
    minutes: str = "",
) -> StrategyDiscussion:
    """Record a strategy discussion already held about one child, with its decision.
    `referral_received_on` defaults to the date the case was received."""
    case_may_record(actor, case)
    referral_received_on = referral_received_on or case.received_on
    errors = child_errors(actor, case, child, held_at, "child")
    if "child" in errors and "party to this case" in errors["child"][0]:
        raise ValidationError(errors)
    discussion = StrategyDiscussion(
        case=case,
        status=StrategyStatus.HELD,
        held_at=held_at,
        agencies_present=(agencies_present or "").strip(),
        minutes=(minutes or "").strip(),
        referral_received_on=referral_received_on,
        recorded_by=actor,
    )
    try:
        discussion.full_clean(exclude=StrategyDiscussion.CLEAN_EXCLUDE)
    except ValidationError as error:
        errors.update(error.message_dict)
    decision_errors, text = decision_problems(section_47_started, rationale)
    errors.update(decision_errors)
    if errors:
        raise ValidationError(errors)
    discussion.save()
    row = StrategyDiscussionChild(discussion=discussion, child=child)
    decide(
        row,
        actor=actor,
        discussion=discussion,
        at=held_at,
        section_47_started=section_47_started,
        rationale=text,
    )
    row.save()
    strategy_log(actor, "safeguarding.strategy.recorded", discussion)
    return discussion


# --- The steps section 47 enquiries make due, for each child


def strategy_child_of(
    discussion: StrategyDiscussion, child: CaseParty | UUID | str | None
) -> StrategyDiscussionChild:
    """The row of `child` in the discussion; with no child named, the discussion's
    only child (a discussion about several names the child: 400 naming `child`)."""
    rows = list(discussion.decisions.all())
    if child is None or child == "":
        if len(rows) == 1:
            return rows[0]
        raise ValidationError({"child": ["Choose which child of the discussion this is for."]})
    child_id = str(getattr(child, "pk", child))
    for row in rows:
        if str(row.child_id) == child_id:
            return row
    raise ValidationError({"child": ["Choose a child this discussion is about."]})


def _step_locked(*, actor: User, row: StrategyDiscussionChild) -> StrategyDiscussionChild:
    discussion = row.discussion
    case_action_require(actor, "safeguarding.strategy.record", discussion.case)
    case_open_require(discussion.case)
    if not access.party_visible(actor, row.child):
        raise NotFound()
    locked = (
        StrategyDiscussionChild.objects.select_for_update()
        .select_related("discussion")
        .get(pk=row.pk)
    )
    if not locked.section_47_started:
        raise InvalidState(
            "No section 47 enquiries started for this child at this discussion, so this "
            "step is not due.",
            state="no_section_47",
        )
    return locked


def _step_date_errors(
    value: date | None, field: str, *, earliest: date, earliest_label: str
) -> Errors:
    errors: Errors = {}
    if value is None:
        return {field: ["Enter the date."]}
    if isinstance(value, datetime):
        return {field: ["Enter a date, not a date and time."]}
    not_in_future(value, field, errors)
    if value < earliest:
        errors.setdefault(field, []).append(f"Must not be before {earliest_label}.")
    return errors


@dataclass(frozen=True)
class _Step:
    """A step that section 47 enquiries make due: the field it is recorded in, the
    parameter that names its date, what it may not come before, and its words."""

    field: str
    parameter: str
    earliest_label: str
    action: str
    already: str
    state: str

    def earliest(self, row: StrategyDiscussionChild) -> date:
        if self.field == "conference_held_on":
            discussion = row.discussion
            return timezone.localtime(discussion.held_at or discussion.planned_for).date()
        return row.discussion.referral_received_on


_CONFERENCE = _Step(
    field="conference_held_on",
    parameter="held_on",
    earliest_label="the strategy discussion",
    action="safeguarding.strategy.conference_held",
    already="The conference is already recorded as held on {:%d/%m/%Y}.",
    state="conference_held",
)
_ASSESSMENT = _Step(
    field="assessment_completed_on",
    parameter="completed_on",
    earliest_label="the referral was received",
    action="safeguarding.strategy.assessment_completed",
    already="The assessment is already recorded as completed on {:%d/%m/%Y}.",
    state="assessment_completed",
)


def _step_record(
    *, actor: User, row: StrategyDiscussionChild, step: _Step, on: date
) -> StrategyDiscussionChild:
    """Record that the child's step was done on `on`. Once."""
    locked = _step_locked(actor=actor, row=row)
    done_on = getattr(locked, step.field)
    if done_on is not None:
        raise InvalidState(step.already.format(done_on), state=step.state)
    errors = _step_date_errors(
        on, step.parameter, earliest=step.earliest(locked), earliest_label=step.earliest_label
    )
    if errors:
        raise ValidationError(errors)
    setattr(locked, step.field, on)
    locked.save(update_fields=[step.field])
    strategy_log(actor, step.action, locked.discussion)
    return locked


@transaction.atomic
def strategy_conference_held(
    *, actor: User, row: StrategyDiscussionChild, held_on: date
) -> StrategyDiscussionChild:
    """Record that the child's initial child protection conference was held. Once."""
    return _step_record(actor=actor, row=row, step=_CONFERENCE, on=held_on)


@transaction.atomic
def strategy_assessment_completed(
    *, actor: User, row: StrategyDiscussionChild, completed_on: date
) -> StrategyDiscussionChild:
    """Record that the child and family assessment was completed. Once."""
    return _step_record(actor=actor, row=row, step=_ASSESSMENT, on=completed_on)
