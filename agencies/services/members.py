"""Agency admins manage their own agency's people: create, change, deactivate,
reactivate, reset MFA, unlock. Every change is checked against the access
policy, validated, written in a transaction, kept in history with its reason,
and written to the access log.

Admins never set passwords: creating a person, or resetting their authenticator,
gives the admin a one-time enrolment link to pass on (agencies.services.enrolment)."""

from uuid import UUID

from django.contrib.auth.models import Group, User
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import access
from agencies.audit import access_member_record
from agencies.lockout import WindowedLockoutHandler
from agencies.models import Membership, Role, Team
from agencies.services.enrolment import (
    IssuedEnrolmentLink,
    enrolment_link_issue,
    enrolment_links_revoke,
)
from agencies.services.sessions import sessions_end_for_user
from agencies.services.tokens import tokens_revoke_for_user
from common.api.concurrency import version_check
from common.errors import InvalidState, ValidationError
from common.history import history_note


def role_group(role: Role | str) -> Group:
    group, _ = Group.objects.get_or_create(name=f"role:{Role(role).value}")
    return group


def _membership_rules(agency_id: UUID, *, role: str, team: Team | None) -> dict[str, list[str]]:
    """What Membership.clean() says of this role and team in this agency."""
    try:
        Membership(agency_id=agency_id, role=role, team=team).clean()
    except ValidationError as invalid:
        return invalid.message_dict
    return {}


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give a reason: it is kept in the record's history."]})
    return reason


def _log(actor: User, action: str, membership: Membership, reason: str) -> None:
    access_member_record(actor=actor, action=action, membership=membership, justification=reason)


# What refuses turning an account on or off that already is: (message, state).
_ALREADY = {
    True: ("This account is already active.", "active"),
    False: ("This account is already deactivated.", "deactivated"),
}


def _member_active_set(
    actor: User, membership: Membership, *, active: bool, note: str
) -> Membership:
    """Lock the membership and turn its account on or off, one version later and
    noted in its history; refused when it already is. Inside the caller's transaction."""
    locked = (
        Membership.objects.select_for_update()
        .select_related("user", "agency")
        .get(pk=membership.pk)
    )
    if locked.user.is_active == active:
        message, state = _ALREADY[active]
        raise InvalidState(message, state=state)
    locked.user.is_active = active
    locked.user.save(update_fields=["is_active"])
    locked.version += 1
    history_note(locked, actor=actor, reason=note)
    locked.save(update_fields=["version", "updated_at"])
    return locked


def member_create(
    *,
    actor: User,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    team: Team | None = None,
) -> tuple[Membership, IssuedEnrolmentLink]:
    """The new account has no usable password and no authenticator, so it cannot
    sign in until its person has used the enrolment link returned here."""
    admin = access.require(actor, "agencies.member.manage")
    username = username.strip().lower()
    errors = _membership_rules(admin.agency_id, role=role, team=team)
    if not username:
        errors["username"] = ["Enter a username."]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = ["That username is already taken."]
    if not first_name.strip() or not last_name.strip():
        errors.setdefault("last_name" if first_name.strip() else "first_name", []).append(
            "Enter the person's full name."
        )
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email)
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        candidate.set_unusable_password()
        candidate.full_clean(exclude=["password"])
        candidate.save()
        candidate.groups.set([role_group(role)])
        membership = Membership(user=candidate, agency_id=admin.agency_id, team=team, role=role)
        membership.full_clean()
        history_note(membership, actor=actor, reason="created by agency admin")
        membership.save()
        _log(actor, "agencies.member.created", membership, f"role {role}")
        issued = enrolment_link_issue(actor=actor, membership=membership, reason="account created")
    return membership, issued


