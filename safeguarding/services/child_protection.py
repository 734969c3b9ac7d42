"""Child protection steps recorded by children's services and the hub: the
strategy discussion, and the two steps whose deadlines it sets when section 47
enquiries start (the initial child protection conference, and the child and
family assessment)."""

from dataclasses import dataclass
from datetime import date, datetime, time

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
from safeguarding.models import StrategyDiscussion

# Working Together to Safeguard Children: the initial child protection conference
# within 15 working days of the strategy discussion; the child and family
# assessment within 45 working days of the referral.
CONFERENCE_WITHIN_WORKING_DAYS = 15
ASSESSMENT_WITHIN_WORKING_DAYS = 45
_CHILD_ROLES = {PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD}
ADULT_AGE = 18
# A referral received on a day counts from that day's start of work.
_REFERRAL_RECEIVED_AT = time(9, 0)


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
) -> StrategyDiscussion:
    """Record a strategy discussion. `referral_received_on` defaults to the date the
    case was received."""
    case_action_require(actor, "safeguarding.strategy.record", case)
    if child.case_id != case.pk or not access.party_visible(actor, child):
        raise ValidationError({"child": ["Choose a child who is a party to this case."]})
    if not case.is_open:
        raise InvalidState(
            "A closed case cannot have a new strategy discussion.", state=case.status
        )
    referral_received_on = referral_received_on or case.received_on
    errors: dict[str, list[str]] = {}
    if child.role not in _CHILD_ROLES:
        errors["child"] = ["Choose a child: a victim or a child in the household."]
    elif held_at is not None:
        age = age_on(child.person, timezone.localtime(held_at).date())
        if age is not None and age >= ADULT_AGE:
            errors["child"] = [f"Choose a child: this person was {age} on the day."]
    discussion = StrategyDiscussion(
        case=case,
        child=child,
        held_at=held_at,
        agencies_present=(agencies_present or "").strip(),
        section_47_started=section_47_started,
        rationale=(rationale or "").strip(),
        referral_received_on=referral_received_on,
        recorded_by=actor,
    )
    try:
        discussion.full_clean(exclude=StrategyDiscussion.CLEAN_EXCLUDE)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if section_47_started:
        discussion.conference_due_at, discussion.assessment_due_at = strategy_deadlines(
            held_at=held_at, referral_received_on=referral_received_on
        )
    discussion.save()
    log_case_access(
        actor=actor,
        action="safeguarding.strategy.recorded",
        case=case,
        object_type="strategy_discussion",
        object_id=discussion.pk,
    )
    return discussion


def _step_locked(*, actor: User, discussion: StrategyDiscussion) -> StrategyDiscussion:
    case_action_require(actor, "safeguarding.strategy.record", discussion.case)
    case_open_require(discussion.case)
    if not access.party_visible(actor, discussion.child):
        raise NotFound()
    locked = StrategyDiscussion.objects.select_for_update().get(pk=discussion.pk)
    if not locked.section_47_started:
        raise InvalidState(
            "No section 47 enquiries started at this discussion, so this step is not due.",
            state="no_section_47",
        )
    return locked


def _step_date_errors(
    value: date | None, field: str, *, earliest: date, earliest_label: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
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

    def earliest(self, discussion: StrategyDiscussion) -> date:
        if self.field == "conference_held_on":
            return timezone.localtime(discussion.held_at).date()
        return discussion.referral_received_on


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
    *, actor: User, discussion: StrategyDiscussion, step: _Step, on: date
) -> StrategyDiscussion:
    """Record that the step was done on `on`. Once."""
    locked = _step_locked(actor=actor, discussion=discussion)
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
    log_case_access(
        actor=actor,
        action=step.action,
        case=locked.case,
        object_type="strategy_discussion",
        object_id=locked.pk,
    )
    return locked


@transaction.atomic
def strategy_conference_held(
    *, actor: User, discussion: StrategyDiscussion, held_on: date
) -> StrategyDiscussion:
    """Record that the initial child protection conference was held. Once."""
    return _step_record(actor=actor, discussion=discussion, step=_CONFERENCE, on=held_on)


@transaction.atomic
def strategy_assessment_completed(
    *, actor: User, discussion: StrategyDiscussion, completed_on: date
) -> StrategyDiscussion:
    """Record that the child and family assessment was completed. Once."""
    return _step_record(actor=actor, discussion=discussion, step=_ASSESSMENT, on=completed_on)
