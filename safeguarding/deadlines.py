"""Safeguarding deadlines: how each one stands (for the case page and the API), who
answers for it, and the sweep that tells them when one is due soon or missed.

The sweep (`deadlines_sweep`, run by Celery beat through
`safeguarding.tasks.deadlines_sweep_task`) finds:

* strategy discussions that started section 47 enquiries whose initial child
  protection conference is not recorded as held and is due within two hours, or
  past due;
* the same for the child and family assessment;
* open cases in a work queue with no first action, past their action due time;
* live flags whose review date has come (today or earlier).

It notifies the person responsible (the discussion's recorder, the case's lead
officer, the flag's raiser) and their supervisors (`supervisors_of`). Each
notification has a dedupe key naming the event, so running the sweep twice, or
twice at once, tells each person once."""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from agencies.models import AgencyKind, Membership, Role
from agencies.working_days import working_days_between, working_days_late
from cases.models import CaseStatus
from common.notifications import moment_key, notices_deliver
from safeguarding.models import CasePriority, Flag, StrategyDiscussion

DUE_SOON_WINDOW = timedelta(hours=2)

CONFERENCE_DUE_SOON = "safeguarding.conference_due_soon"
CONFERENCE_OVERDUE = "safeguarding.conference_overdue"
ASSESSMENT_DUE_SOON = "safeguarding.assessment_due_soon"
ASSESSMENT_OVERDUE = "safeguarding.assessment_overdue"
FIRST_ACTION_OVERDUE = "safeguarding.first_action_overdue"
FLAG_REVIEW_DUE = "safeguarding.flag_review_due"
SWEEP_KINDS = (
    CONFERENCE_DUE_SOON,
    CONFERENCE_OVERDUE,
    ASSESSMENT_DUE_SOON,
    ASSESSMENT_OVERDUE,
    FIRST_ACTION_OVERDUE,
    FLAG_REVIEW_DUE,
)
# How many existing notifications to look up in one query.
_BATCH = 500


# --- How a deadline stands


@dataclass(frozen=True)
class DeadlineStatus:
    """A stored deadline, read against a clock, in working days."""

    due_at: datetime
    done_on: date | None
    overdue: bool
    working_days_left: int | None
    working_days_late: int | None

    @property
    def summary(self) -> str:
        """`Due in 3 working days`, `2 working days late`, `Done on time`..."""
        if self.done_on is not None:
            if self.working_days_late:
                return f"Done {_working_days(self.working_days_late)} late"
            return "Done on time"
        if self.overdue:
            if self.working_days_late:
                return f"{_working_days(self.working_days_late)} late"
            return "Overdue today"
        if self.working_days_left == 0:
            return "Due today"
        return f"Due in {_working_days(self.working_days_left)}"


def _working_days(count: int) -> str:
    return f"{count} working day{'' if count == 1 else 's'}"


def deadline_status(
    *, due_at: datetime | None, done_on: date | None, now: datetime | None = None
) -> DeadlineStatus | None:
    """None when there is no deadline. A step done after its due day is late by the
    working days between them; an open one is late by the working days since."""
    return deadline_status_between(
        due_at=due_at, done_on=done_on, now=now, between=working_days_between
    )


def working_days_between_any_of(days: set[date]) -> Callable[[date, date], int]:
    """`working_days_between` for any two of `days`, from one calendar query.
    `working_days_late(days, last)` counts, for each day, the working days after it
    up to the last of them; the working days between two of them is the difference."""
    after = working_days_late(days, max(days)) if days else {}

    def between(start: date, end: date) -> int:
        return after[start] - after[end] if end > start else 0

    return between


def deadline_status_between(
    *,
    due_at: datetime | None,
    done_on: date | None,
    now: datetime | None,
    between: Callable[[date, date], int],
) -> DeadlineStatus | None:
    """`deadline_status` for many deadlines read together: `between` comes from
    `working_days_between_any_of`, so that the calendar is read once for all."""
    if due_at is None:
        return None
    due_day = timezone.localtime(due_at).date()
    if done_on is not None:
        late = between(due_day, done_on)
        return DeadlineStatus(
            due_at=due_at,
            done_on=done_on,
            overdue=late > 0,
            working_days_left=None,
            working_days_late=late,
        )
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    if now <= due_at:
        return DeadlineStatus(
            due_at=due_at,
            done_on=None,
            overdue=False,
            working_days_left=between(today, due_day),
            working_days_late=None,
        )
    return DeadlineStatus(
        due_at=due_at,
        done_on=None,
        overdue=True,
        working_days_left=None,
        working_days_late=between(due_day, today),
    )


