"""Every read a user can trigger in this app, already scoped by the access policy."""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_log_record
from agencies.models import AccessLogEntry, Agency, Membership, Team
from common.errors import NotFound


def member_list(*, actor: AbstractBaseUser) -> QuerySet[Membership]:
    return access.member_scope(
        actor, Membership.objects.select_related("user", "agency", "team")
    ).order_by("user__username")


def member_get_for_actor(*, actor: AbstractBaseUser, member_id: UUID | str) -> Membership:
    """The same NotFound for "does not exist" and "not yours"."""
    try:
        return member_list(actor=actor).get(pk=member_id)
    except (Membership.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def team_list(*, actor: AbstractBaseUser) -> QuerySet[Team]:
    membership = access.membership_of(actor)
    if membership is None:
        return Team.objects.none()
    return Team.objects.filter(agency_id=membership.agency_id).order_by("name")


def team_get_for_actor(*, actor: AbstractBaseUser, team_id: UUID | str) -> Team:
    try:
        return team_list(actor=actor).get(pk=team_id)
    except (Team.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def access_log_list(
    *,
    actor: AbstractBaseUser,
    username: str = "",
    object_type: str = "",
    object_id: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AccessLogEntry]:
    entries = access.access_log_scope(actor, AccessLogEntry.objects.all())
    # Reading the log is itself recorded: the log shows who looked at whom.
    access_log_record(actor=actor, action="audit.access_log.viewed", justification=username)
    if username:
        entries = entries.filter(username=username)
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id:
        entries = entries.filter(object_id=object_id)
    if action:
        entries = entries.filter(action__startswith=action)
    if date_from:
        entries = entries.filter(at__gte=_start_of(date_from))
    if date_to:
        entries = entries.filter(at__lt=_start_of(date_to + timedelta(days=1)))
    return entries.order_by("-sequence")


def member_get_self(*, actor: AbstractBaseUser) -> Membership:
    membership = access.membership_of(actor)
    if membership is None:
        raise NotFound()
    return membership


def member_list_for_casework(*, actor: AbstractBaseUser) -> QuerySet[Membership]:
    """Active caseworkers of the actor's own agency: who can lead a case."""
    membership = access.membership_of(actor)
    if membership is None:
        return Membership.objects.none()
    return (
        Membership.objects.filter(
            agency_id=membership.agency_id, role__in=access.CASEWORK, user__is_active=True
        )
        .select_related("user", "team")
        .order_by("user__last_name", "user__first_name")
    )


def agency_list() -> QuerySet[Agency]:
    """The agencies that share Tideline: names and kinds are not secret."""
    return Agency.objects.order_by("name")


def agency_get_by_slug(*, slug: str) -> Agency:
    try:
        return agency_list().get(slug=slug)
    except Agency.DoesNotExist as exc:
        raise NotFound() from exc
