"""Every read a user can trigger in this app, already scoped by the access policy."""

from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from agencies.models import AccessLogEntry, Agency, Membership, Team
from common.errors import NotFound


def member_list(*, actor: AbstractBaseUser) -> QuerySet[Membership]:
    return access.member_scope(
        actor, Membership.objects.select_related("user", "agency", "team")
    ).order_by("user__username")


def member_get_for_actor(*, actor: AbstractBaseUser, member_id: UUID | str) -> Membership:
    """The same NotFound for "does not exist" and "not yours". Every read is logged,
    and so is every refusal, for the member's agency to see."""
    try:
        membership = member_list(actor=actor).get(pk=member_id)
    except (Membership.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        access_denial_record(
            actor=actor,
            action="agencies.member.viewed",
            object_type="member",
            object_id=member_id,
            object_agency_slug=_member_agency_slug(member_id),
            justification="not found or out of scope",
        )
        raise NotFound() from exc
    access_read_record(
        actor=actor,
        action="agencies.member.viewed",
        object_type="member",
        object_id=membership.pk,
        object_agency_slug=membership.agency.slug,
        justification=access.justification_for(actor),
    )
    return membership


def _member_agency_slug(member_id) -> str:
    """The agency of a member someone was refused, for the access log only: never
    told to the caller, who gets the same 404 whether the member exists or not."""
    try:
        return (
            Membership.objects.filter(pk=member_id).values_list("agency__slug", flat=True).first()
            or ""
        )
    except (ValueError, TypeError, ValidationError):
        return ""


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


def _naming(object_type: str, object_id: str) -> Q:
    """Entries about the record, or whose list or page showed it among others."""
    about = Q()
    if object_type:
        about &= Q(object_type=object_type)
    if object_id:
        about &= Q(object_id=object_id)
    # `record_ids` holds "type:id" strings: matched within the stored JSON text.
    shown = f'"{object_type}:{object_id}"' if object_type and object_id else None
    if shown is None:
        shown = f'"{object_type}:' if object_type else f':{object_id}"'
    return about | Q(record_ids__icontains=shown)


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
    access_read_record(
        actor=actor,
        action="audit.access_log.viewed",
        object_type="access_log",
        justification=username,
        records=(),
    )
    if username:
        entries = entries.filter(username=username)
    if object_type or object_id:
        entries = entries.filter(_naming(object_type, object_id))
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
