"""Every read a user can trigger in this app, already scoped by the access policy."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from agencies.filters import AccessLogFilter
from agencies.models import AccessLogEntry, Agency, Membership, Team
from common.errors import NotFound
from common.filters import filterset_qs


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


def _member_agency_slug(member_id: Any) -> str:
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


def access_log_list(
    *,
    actor: AbstractBaseUser,
    filters: Mapping[str, Any],
    filterset_class: type[AccessLogFilter] = AccessLogFilter,
) -> QuerySet[AccessLogEntry]:
    """The log entries the actor may read, narrowed by `filters` (the API's
    AccessLogFilter, or the page's AccessLogPageFilter); ValidationError naming each
    field that is wrong, and then nothing is read or logged."""
    entries, chosen = filterset_qs(
        filterset_class, filters, access.access_log_scope(actor, AccessLogEntry.objects.all())
    )
    # Reading the log is itself recorded: the log shows who looked at whom.
    access_read_record(
        actor=actor,
        action="audit.access_log.viewed",
        object_type="access_log",
        justification=chosen.get("user") or "",
        records=(),
    )
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
