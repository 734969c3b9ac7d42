"""Reads of duties, scoped to the reader: their own agency's duties, in the
compartments they are cleared for, for a role that may see duties at all."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, Model, QuerySet, Value, When
from django.utils import timezone

from agencies import access
from agencies.models import Role
from cases.models import Case as CaseRecord
from cases.models import ContactLog
from cases.selectors import contact_list, refusal_log
from cases.services.common import log_case_read
from common.errors import AccessDenied, NotFound, ValidationError
from welfare.check_lateness import countdown, duty_made_late_by_hours, late_text
from welfare.filters import DutyFilter, DutyKindFilter
from welfare.models import VICTIM_DUTIES, Duty, DutyStatus

R = TypeVar("R", bound=Model)


def duty_scope(actor: User, *, action: str = "welfare.duty.view") -> QuerySet[Duty]:
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, action):
        return Duty.objects.none()
    return access.compartment_scope(actor, Duty.objects.filter(agency_id=membership.agency_id))


def case_record_get_logged(
    *, actor: User, records: QuerySet[R], record_id: UUID | str, object_type: str
) -> R:
    """One of `records` (already scoped to the reader; each of a case), with the same
    NotFound for "does not exist" and "not yours". Every read is logged as
    `welfare.<object_type>.viewed`, and so is every refusal."""
    action = f"welfare.{object_type}.viewed"
    try:
        record = records.get(pk=record_id)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        refusal_log(
            actor=actor,
            action=action,
            model=records.model,
            object_type=object_type,
            object_id=record_id,
        )
        raise NotFound() from exc
    log_case_read(
        actor=actor,
        action=action,
        case=cast(Any, record).case,
        object_type=object_type,
        object_id=record.pk,
    )
    return record


def duty_get_from(*, actor: User, duties: QuerySet[Duty], duty_id: UUID | str) -> Duty:
    """One of `duties` (already scoped to the reader), with the same NotFound for
    "does not exist" and "not yours". Every read is logged, and so is every refusal."""
    return case_record_get_logged(
        actor=actor, records=duties, record_id=duty_id, object_type="duty"
    )


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


# Open duties' order, the page's and the API's: by when each falls due, then by its
# key, which the `duty_mine`, `duty_team` and `duty_agency` indexes hold in this order
# (ADR 0013). Many fall due at the same 17:00; the key settles those ties.
DUTY_ORDER = ("due_at", "id")


def duty_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | None = None,
    kinds: frozenset[str] | set[str] | None = None,
    now: datetime | None = None,
    filterset_class: type[DutyFilter] = DutyFilter,
) -> QuerySet[Duty]:
    """Open duties in the order they fall due, filtered by `filters` (the query's
    `due` and `whose`, and `kind` with `DutyKindFilter`: see `welfare.filters`), of
    `kinds` when given. ValidationError names a parameter that cannot be read."""
    queryset = _open_duties_filtered(
        actor=actor, filters=filters, kinds=kinds, now=now, filterset_class=filterset_class
    )
    # What a row of the API and of the home page shows: each join more costs the
    # planner more than the page costs to read (about 5 ms against 0.7 ms at scale).
    return queryset.select_related(
        "case", "party__person", "party__victim_care", "responsible"
    ).order_by(*DUTY_ORDER)


def team_duty_list(*, actor: User, now: datetime | None = None) -> QuerySet[Duty]:
    """A supervisor's "Team duties": every open duty, of every kind they are cleared
    for, of the teams they cover (`welfare.filters._team_q`: their team's cases and
    members, and the people of teams with no supervisor of their own), in
    `DUTY_ORDER`: by due moment, so every overdue duty comes before any not yet due.
    Only a police supervisor covers teams (AccessDenied for anyone else)."""
    if access.role_of(actor) != Role.POLICE_SUPERVISOR:
        raise AccessDenied("welfare.duty.team")
    return duty_list(
        actor=actor, filters={"whose": "team"}, now=now, filterset_class=DutyKindFilter
    )


def my_duty_list(*, actor: User, now: datetime | None = None) -> QuerySet[Duty]:
    """The reader's own open duties, of every kind they are cleared for, in
    `DUTY_ORDER` (the overdue first): what the routing gave them, the screening
    after an arrest they recorded included."""
    return duty_list(
        actor=actor, filters={"whose": "mine"}, now=now, filterset_class=DutyKindFilter
    )


def victim_update_list(
    *, actor: User, filters: Mapping[str, Any] | None = None, now: datetime | None = None
) -> QuerySet[Duty]:
    """The victims' updates owed, for the page that lists them a keyset page at a
    time: as `duty_list` of the victims' duties, joined only to what a row shows
    (the victim, their care and the case), so that the first page of `DUTY_ORDER`
    is read down the `duty_mine`/`duty_team`/`duty_agency` index and stops there."""
    queryset = _open_duties_filtered(actor=actor, filters=filters, kinds=VICTIM_DUTIES, now=now)
    return queryset.select_related("case", "party__person", "party__victim_care").order_by(
        *DUTY_ORDER
    )


def _open_duties_filtered(
    *,
    actor: User,
    filters: Mapping[str, Any] | None,
    kinds: frozenset[str] | set[str] | None,
    now: datetime | None,
    filterset_class: type[DutyFilter] = DutyFilter,
) -> QuerySet[Duty]:
    filterset = filterset_class(
        filters,
        queryset=duty_scope(actor).filter(status=DutyStatus.OPEN),
        actor=actor,
        now=now or timezone.now(),
        whose_default=whose_default_get(actor),
    )
    queryset: QuerySet[Duty] = filterset.queryset_filtered()
    if kinds:
        queryset = queryset.filter(kind__in=sorted(kinds))
    return queryset


def case_duty_list(
    *, actor: User, case: CaseRecord, kinds: Iterable[str] | None = None
) -> QuerySet[Duty]:
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


def case_page_duty_list(*, actor: User, case: CaseRecord) -> list[Duty]:
    """Every duty of one case the reader may see, of every kind (the compartments
    they are cleared for), in `case_duty_list`'s order with ties by creation: read
    once for the case page's welfare panels, each of which keeps its own kinds. Each
    comes with what the panels show of its party (the person and their victim care);
    the case is the one given, not read again."""
    still_open = Case(When(status=DutyStatus.OPEN, then=Value(0)), default=Value(1))
    duties: list[Duty] = list(
        duty_scope(actor)
        .filter(case=case)
        .select_related("party__person", "party__victim_care")
        .annotate(closed_rank=still_open)
        .order_by("closed_rank", "due_at", "created_at", "id")
    )
    for duty in duties:
        duty.case = case
    return duties


def duty_deadlines_annotate(duties: Iterable[Duty], *, now: datetime | None = None) -> list[Duty]:
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
        # `deadline`, `overdue` and `due_text` are for the templates, not model fields.
        duty.deadline = deadline_status_between(  # type: ignore[attr-defined]
            due_at=duty.due_at, done_on=done_on, now=now, between=between
        )
        duty.overdue = duty.is_open and duty.due_at < now  # type: ignore[attr-defined]
        late_hours = duty_made_late_by_hours(duty)
        if duty.due_by_clock and duty.is_open:
            # A clock deadline (the 48-hour check) is counted in hours, never in
            # working days: "Missed by 3 hours", "31 hours left".
            duty.due_text = countdown(duty.due_at, now)[0]  # type: ignore[attr-defined]
        elif late_hours:
            duty.due_text = late_text(late_hours).capitalize()  # type: ignore[attr-defined]
        elif not duty.is_open and done_on is None:
            duty.due_text = duty.get_status_display()  # type: ignore[attr-defined]
        elif duty.is_open and not duty.overdue and duty.deadline.working_days_left == 0:  # type: ignore[attr-defined]
            duty.due_text = f"Due today {timezone.localtime(duty.due_at):%H:%M}"  # type: ignore[attr-defined]
        else:
            duty.due_text = duty.deadline.summary  # type: ignore[attr-defined]
    return duties
