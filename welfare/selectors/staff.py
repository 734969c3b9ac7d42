"""Reads of staff exposure, scoped to the reader. A person reads their own sessions
(with their private notes); a police supervisor reads their team's compliance:
minutes, breaches and due dates, never a note. Nobody else reads anything.

Each summary is a fixed handful of queries whatever the size of the team."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Max, QuerySet
from django.utils import timezone

from agencies import access
from agencies.access import MATERIAL_READERS
from agencies.models import Membership
from cases.services.events import months_after
from common.errors import NotFound
from welfare.models import (
    ExposureRules,
    ExposureSession,
    StaffShift,
    WelfareMeeting,
    WelfareMeetingKind,
)

BREACH_WINDOW = timedelta(days=7)


# --- Rules and the arithmetic of days


def exposure_rules_for(agency_id) -> ExposureRules:
    """The agency's rules, created with the defaults on first need."""
    rules, _ = ExposureRules.objects.get_or_create(agency_id=agency_id)
    return rules


def exposure_rules_get(*, actor: User) -> ExposureRules:
    """The rules of the actor's own agency, for an agency admin who manages them;
    anyone else is told there is nothing here."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "staff.rules.manage"):
        raise NotFound()
    return exposure_rules_for(membership.agency_id)


def own_exposure_rules(*, actor: User) -> ExposureRules:
    """The rules that apply to the actor as a reviewer of material."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    return exposure_rules_for(membership.agency_id)


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def minutes_by_day(started_at: datetime, ended_at: datetime) -> dict[date, int]:
    """The minutes of a stretch spent on each local calendar day. Arithmetic in UTC,
    so that a day with a clock change has its true length."""
    spent: dict[date, int] = defaultdict(int)
    cursor = started_at.astimezone(UTC)
    end = ended_at.astimezone(UTC)
    while cursor < end:
        day = timezone.localtime(cursor).date()
        next_midnight = local_midnight(day + timedelta(days=1)).astimezone(UTC)
        part_end = min(end, next_midnight)
        spent[day] += int((part_end - cursor).total_seconds() // 60)
        cursor = part_end
    return dict(spent)


def team_membership_of(*, actor: User, user_id) -> Membership:
    """The membership of a person in the actor's own team (the actor included), or
    NotFound: another team, agency or nobody at all are never told apart."""
    membership = access.membership_of(actor)
    if membership is None or membership.team_id is None:
        raise NotFound()
    found = (
        Membership.objects.select_related("user", "agency", "team")
        .filter(
            user_id=user_id,
            agency_id=membership.agency_id,
            team_id=membership.team_id,
            user__is_active=True,
        )
        .first()
    )
    if found is None:
        raise NotFound()
    return found


# --- Sessions


def exposure_session_list(*, actor: User, member: Membership | None = None) -> QuerySet:
    """The actor's own sessions; or, for a supervisor, a member of their team's
    (the caller must then never show `private_note`, which is deferred)."""
    if member is None or member.user_id == actor.pk:
        if not access.can(actor, "staff.exposure.log"):
            return ExposureSession.objects.none()
        return ExposureSession.objects.filter(user=actor)
    if not access.can(actor, "staff.exposure.team"):
        raise NotFound()
    return ExposureSession.objects.filter(user_id=member.user_id).defer("private_note")


def team_member_get(*, actor: User, member_id) -> Membership:
    """A member of the supervisor's own team, by membership id; else NotFound."""
    own = access.membership_of(actor)
    if own is None or own.team_id is None or not access.can(actor, "staff.exposure.team"):
        raise NotFound()
    try:
        found = (
            Membership.objects.select_related("user", "agency", "team")
            .filter(
                pk=member_id,
                agency_id=own.agency_id,
                team_id=own.team_id,
                user__is_active=True,
            )
            .first()
        )
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if found is None:
        raise NotFound()
    return found


def team_members(*, actor: User) -> list[Membership]:
    """The people of the supervisor's team who may review material, by name."""
    own = access.membership_of(actor)
    if own is None or own.team_id is None or not access.can(actor, "staff.exposure.team"):
        return []
    return list(
        Membership.objects.select_related("user", "agency", "team")
        .filter(
            agency_id=own.agency_id,
            team_id=own.team_id,
            role__in=sorted(MATERIAL_READERS),
            user__is_active=True,
        )
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def staff_shift_get(*, actor: User) -> StaffShift:
    """The actor's own shift (created with the default on first read)."""
    if not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    shift, _ = StaffShift.objects.get_or_create(user=actor)
    return shift


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


def week_start_of(day: date) -> date:
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


def _last_meetings(user_ids) -> dict[tuple[int, str], date]:
    rows = (
        WelfareMeeting.objects.filter(user_id__in=list(user_ids))
        .values("user_id", "kind")
        .annotate(last=Max("held_on"))
        .order_by()
    )
    return {(row["user_id"], row["kind"]): row["last"] for row in rows}


def meetings_due(
    members: list[Membership], *, today: date, rules: ExposureRules | None = None
) -> dict[int, tuple[MeetingDue, MeetingDue]]:
    """For each member (by user id): their next debrief and welfare review."""
    last = _last_meetings(m.user_id for m in members)
    rules_by_agency: dict = {}
    due = {}
    for member in members:
        if rules is not None and rules.agency_id == member.agency_id:
            member_rules = rules
        else:
            if member.agency_id not in rules_by_agency:
                rules_by_agency[member.agency_id] = exposure_rules_for(member.agency_id)
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
    rules = exposure_rules_for(members[0].agency_id)
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


def exposure_summary(
    *, actor: User, week: date | None = None, now: datetime | None = None
) -> ExposureSummary:
    """The actor's own week, Monday to Sunday (the week of `week`, else this week)."""
    if not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    now = now or timezone.now()
    week_start = week_start_of(week or timezone.localtime(now).date())
    return _summaries([access.membership_of(actor)], week_start=week_start, now=now)[0]


def team_exposure_summary(
    *, actor: User, week: date | None = None, now: datetime | None = None
) -> list[ExposureSummary]:
    """Each member of the supervisor's team: their week, breaches and due dates."""
    if not access.can(actor, "staff.exposure.team"):
        raise NotFound()
    now = now or timezone.now()
    week_start = week_start_of(week or timezone.localtime(now).date())
    return _summaries(team_members(actor=actor), week_start=week_start, now=now)


# --- The home page


@dataclass
class TeamExposureAlerts:
    breach_sessions: int
    members_with_breaches: int
    overdue: list[tuple[Membership, MeetingDue]]


def team_exposure_alerts(*, actor: User, now: datetime | None = None) -> TeamExposureAlerts:
    """For a supervisor's home page: breaches in the team in the last 7 days, and
    debriefs and welfare reviews overdue."""
    now = now or timezone.now()
    members = team_members(actor=actor)
    if not members:
        return TeamExposureAlerts(0, 0, [])
    own = access.membership_of(actor)
    breaches = list(
        ExposureSession.objects.filter(
            agency_id=own.agency_id,
            team_id=own.team_id,
            has_breach=True,
            started_at__gte=now - BREACH_WINDOW,
        ).values_list("user_id", flat=True)
    )
    today = timezone.localtime(now).date()
    due = meetings_due(members, today=today)
    overdue = [(member, item) for member in members for item in due[member.user_id] if item.overdue]
    return TeamExposureAlerts(
        breach_sessions=len(breaches), members_with_breaches=len(set(breaches)), overdue=overdue
    )


def minutes_today(*, actor: User, now: datetime | None = None) -> tuple[int, int]:
    """The actor's own minutes of review today, and their agency's daily limit."""
    if not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    own = access.membership_of(actor)
    rules = exposure_rules_for(own.agency_id)
    spent = 0
    for session in ExposureSession.objects.filter(
        user=actor,
        started_at__lt=local_midnight(today + timedelta(days=1)),
        ended_at__gt=local_midnight(today),
    ).only("started_at", "ended_at"):
        spent += minutes_by_day(session.started_at, session.ended_at).get(today, 0)
    return spent, rules.max_review_minutes_per_day