def strategy_discussions_with_deadlines(
    discussions: Iterable[StrategyDiscussion], *, now: datetime | None = None
) -> list[StrategyDiscussion]:
    """The discussions, each with `.conference` and `.assessment` deadline statuses
    (None when no section 47 enquiries started), for the case page, the queue and the
    API. However many there are, the calendar is read once."""
    now = now or timezone.now()
    discussions = list(discussions)
    steps = [
        (discussion.conference_due_at, discussion.conference_held_on) for discussion in discussions
    ] + [
        (discussion.assessment_due_at, discussion.assessment_completed_on)
        for discussion in discussions
    ]
    days = {timezone.localtime(now).date()}
    for due_at, done_on in steps:
        if due_at is not None:
            days.add(timezone.localtime(due_at).date())
            if done_on is not None:
                days.add(done_on)
    between = working_days_between_any_of(days)
    for discussion in discussions:
        discussion.conference = deadline_status_between(
            due_at=discussion.conference_due_at,
            done_on=discussion.conference_held_on,
            now=now,
            between=between,
        )
        discussion.assessment = deadline_status_between(
            due_at=discussion.assessment_due_at,
            done_on=discussion.assessment_completed_on,
            now=now,
            between=between,
        )
    return discussions


# --- Who answers for a deadline


def supervisors_for_team(
    *, agency_id, agency_kind: str, team_id, exclude_user_id: int | None
) -> list[User]:
    members = (
        Membership.objects.filter(agency_id=agency_id, user__is_active=True)
        .exclude(user_id=exclude_user_id)
        .select_related("user")
        .order_by("user__username")
    )
    police_supervisors = [m for m in members if m.role == Role.POLICE_SUPERVISOR]
    if team_id is not None:
        same_team = [m.user for m in police_supervisors if m.team_id == team_id]
        if same_team:
            return same_team
    if police_supervisors:
        return [m.user for m in police_supervisors]
    if agency_kind == AgencyKind.SAFEGUARDING_HUB:
        return [m.user for m in members if m.role == Role.MASH_COORDINATOR]
    return []


def supervisors_of(user: User) -> list[User]:
    """Who supervises `user`, for deadline notifications: the police supervisors of
    their team, else of their agency; in a safeguarding hub without a police
    supervisor, its MASH coordinators. Never the user themselves; only people who
    can still sign in. Empty for someone with no agency."""
    membership = Membership.objects.select_related("agency").filter(user_id=user.pk).first()
    if membership is None:
        return []
    return supervisors_for_team(
        agency_id=membership.agency_id,
        agency_kind=membership.agency.kind,
        team_id=membership.team_id,
        exclude_user_id=user.pk,
    )


# --- The sweep


@dataclass(frozen=True)
class _Notice:
    kind: str
    message: str
    link: str
    dedupe_key: str
    responsible: User | None
    # For a case with nobody responsible: whose supervisors to tell instead.
    case_agency: tuple | None = None


