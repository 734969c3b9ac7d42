"""Reads of duties, scoped to the reader: their own agency's duties, in the
compartments they are cleared for, for a role that may see duties at all."""

from datetime import datetime, timedelta
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils import timezone

from agencies import access
from agencies.models import Membership, Role
from cases.models import ContactLog
from cases.selectors import contact_list, refusal_log
from cases.services.common import log_case_read
from common.errors import NotFound, ValidationError
from welfare.models import Duty, DutyStatus

DUE_FILTERS = ("today", "overdue", "week")
WHOSE_FILTERS = ("mine", "team", "agency")


def duty_scope(actor: User, *, action: str = "welfare.duty.view") -> QuerySet[Duty]:
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, action):
        return Duty.objects.none()
    return access.compartment_scope(actor, Duty.objects.filter(agency_id=membership.agency_id))


def duty_get_from(*, actor: User, duties: QuerySet[Duty], duty_id: UUID | str) -> Duty:
    """One of `duties` (already scoped to the reader), with the same NotFound for
    "does not exist" and "not yours". Every read is logged, and so is every refusal."""
    try:
        duty = duties.get(pk=duty_id)
    except (Duty.DoesNotExist, ValueError, TypeError) as exc:
        refusal_log(
            actor=actor,
            action="welfare.duty.viewed",
            model=Duty,
            object_type="duty",
            object_id=duty_id,
        )
        raise NotFound() from exc
    log_case_read(
        actor=actor,
        action="welfare.duty.viewed",
        case=duty.case,
        object_type="duty",
        object_id=duty.pk,
    )
    return duty


def duty_get_for_actor(
    *, actor: User, duty_id: UUID | str, action: str = "welfare.duty.view"
) -> Duty:
    """The same NotFound for "does not exist" and "not yours". Every read is logged,
    and so is every refusal."""
    duties = duty_scope(actor, action=action).select_related(
        "case__owning_agency",
        "party__person",
        "responsible",
        "event",
        "contact",
        "referral",
    )
    return duty_get_from(actor=actor, duties=duties, duty_id=duty_id)


def duty_contact_get_for_actor(*, actor: User, duty: Duty, contact_id: UUID | str) -> ContactLog:
    """A contact of the duty's case that the reader may see, to meet the duty by;
    a ValidationError naming `contact` otherwise."""
    contact = contact_list(actor=actor, case=duty.case).filter(pk=contact_id).first()
    if contact is None:
        raise ValidationError({"contact": ["Choose a contact in this case."]})
    return contact


def whose_default_get(actor: User) -> str:
    """A supervisor starts from their team's duties; everyone else from their own."""
    return "team" if access.role_of(actor) == Role.POLICE_SUPERVISOR else "mine"


def _team_q(actor: User, membership: Membership) -> Q:
    """A team's duties: those of the team's cases, and those that fall to its
    members. A police supervisor also answers for the duties of people whose team
    has no supervisor of its own: the sweep escalates those to every supervisor of
    the agency (`agencies.selectors.supervision.supervisors_of`), so their list shows
    them too, or a supervisor would be told of an overdue update they cannot find."""
    team_q = Q(responsible_id=actor.pk)
    if membership.team_id:
        team_q |= Q(team_id=membership.team_id) | Q(
            responsible__membership__team_id=membership.team_id
        )
    if membership.role == Role.POLICE_SUPERVISOR:
        supervised_teams = Membership.objects.filter(
            agency_id=membership.agency_id,
            role=Role.POLICE_SUPERVISOR,
            user__is_active=True,
            team__isnull=False,
        ).values("team_id")
        team_q |= Q(responsible__isnull=False) & ~Q(
            responsible__membership__team_id__in=supervised_teams
        )
        team_q |= Q(responsible__isnull=True) & ~Q(team_id__in=supervised_teams)
    return team_q


def _end_of_local_day(now: datetime, days_ahead: int = 0) -> datetime:
    local = timezone.localtime(now)
    day = local.date() + timedelta(days=days_ahead + 1)
    return timezone.make_aware(datetime.combine(day, datetime.min.time()), local.tzinfo)


