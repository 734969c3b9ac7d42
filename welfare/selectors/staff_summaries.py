"""Summaries of staff exposure, scoped to the reader: a person's own week (minutes
per day, breaches, the next debrief and welfare review), a supervisor's team week
by week, and the home page's alerts and minutes of review today. A supervisor sees
compliance (minutes, breaches and due dates), never a note.

Each summary is a fixed handful of queries whatever the size of the team. The
scoped reads they are built on are in `welfare.selectors.staff_exposure`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Max
from django.utils import timezone

from agencies import access
from agencies.audit import access_read_record
from agencies.models import Membership
from common.dates import months_after
from common.errors import AccessDenied, NotFound
from welfare.filters import ExposureSummaryFilter
from welfare.models import ExposureRules, ExposureSession, WelfareMeeting, WelfareMeetingKind
from welfare.selectors.staff_exposure import (
    exposure_rules_get_or_create,
    local_midnight,
    minutes_by_day,
    team_member_list,
)

BREACH_WINDOW = timedelta(days=7)


# --- Summaries


@dataclass
class DayExposure:
    day: date
    minutes: int = 0
    limit: int = 240
    breaches: set[str] = field(default_factory=set)

    @property
    def over_limit(self) -> bool:
        return self.minutes > self.limit

    @property
    def over_by(self) -> int:
        return max(0, self.minutes - self.limit)

    @property
    def percent_of_limit(self) -> int:
        return min(100, round(100 * self.minutes / self.limit)) if self.limit else 100


@dataclass
class MeetingDue:
    kind: str
    last_held_on: date | None
    due_on: date
    today: date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def label(self) -> str:
        return WelfareMeetingKind(self.kind).label


@dataclass
class ExposureSummary:
    member: Membership
    week_start: date
    limit_minutes: int
    days: list[DayExposure]
    breach_count: int
    debrief: MeetingDue
    welfare_review: MeetingDue
    # The rest of the agency's rules, as applied to this summary.
    final_minutes: int = 60
    debrief_every_months: int = 1
    welfare_review_every_months: int = 6

    @property
    def total_minutes(self) -> int:
        return sum(day.minutes for day in self.days)

    @property
    def overdue(self) -> bool:
        return self.debrief.overdue or self.welfare_review.overdue


def week_start_get(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _due(
    *, rules: ExposureRules, kind: str, last_held_on: date | None, joined_on: date, today: date
) -> MeetingDue:
    months = (
        rules.debrief_every_months
        if kind == WelfareMeetingKind.DEBRIEF
        else rules.welfare_review_every_months
    )
    # With none recorded, the first is due one period after the person joined.
    due_on = months_after(last_held_on or joined_on, months)
    return MeetingDue(kind=kind, last_held_on=last_held_on, due_on=due_on, today=today)


def _last_meetings(user_ids: Iterable[int]) -> dict[tuple[int, str], date]:
    rows = (
        WelfareMeeting.objects.filter(user_id__in=list(user_ids))
        .values("user_id", "kind")
        .annotate(last=Max("held_on"))
        .order_by()
    )
    return {(row["user_id"], row["kind"]): row["last"] for row in rows}


def meetings_due(
    members: list[Membership], *, today: date, rules: ExposureRules | None = None
) -> dict[int, tuple[MeetingDue, ...]]:
    """For each member (by user id): their next debrief and welfare review."""
    last = _last_meetings(m.user_id for m in members)
    rules_by_agency: dict[UUID, Any] = {}
    due = {}
    for member in members:
        if rules is not None and rules.agency_id == member.agency_id:
            member_rules = rules
        else:
            if member.agency_id not in rules_by_agency:
                rules_by_agency[member.agency_id] = exposure_rules_get_or_create(member.agency_id)
            member_rules = rules_by_agency[member.agency_id]
        joined_on = timezone.localtime(member.created_at).date()
        due[member.user_id] = tuple(
            _due(
                rules=member_rules,
                kind=kind,
                last_held_on=last.get((member.user_id, kind)),
                joined_on=joined_on,
                today=today,
            )
            for kind in (WelfareMeetingKind.DEBRIEF, WelfareMeetingKind.WELFARE_REVIEW)
        )
    return due


def _summaries(
    members: list[Membership], *, week_start: date, now: datetime
) -> list[ExposureSummary]:
    if not members:
        return []
    today = timezone.localtime(now).date()
    rules = exposure_rules_get_or_create(members[0].agency_id)
    week_end = week_start + timedelta(days=7)
    sessions = ExposureSession.objects.filter(
        user_id__in=[m.user_id for m in members],
        started_at__lt=local_midnight(week_end),
        ended_at__gt=local_midnight(week_start),
    ).only("user_id", "started_at", "ended_at", "breaches")
    by_user: dict[int, dict[date, DayExposure]] = defaultdict(dict)
    breach_counts: dict[int, int] = defaultdict(int)
    limit = rules.max_review_minutes_per_day
    for member in members:
        by_user[member.user_id] = {
            week_start + timedelta(days=i): DayExposure(
                day=week_start + timedelta(days=i), limit=limit
            )
            for i in range(7)
        }
    for session in sessions:
        days = by_user[session.user_id]
        for day, minutes in minutes_by_day(session.started_at, session.ended_at).items():
            if day in days:
                days[day].minutes += minutes
        start_day = timezone.localtime(session.started_at).date()
        if session.breaches and start_day in days:
            days[start_day].breaches.update(session.breaches)
            breach_counts[session.user_id] += 1
    due = meetings_due(members, today=today, rules=rules)
    return [
        ExposureSummary(
            member=member,
            week_start=week_start,
            limit_minutes=limit,
            days=list(by_user[member.user_id].values()),
            breach_count=breach_counts[member.user_id],
            debrief=due[member.user_id][0],
            welfare_review=due[member.user_id][1],
            final_minutes=rules.no_review_final_minutes,
            debrief_every_months=rules.debrief_every_months,
            welfare_review_every_months=rules.welfare_review_every_months,
        )
        for member in members
    ]


def exposure_summary_get(
    *, actor: User, week: date | None = None, now: datetime | None = None
) -> ExposureSummary:
    """The actor's own week, Monday to Sunday (the week of `week`, else this week)."""
    if not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    now = now or timezone.now()
    week_start = week_start_get(week or timezone.localtime(now).date())
    own = cast(Membership, access.membership_of(actor))
    return _summaries([own], week_start=week_start, now=now)[0]