def when_text(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def day_text(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def case_link(case_id, section: str) -> str:
    return f"{reverse('case-detail', args=[case_id])}#{section}"


def _strategy_notices(now: datetime) -> Iterator[_Notice]:
    soon = now + DUE_SOON_WINDOW
    open_discussions = StrategyDiscussion.objects.filter(
        section_47_started=True, case__status=CaseStatus.OPEN
    ).select_related("recorded_by")
    conferences = open_discussions.filter(
        conference_held_on__isnull=True, conference_due_at__lte=soon
    )
    for discussion in conferences.order_by("conference_due_at", "id"):
        due = discussion.conference_due_at
        overdue = due < now
        yield _Notice(
            kind=CONFERENCE_OVERDUE if overdue else CONFERENCE_DUE_SOON,
            message=(
                f"An initial child protection conference was due by {when_text(due)} "
                "and is not recorded as held."
                if overdue
                else f"An initial child protection conference is due by {when_text(due)}."
            ),
            link=case_link(discussion.case_id, "strategy-discussions"),
            dedupe_key=(
                f"strategy:{discussion.pk}:conference:{'overdue' if overdue else 'due_soon'}"
            ),
            responsible=discussion.recorded_by,
        )
    assessments = open_discussions.filter(
        assessment_completed_on__isnull=True, assessment_due_at__lte=soon
    )
    for discussion in assessments.order_by("assessment_due_at", "id"):
        due = discussion.assessment_due_at
        overdue = due < now
        yield _Notice(
            kind=ASSESSMENT_OVERDUE if overdue else ASSESSMENT_DUE_SOON,
            message=(
                f"A child and family assessment was due by {when_text(due)} "
                "and is not recorded as completed."
                if overdue
                else f"A child and family assessment is due by {when_text(due)}."
            ),
            link=case_link(discussion.case_id, "strategy-discussions"),
            dedupe_key=(
                f"strategy:{discussion.pk}:assessment:{'overdue' if overdue else 'due_soon'}"
            ),
            responsible=discussion.recorded_by,
        )


def _queue_notices(now: datetime) -> Iterator[_Notice]:
    late = (
        CasePriority.objects.filter(
            actioned_at__isnull=True, case__status=CaseStatus.OPEN, action_due_at__lt=now
        )
        .select_related("case__lead_officer", "case__owning_agency")
        .order_by("action_due_at", "case_id")
    )
    for entry in late:
        case = entry.case
        due = entry.action_due_at
        yield _Notice(
            kind=FIRST_ACTION_OVERDUE,
            message=(
                f"A case in the work queue passed its first-action due time ({when_text(due)}) "
                "with no first action recorded."
            ),
            link=case_link(case.pk, "summary"),
            # The due time moves when the case's level changes: a new due time
            # missed is a new event.
            dedupe_key=f"queue:{case.pk}:first_action:overdue:{moment_key(due)}",
            responsible=case.lead_officer,
            case_agency=(case.owning_agency_id, case.owning_agency.kind, case.team_id),
        )


def _flag_notices(now: datetime) -> Iterator[_Notice]:
    today = timezone.localtime(now).date()
    due = (
        Flag.objects.filter(cleared_at__isnull=True, review_on__lte=today)
        .select_related("raised_by")
        .order_by("review_on", "id")
    )
    for flag in due:
        yield _Notice(
            kind=FLAG_REVIEW_DUE,
            message=f"A flag is due for review (review date {day_text(flag.review_on)}).",
            link=case_link(flag.case_id, "flags"),
            dedupe_key=f"flag:{flag.pk}:review:{flag.review_on.isoformat()}:due",
            responsible=flag.raised_by,
        )


class _Recipients:
    """The responsible person (if they can still sign in) and their supervisors,
    each looked up once per sweep."""

    def __init__(self) -> None:
        self._by_user: dict[int, list[User]] = {}
        self._by_agency: dict[tuple, list[User]] = {}

    def of(self, notice: _Notice) -> list[User]:
        people: dict[int, User] = {}
        if notice.responsible is not None:
            if notice.responsible.is_active:
                people[notice.responsible.pk] = notice.responsible
            if notice.responsible.pk not in self._by_user:
                self._by_user[notice.responsible.pk] = supervisors_of(notice.responsible)
            supervisors = self._by_user[notice.responsible.pk]
        elif notice.case_agency is not None:
            if notice.case_agency not in self._by_agency:
                agency_id, kind, team_id = notice.case_agency
                self._by_agency[notice.case_agency] = supervisors_for_team(
                    agency_id=agency_id, agency_kind=kind, team_id=team_id, exclude_user_id=None
                )
            supervisors = self._by_agency[notice.case_agency]
        else:
            supervisors = []
        for supervisor in supervisors:
            people.setdefault(supervisor.pk, supervisor)
        return list(people.values())


def deadlines_sweep(now: datetime | None = None) -> dict[str, int]:
    """Notify whoever answers for each deadline that is due soon or missed. Returns
    how many notifications of each kind it created (all zero on a second run)."""
    now = now or timezone.now()
    created = dict.fromkeys(SWEEP_KINDS, 0)
    recipients = _Recipients()
    notices = (
        (notice, user)
        for source in (_strategy_notices(now), _queue_notices(now), _flag_notices(now))
        for notice in source
        for user in recipients.of(notice)
    )
    created.update(notices_deliver(notices, batch_size=_BATCH))
    result = {kind.split(".", 1)[1]: count for kind, count in created.items()}
    result["notifications"] = sum(created.values())
    return result
