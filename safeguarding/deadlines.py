"""Safeguarding deadlines: how each one stands (for the case page and the API), who
answers for it, and the sweep that tells them when one is due soon or missed.

The sweep (`deadlines_sweep`, run by Celery beat through
`safeguarding.tasks.deadlines_sweep_task`) finds:

* each child of a strategy discussion whose section 47 enquiries started and
  whose initial child protection conference is not recorded as held and is due
  within two hours, or past due (one notice per child: each has its own deadline);
* the same for the child and family assessment;
* open cases in a work queue with no first action, past their action due time;
* live flags whose review date has come (today or earlier).

It notifies the person responsible (whoever recorded the child's decision, the case's lead
officer, the flag's raiser) and their supervisors (`agencies.selectors.supervision`). Each
notification has a dedupe key naming the event, so running the sweep twice, or
twice at once, tells each person once."""

from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta

from django.utils import timezone

from agencies.selectors.supervision import Recipients
from agencies.working_days import working_days_between_any_of
from cases.case_tabs import case_section_url
from cases.models import CaseStatus
from common.dates import day_text, deadline_status_between, when_text
from common.notifications import (
    Notice,
    moment_key,
    named,
    notices_deliver,
    sweep_counts,
)
from safeguarding.models import CasePriority, Flag, StrategyDiscussion, StrategyDiscussionChild

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

# The two steps after a strategy discussion that started section 47 enquiries:
# (name, due field, done field, due soon kind, overdue kind, what, done in words).
_STEPS = (
    (
        "conference",
        "conference_due_at",
        "conference_held_on",
        CONFERENCE_DUE_SOON,
        CONFERENCE_OVERDUE,
        "An initial child protection conference",
        "held",
    ),
    (
        "assessment",
        "assessment_due_at",
        "assessment_completed_on",
        ASSESSMENT_DUE_SOON,
        ASSESSMENT_OVERDUE,
        "A child and family assessment",
        "completed",
    ),
)


# --- How a deadline stands


def strategy_children_with_deadlines(
    rows: Iterable[StrategyDiscussionChild], *, now: datetime | None = None
) -> list[StrategyDiscussionChild]:
    """Each child's row, with `.conference` and `.assessment` deadline statuses (None
    when no section 47 enquiries started for that child, or the decision is pending),
    for the case page, the queue and the API. However many there are, the calendar
    is read once."""
    now = now or timezone.now()
    rows = list(rows)
    days = {timezone.localtime(now).date()}
    for row in rows:
        for _, due_field, done_field, *_ in _STEPS:
            due_at: datetime | None = getattr(row, due_field)
            done_on: date | None = getattr(row, done_field)
            if due_at is not None:
                days.add(timezone.localtime(due_at).date())
                if done_on is not None:
                    days.add(done_on)
    between = working_days_between_any_of(days)
    for row in rows:
        for name, due_field, done_field, *_ in _STEPS:
            status = deadline_status_between(
                due_at=getattr(row, due_field),
                done_on=getattr(row, done_field),
                now=now,
                between=between,
            )
            setattr(row, name, status)
    return rows


def strategy_discussions_with_deadlines(
    discussions: Iterable[StrategyDiscussion], *, now: datetime | None = None
) -> list[StrategyDiscussion]:
    """The discussions, each with `.children`: its children's rows the reader may see
    (`visible_decisions`, prefetched by the selector, else all), each with its
    deadlines. The calendar is read once for them all."""
    discussions = list(discussions)
    for discussion in discussions:
        discussion.children = list(  # type: ignore[attr-defined]  # for the readers
            getattr(discussion, "visible_decisions", None) or discussion.decisions.all()
        )
    strategy_children_with_deadlines(
        [row for discussion in discussions for row in discussion.children],  # type: ignore[attr-defined]
        now=now,
    )
    return discussions


# --- The sweep


def _strategy_notices(now: datetime) -> Iterator[Notice]:
    soon = now + DUE_SOON_WINDOW
    # Each child's deadline on its own, by the partial index of its step.
    open_children = StrategyDiscussionChild.objects.filter(
        section_47_started=True, discussion__case__status=CaseStatus.OPEN
    ).select_related("discussion__recorded_by", "decided_by")
    for name, due_field, done_field, due_soon_kind, overdue_kind, what, done in _STEPS:
        pending = open_children.filter(
            **{f"{done_field}__isnull": True, f"{due_field}__lte": soon}
        ).order_by(due_field, "id")
        for row in pending:
            discussion = row.discussion
            due = getattr(row, due_field)
            overdue = due < now
            yield Notice(
                kind=overdue_kind if overdue else due_soon_kind,
                message=(
                    f"{what} was due by {when_text(due)} and is not recorded as {done}."
                    if overdue
                    else f"{what} is due by {when_text(due)}."
                ),
                link=case_section_url(discussion.case_id, "strategy-discussions"),
                # Each child's own deadline. A discussion from before children had
                # rows kept its id as its one child's (migration 0003), so its key is
                # the same and nobody is told twice across the change.
                dedupe_key=f"strategy:{row.pk}:{name}:{'overdue' if overdue else 'due_soon'}",
                # Whoever recorded this child's decision answers for its deadlines.
                responsible=named(row.decided_by or discussion.recorded_by),
                escalate=True,
            )


def _queue_notices(now: datetime) -> Iterator[Notice]:
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
        yield Notice(
            kind=FIRST_ACTION_OVERDUE,
            message=(
                f"A case in the work queue passed its first-action due time ({when_text(due)}) "
                "with no first action recorded."
            ),
            link=case_section_url(case.pk, "summary"),
            # The due time moves when the case's level changes: a new due time
            # missed is a new event.
            dedupe_key=f"queue:{case.pk}:first_action:overdue:{moment_key(due)}",
            responsible=named(case.lead_officer),
            escalate=True,
            # With no lead officer, the supervisors of the case's team are told.
            team=(
                None
                if case.lead_officer is not None
                else (case.owning_agency_id, case.owning_agency.kind, case.team_id)
            ),
        )


def _flag_notices(now: datetime) -> Iterator[Notice]:
    today = timezone.localtime(now).date()
    due = (
        Flag.objects.filter(cleared_at__isnull=True, review_on__lte=today)
        .select_related("raised_by")
        .order_by("review_on", "id")
    )
    for flag in due:
        yield Notice(
            kind=FLAG_REVIEW_DUE,
            message=f"A flag is due for review (review date {day_text(flag.review_on)}).",
            link=case_section_url(flag.case_id, "flags"),
            dedupe_key=f"flag:{flag.pk}:review:{flag.review_on.isoformat()}:due",
            responsible=named(flag.raised_by),
            escalate=True,
        )


def deadlines_sweep(now: datetime | None = None) -> dict[str, int]:
    """Notify whoever answers for each deadline that is due soon or missed. Returns
    how many notifications of each kind it created (all zero on a second run)."""
    now = now or timezone.now()
    notices = (
        notice
        for source in (_strategy_notices(now), _queue_notices(now), _flag_notices(now))
        for notice in source
    )
    created = notices_deliver(Recipients().pairs(notices), batch_size=_BATCH)
    return sweep_counts(SWEEP_KINDS, created)