def team_exposure_summary_list(
    *, actor: User, week: date | None = None, now: datetime | None = None
) -> list[ExposureSummary]:
    """Each member of the supervisor's team: their week, breaches and due dates."""
    if not access.can(actor, "staff.exposure.team"):
        raise NotFound()
    now = now or timezone.now()
    week_start = week_start_get(week or timezone.localtime(now).date())
    members = team_member_list(actor=actor)
    # Each member's exposure to abuse material and their welfare meetings: staff
    # welfare, read by their supervisor.
    _team_read_log(actor, members, action="welfare.staff_exposure.team_viewed")
    return _summaries(members, week_start=week_start, now=now)


def _team_read_log(actor: User, members: list[Membership], *, action: str) -> None:
    access_read_record(actor=actor, action=action, object_type="member", records=members)


# --- The home page


@dataclass
class TeamExposureAlerts:
    breach_sessions: int
    members_with_breaches: int
    overdue: list[tuple[Membership, MeetingDue]]


def exposure_summary_list(
    *, actor: User, filters: Mapping[str, Any] | None = None, now: datetime | None = None
) -> list[ExposureSummary]:
    """The week of the query's `week` (else this week): the actor's own (one item),
    or with `team` each member of the supervisor's team (AccessDenied for anyone
    else)."""
    read = ExposureSummaryFilter(filters, queryset=Membership.objects.none()).values_read()
    if read.get("team"):
        if not access.can(actor, "staff.exposure.team"):
            raise AccessDenied("staff.exposure.team")
        return team_exposure_summary_list(actor=actor, week=read.get("week"), now=now)
    return [exposure_summary_get(actor=actor, week=read.get("week"), now=now)]


def team_exposure_alerts_get(*, actor: User, now: datetime | None = None) -> TeamExposureAlerts:
    """For a supervisor's home page: breaches in the team in the last 7 days, and
    debriefs and welfare reviews overdue."""
    now = now or timezone.now()
    members = team_member_list(actor=actor)
    if not members:
        return TeamExposureAlerts(0, 0, [])
    own = cast(Membership, access.membership_of(actor))
    breaches = list(
        ExposureSession.objects.filter(
            agency_id=own.agency_id,
            team_id=own.team_id,  # type: ignore[misc]  # None is a lookup (IS NULL)
            has_breach=True,
            started_at__gte=now - BREACH_WINDOW,
        ).values_list("user_id", flat=True)
    )
    today = timezone.localtime(now).date()
    due = meetings_due(members, today=today)
    overdue = [(member, item) for member in members for item in due[member.user_id] if item.overdue]
    if overdue:
        _team_read_log(
            actor, [member for member, _ in overdue], action="welfare.staff_exposure.alerts_viewed"
        )
    return TeamExposureAlerts(
        breach_sessions=len(breaches), members_with_breaches=len(set(breaches)), overdue=overdue
    )


def exposure_minutes_today_get(*, actor: User, now: datetime | None = None) -> tuple[int, int]:
    """The actor's own minutes of review today, and their agency's daily limit."""
    if not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    own = cast(Membership, access.membership_of(actor))
    rules = exposure_rules_get_or_create(own.agency_id)
    spent = 0
    for session in ExposureSession.objects.filter(
        user=actor,
        started_at__lt=local_midnight(today + timedelta(days=1)),
        ended_at__gt=local_midnight(today),
    ).only("started_at", "ended_at"):
        spent += minutes_by_day(session.started_at, session.ended_at).get(today, 0)
    return spent, rules.max_review_minutes_per_day
