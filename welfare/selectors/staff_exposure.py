"""Scoped reads of staff exposure: the agency's rules, the arithmetic of local
days, a person's own sessions and shift, and the members of a supervisor's team.
A person reads their own sessions (with their private notes); a police supervisor
reads their team's, never a note. Nobody else reads anything.

The week's summaries and the home page's alerts built on these reads are in
`welfare.selectors.staff_summaries`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.utils import timezone

from agencies import access
from agencies.access import EXPOSURE_REVIEWERS
from agencies.models import Membership
from common.errors import NotFound
from welfare.filters import ExposureSessionFilter
from welfare.models import ExposureRules, ExposureSession, StaffShift

# --- Rules and the arithmetic of days


def exposure_rules_get_or_create(agency_id: UUID) -> ExposureRules:
    """The agency's rules, created with the defaults on first need."""
    rules, _ = ExposureRules.objects.get_or_create(agency_id=agency_id)
    return rules


def exposure_rules_get(*, actor: User) -> ExposureRules:
    """The rules of the actor's own agency, for an agency admin who manages them;
    anyone else is told there is nothing here."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "staff.rules.manage"):
        raise NotFound()
    return exposure_rules_get_or_create(membership.agency_id)


def exposure_rules_get_own(*, actor: User) -> ExposureRules:
    """The rules that apply to the actor as a reviewer of material."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "staff.exposure.log"):
        raise NotFound()
    return exposure_rules_get_or_create(membership.agency_id)


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


def _team_membership_find(agency_id: Any, team_id: Any, **lookup: Any) -> Membership | None:
    """The active membership in the agency's team that `lookup` names, or None."""
    return (
        Membership.objects.select_related("user", "agency", "team")
        .filter(agency_id=agency_id, team_id=team_id, user__is_active=True, **lookup)
        .first()
    )


def team_membership_get(*, actor: User, user_id: Any) -> Membership:
    """The membership of a person in the actor's own team (the actor included), or
    NotFound: another team, agency or nobody at all are never told apart."""
    membership = access.membership_of(actor)
    if membership is None or membership.team_id is None:
        raise NotFound()
    found = _team_membership_find(membership.agency_id, membership.team_id, user_id=user_id)
    if found is None:
        raise NotFound()
    return found


# --- Sessions


def exposure_session_list(
    *, actor: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[ExposureSession]:
    """The actor's own sessions; or, for a supervisor, those of the team member that
    the query's `user` names (by member id; NotFound for anyone else), when the
    caller must never show `private_note`, which is deferred."""
    sessions = ExposureSession.objects.none()
    read = ExposureSessionFilter(filters, queryset=sessions).values_read()
    member = team_member_get(actor=actor, member_id=read["user"]) if read.get("user") else None
    if member is None or member.user_id == actor.pk:
        if not access.can(actor, "staff.exposure.log"):
            return ExposureSession.objects.none()
        return ExposureSession.objects.filter(user=actor)
    if not access.can(actor, "staff.exposure.team"):
        raise NotFound()
    return ExposureSession.objects.filter(user_id=member.user_id).defer("private_note")


def team_member_get(*, actor: User, member_id: Any) -> Membership:
    """A member of the supervisor's own team, by membership id; else NotFound."""
    own = access.membership_of(actor)
    if own is None or own.team_id is None or not access.can(actor, "staff.exposure.team"):
        raise NotFound()
    try:
        found = _team_membership_find(own.agency_id, own.team_id, pk=member_id)
    except (ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc
    if found is None:
        raise NotFound()
    return found


def team_member_list(*, actor: User) -> list[Membership]:
    """The people of the supervisor's team who view material, by name: every police
    casework role, generalists included (EXPOSURE_REVIEWERS), in a team of any kind."""
    own = access.membership_of(actor)
    if own is None or own.team_id is None or not access.can(actor, "staff.exposure.team"):
        return []
    return list(
        Membership.objects.select_related("user", "agency", "team")
        .filter(
            agency_id=own.agency_id,
            team_id=own.team_id,
            role__in=sorted(EXPOSURE_REVIEWERS),
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