def duty_list(
    *,
    actor: User,
    due: str | None = None,
    whose: str | None = None,
    kinds: frozenset[str] | set[str] | None = None,
    now: datetime | None = None,
) -> QuerySet[Duty]:
    """Open duties in the order they fall due.

    `due`: `today` (due by the end of today, the overdue included: all are owed
    today), `overdue` (past their due moment), `week` (due within 7 days), or
    None for every open duty. `whose`: `mine`, `team` or `agency`."""
    errors: dict = {}
    if due not in (None, "", *DUE_FILTERS):
        errors["due"] = [f"Choose one of: {', '.join(DUE_FILTERS)}."]
    if whose not in (None, "", *WHOSE_FILTERS):
        errors["whose"] = [f"Choose one of: {', '.join(WHOSE_FILTERS)}."]
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    queryset = duty_scope(actor).filter(status=DutyStatus.OPEN)
    whose = whose or whose_default_get(actor)
    membership = access.membership_of(actor)
    if whose == "agency" and access.role_of(actor) != Role.POLICE_SUPERVISOR:
        # By role: an officer sees their own and their team's; the whole force's
        # list is the supervisor's.
        raise ValidationError({"whose": ["Only a supervisor may list every duty of the agency."]})
    if whose == "mine":
        queryset = queryset.filter(responsible_id=actor.pk)
    elif whose == "team":
        queryset = queryset.filter(_team_q(actor, membership))
    if kinds:
        queryset = queryset.filter(kind__in=sorted(kinds))
    if due == "today":
        queryset = queryset.filter(due_at__lt=_end_of_local_day(now))
    elif due == "overdue":
        queryset = queryset.filter(due_at__lt=now)
    elif due == "week":
        queryset = queryset.filter(due_at__lt=_end_of_local_day(now, days_ahead=6))
    return queryset.select_related(
        "case", "party__person", "party__victim_care", "responsible", "event", "case__lead_officer"
    ).order_by("due_at", "created_at")


def case_duty_list(*, actor: User, case, kinds=None) -> QuerySet[Duty]:
    """Every duty of one case the reader may see, open first, then by due moment."""
    queryset = duty_scope(actor).filter(case=case)
    if kinds:
        queryset = queryset.filter(kind__in=sorted(kinds))
    still_open = Case(When(status=DutyStatus.OPEN, then=Value(0)), default=Value(1))
    return (
        queryset.select_related(
            "case", "party__person", "party__victim_care", "responsible", "contact", "referral"
        )
        .annotate(closed_rank=still_open)
        .order_by("closed_rank", "due_at")
    )


def duty_deadlines_annotate(duties, *, now: datetime | None = None) -> list[Duty]:
    """The duties, each with `.deadline` (a DeadlineStatus: open ones against the
    clock, closed ones against when they were met) and `.due_text` ("Due today
    17:00", "2 working days late"). However many there are, the calendar is read
    once."""
    from agencies.working_days import working_days_between_any_of
    from common.dates import deadline_status_between

    now = now or timezone.now()
    duties = list(duties)
    days = {timezone.localtime(now).date()}
    for duty in duties:
        days.add(timezone.localtime(duty.due_at).date())
        if duty.resolved_at is not None:
            days.add(timezone.localtime(duty.resolved_at).date())
    between = working_days_between_any_of(days)
    for duty in duties:
        done_on = (
            timezone.localtime(duty.resolved_at).date()
            if duty.status == DutyStatus.MET and duty.resolved_at
            else None
        )
        duty.deadline = deadline_status_between(
            due_at=duty.due_at, done_on=done_on, now=now, between=between
        )
        duty.overdue = duty.is_open and duty.due_at < now
        if not duty.is_open and done_on is None:
            duty.due_text = duty.get_status_display()
        elif duty.is_open and not duty.overdue and duty.deadline.working_days_left == 0:
            duty.due_text = f"Due today {timezone.localtime(duty.due_at):%H:%M}"
        else:
            duty.due_text = duty.deadline.summary
    return duties