def member_update(
    *,
    actor: User,
    membership: Membership,
    expected_version: int,
    reason: str,
    role: str | None = None,
    team: Team | None = None,
    clear_team: bool = False,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> Membership:
    access.require(actor, "agencies.member.manage", membership)
    reason = _reason_required(reason)
    errors = _membership_rules(
        membership.agency_id, role=membership.role if role is None else role, team=team
    )
    if errors:
        # As it always was: when both are wrong, the role's error alone.
        field = "role" if "role" in errors else "team"
        raise ValidationError({field: errors[field]})
    if membership.user_id == actor.pk and role is not None and role != Role.AGENCY_ADMIN:
        raise ValidationError(
            {"role": ["You cannot remove your own admin role; ask another agency admin."]}
        )

    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update()
            .select_related("user", "agency")
            .get(pk=membership.pk)
        )
        version_check(locked, expected_version)
        user = locked.user
        for field, value in (
            ("first_name", first_name),
            ("last_name", last_name),
            ("email", email),
        ):
            if value is not None:
                setattr(user, field, value.strip())
        user.full_clean(exclude=["password"])
        user.save(update_fields=["first_name", "last_name", "email"])
        if role is not None and role != locked.role:
            locked.role = role
            user.groups.set([role_group(role)])
        if team is not None or clear_team:
            locked.team = team
        locked.version += 1
        history_note(locked, actor=actor, reason=reason)
        locked.save(update_fields=["role", "team", "version", "updated_at"])
        _log(actor, "agencies.member.changed", locked, reason)
    return locked


def member_deactivate(*, actor: User, membership: Membership, reason: str) -> Membership:
    """Deactivation ends every session and token of the person at once, on the
    server: their sessions are deleted and their tokens and unused enrolment links
    revoked, so that reactivating them later revives none of these."""
    access.require(actor, "agencies.member.manage", membership)
    reason = _reason_required(reason)
    if membership.user_id == actor.pk:
        raise InvalidState("You cannot deactivate your own account.", state="active")
    with transaction.atomic():
        locked = _member_active_set(actor, membership, active=False, note=f"deactivated: {reason}")
        tokens_revoke_for_user(actor=actor, user=locked.user, reason=f"deactivated: {reason}")
        sessions_end_for_user(actor=actor, user=locked.user, reason=f"deactivated: {reason}")
        enrolment_links_revoke(actor=actor, user=locked.user, reason=f"deactivated: {reason}")
        _log(actor, "agencies.member.deactivated", locked, reason)
    return locked


def member_reactivate(*, actor: User, membership: Membership, reason: str) -> Membership:
    access.require(actor, "agencies.member.manage", membership)
    reason = _reason_required(reason)
    with transaction.atomic():
        locked = _member_active_set(actor, membership, active=True, note=f"reactivated: {reason}")
        _log(actor, "agencies.member.reactivated", locked, reason)
    return locked


def member_mfa_reset(*, actor: User, membership: Membership, reason: str) -> IssuedEnrolmentLink:
    """For a lost phone: the authenticator is removed, every session and token that
    it let in ends, and the person cannot sign in again until they use the new
    enrolment link returned here (a password alone is never enough)."""
    access.require(actor, "agencies.member.manage", membership)
    if membership.user_id == actor.pk:
        # As with deactivating: it would end the admin's own sign-in with no way back
        # but the link, so another admin does it.
        raise InvalidState(
            "You cannot reset your own authenticator: ask another admin of your agency.",
            state="active",
        )
    reason = _reason_required(reason)
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=membership.user_id).delete()
        tokens_revoke_for_user(actor=actor, user=membership.user, reason=f"MFA reset: {reason}")
        sessions_end_for_user(actor=actor, user=membership.user, reason=f"MFA reset: {reason}")
        _log(actor, "agencies.member.mfa_reset", membership, reason)
        issued = enrolment_link_issue(
            actor=actor, membership=membership, reason=f"MFA reset: {reason}"
        )
    return issued


def member_unlock(*, actor: User, membership: Membership, reason: str) -> int:
    access.require(actor, "agencies.member.manage", membership)
    reason = _reason_required(reason)
    with transaction.atomic():
        cleared = WindowedLockoutHandler().reset_attempts(username=membership.user.get_username())
        _log(actor, "agencies.member.unlocked", membership, reason)
    return cleared
