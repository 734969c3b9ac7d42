"""Reads of suspect welfare, scoped to the reader: the owning force's police
casework, cleared for the suspect compartment. Nobody else (a granted agency, a
charity, an admin or an auditor) reads any of it: a partner learns only what a
referral discloses."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from agencies import access
from agencies.models import Compartment
from cases.models import Case, CaseParty, PartyRole
from cases.selectors import log_case_read
from safeguarding.models import Flag, FlagKind
from welfare.check_lateness import duty_made_late_by_hours, late_text
from welfare.filters import WelfareCheckFilter
from welfare.models import (
    Duty,
    DutyKind,
    DutyStatus,
    SafetyPlan,
    ScreeningResult,
    WelfareCheckAttempt,
    WelfareIncident,
    WelfareScreening,
)
from welfare.selectors.duties import case_record_get_logged, duty_scope, whose_default_get

VIEW = "welfare.suspect.view"


def suspect_welfare_access_check(actor: User, case: Case | None = None) -> bool:
    return access.can(actor, VIEW, case) and access.is_cleared_for(actor, Compartment.SUSPECT)


def _scoped(actor: User, queryset: QuerySet[Any], case: Case | None = None) -> QuerySet[Any]:
    membership = access.membership_of(actor)
    if membership is None or not suspect_welfare_access_check(actor):
        return queryset.none()
    queryset = queryset.filter(
        case__owning_agency_id=membership.agency_id,
        suspect__compartment__in=sorted(access.clearances(actor)),
    )
    return queryset.filter(case=case) if case is not None else queryset


def screening_list(*, actor: User, case: Case) -> QuerySet[WelfareScreening]:
    return _scoped(actor, WelfareScreening.objects.all(), case).select_related(
        "suspect__person", "screened_by", "event"
    )


def safety_plan_list(*, actor: User, case: Case) -> QuerySet[SafetyPlan]:
    return _scoped(actor, SafetyPlan.objects.all(), case).select_related(
        "suspect__person", "created_by", "release_event"
    )


def incident_list(*, actor: User, case: Case | None = None) -> QuerySet[WelfareIncident]:
    return _scoped(actor, WelfareIncident.objects.all(), case).select_related(
        "suspect__person", "recorded_by", "case"
    )


def incident_get_for_actor(*, actor: User, incident_id: UUID | str) -> WelfareIncident:
    incidents = incident_list(actor=actor).select_related("case__owning_agency")
    return case_record_get_logged(
        actor=actor, records=incidents, record_id=incident_id, object_type="welfare_incident"
    )


def welfare_check_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> QuerySet[Duty]:
    """Open 48-hour checks, soonest first, filtered by `filters` (the query's
    `status`, `due` or `missed`, and `whose`: see `welfare.filters`). A supervisor
    reads their team's (their agency's without a team); anyone else their own."""
    filterset = WelfareCheckFilter(
        filters,
        queryset=duty_scope(actor, action=VIEW).filter(
            kind=DutyKind.WELFARE_CHECK, status=DutyStatus.OPEN
        ),
        actor=actor,
        now=now or timezone.now(),
        whose_default=whose_default_get(actor),
    )
    filterset.values_read()
    if access.membership_of(actor) is None or not suspect_welfare_access_check(actor):
        return Duty.objects.none()
    queryset: QuerySet[Duty] = filterset.queryset_filtered()
    return queryset.select_related("case", "party__person", "responsible", "event").order_by(
        "due_at", "created_at"
    )


def welfare_check_attempt_list(*, actor: User, duty: Duty) -> list[WelfareCheckAttempt]:
    """The attempts at a welfare check the reader has read already through
    `duty_get_for_actor` (which logged that read and refused what is not theirs),
    newest first; this read is logged too."""
    if not suspect_welfare_access_check(actor, duty.case):
        return []
    attempts = list(
        WelfareCheckAttempt.objects.filter(duty=duty)
        .select_related("made_by", "contact")
        .order_by("-made_at", "-created_at")
    )
    if attempts:
        log_case_read(
            actor=actor,
            action="welfare.welfare_check.viewed",
            case=duty.case,
            object_type="welfare_check",
            records=attempts,
        )
    return attempts


def welfare_check_follow_up_list(*, actor: User, attempt: WelfareCheckAttempt) -> list[Duty]:
    """The duties a welfare check just opened (a second attempt, the escalation, a
    new screening and safety plan) that the reader may see, soonest due first."""
    return list(
        duty_scope(actor)
        .filter(source_key__startswith=f"check:{attempt.pk}:", status=DutyStatus.OPEN)
        .select_related("responsible")
        .order_by("due_at", "created_at")
    )


# --- The case panel: per suspect, in three queries whatever their number


@dataclass
class SuspectWelfare:
    suspect: CaseParty
    screening_result: str | None = None
    screened_at: datetime | None = None
    flag_raised_at: datetime | None = None
    flag_review_on: object = None
    plan_created_at: datetime | None = None
    plan_released_at: datetime | None = None
    plan_arrangements: str = ""
    check: Duty | None = None
    contact: Duty | None = None
    # An open check escalated to a supervisor, and the checks already closed (met,
    # not reached, declined), latest first, each with `.late_text` for the template.
    escalation: Duty | None = None
    checks_closed: list[Any] = field(default_factory=list)
    open_duties: list[Any] = field(default_factory=list)
    incidents: list[Any] = field(default_factory=list)

    @property
    def screening_label(self) -> str:
        return ScreeningResult(self.screening_result).label if self.screening_result else ""

    @property
    def flagged(self) -> bool:
        return self.flag_raised_at is not None

    @property
    def iopc_outstanding(self) -> list[Any]:
        return [i for i in self.incidents if i.iopc_referral_required and not i.iopc_reference]


def _latest(queryset: QuerySet[Any], order: str, value: str) -> Subquery:
    return Subquery(queryset.order_by(order).values(value)[:1])


_SUSPECT_PANEL_DUTIES = sorted(
    {
        DutyKind.WELFARE_SCREENING,
        DutyKind.SAFETY_PLAN,
        DutyKind.WELFARE_CHECK,
        DutyKind.WELFARE_CONTACT,
        DutyKind.WELFARE_CHECK_ESCALATION,
    }
)
_CHECKS = frozenset({DutyKind.WELFARE_CHECK, DutyKind.WELFARE_CHECK_ESCALATION})
# Closed checks the panel shows: what was done about them, never those that stopped
# applying.
_CHECK_CLOSED_SHOWN = frozenset({DutyStatus.MET, DutyStatus.NOT_REACHED, DutyStatus.DECLINED})


def suspect_welfare_list(
    *,
    actor: User,
    case: Case,
    parties: Iterable[CaseParty] | None = None,
    duties: Iterable[Duty] | None = None,
) -> list[SuspectWelfare]:
    """`parties` and `duties`, when the case page has read them already for every
    panel: the case's parties the reader may see (`cases.selectors.party_list`; for
    the owning force, which alone reads suspect welfare, the same parties as the
    compartments it is cleared for) and its duties (`duty_scope`, of any kind)."""
    if not suspect_welfare_access_check(actor, case):
        return []
    screenings = screening_list(actor=actor, case=case).filter(suspect=OuterRef("pk"))
    plans = safety_plan_list(actor=actor, case=case).filter(suspect=OuterRef("pk"))
    flags = Flag.objects.filter(
        person_id=OuterRef("person_id"),
        kind=FlagKind.SUICIDE_SELF_HARM,
        cleared_at__isnull=True,
    )
    # Named as SuspectWelfare's fields.
    latest = {
        "screening_result": _latest(screenings, "-screened_at", "result"),
        "screened_at": _latest(screenings, "-screened_at", "screened_at"),
        "flag_raised_at": _latest(flags, "-raised_at", "raised_at"),
        "flag_review_on": _latest(flags, "-raised_at", "review_on"),
        "plan_created_at": _latest(plans, "-created_at", "created_at"),
        "plan_released_at": _latest(plans, "-created_at", "released_at"),
        "plan_arrangements": _latest(plans, "-created_at", "safe_release_arrangements"),
    }
    if parties is None:
        suspects = list(
            access.compartment_scope(actor, CaseParty.objects.filter(case=case))
            .filter(role=PartyRole.SUSPECT)
            .select_related("person")
            .annotate(**latest)
            .order_by("created_at", "id")
        )
        latest_of: dict[Any, dict[str, Any]] = {
            s.pk: {name: getattr(s, name) for name in latest} for s in suspects
        }
    else:
        suspects = [party for party in parties if party.role == PartyRole.SUSPECT]
        # The parties are read already: only the latest of each, by their keys.
        found = cast(
            Iterable[dict[str, Any]],
            CaseParty.objects.filter(case=case, pk__in=[s.pk for s in suspects]).values(
                "pk", **latest
            )
            if suspects
            else [],
        )
        latest_of = {row["pk"]: {name: row[name] for name in latest} for row in found}
    if not suspects:
        return []
    rows = {s.pk: SuspectWelfare(suspect=s, **latest_of[s.pk]) for s in suspects}
    for welfare in rows.values():
        welfare.plan_arrangements = welfare.plan_arrangements or ""
    if duties is None:
        duties = duty_scope(actor, action=VIEW).filter(case=case, kind__in=_SUSPECT_PANEL_DUTIES)
        duties = duties.order_by("due_at", "created_at")
    else:
        duties = sorted(
            (d for d in duties if d.kind in _SUSPECT_PANEL_DUTIES),
            key=lambda duty: (duty.due_at, duty.created_at),
        )
    for duty in duties:
        row = rows.get(duty.party_id)
        if row is None:
            continue
        if duty.status != DutyStatus.OPEN:
            if duty.kind in _CHECKS and duty.status in _CHECK_CLOSED_SHOWN:
                duty.late_text = late_text(duty_made_late_by_hours(duty))  # type: ignore[attr-defined]
                row.checks_closed.insert(0, duty)
            continue
        row.open_duties.append(duty)
        if duty.kind == DutyKind.WELFARE_CHECK and row.check is None:
            row.check = duty
        elif duty.kind == DutyKind.WELFARE_CHECK_ESCALATION and row.escalation is None:
            row.escalation = duty
        elif duty.kind == DutyKind.WELFARE_CONTACT and row.contact is None:
            row.contact = duty
    for incident in incident_list(actor=actor, case=case).order_by("-occurred_at"):
        row = rows.get(incident.suspect_id)
        if row is not None:
            row.incidents.append(incident)
    return list(rows.values())
