"""Grants: another agency may work a case, for a reason the owner sees (ADR 0002).

Two sources, one model:

* a named grant, made by hand by the owning agency's lead officer, investigators
  or supervisors, for a written reason: the whole case, or only the parties chosen;
* a referral grant, made at once when the safeguarding hub or children's services
  accepts a safeguarding, strategy-discussion or request-for-information referral:
  scoped to the parties named in the referral, reasoned by it, and ending by itself
  20 working days after the receiver completes the referral unless renewed.

The permission itself is guardian's: `view_case` on the case, and either
`view_whole_case` on it or `view_caseparty` on each party in scope (read by
`agencies.access.party_scope`). This module is the only writer of those rows.
Charities never hold a case: they work from the disclosure."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from agencies import access
from agencies.models import Agency, AgencyKind, Membership
from agencies.working_days import add_working_days
from cases.models import (
    Case,
    CaseGrant,
    CaseParty,
    CasePartyGroupObjectPermission,
    GrantSource,
)
from cases.models.rules import raise_if, written_reason
from cases.services.common import (
    case_action_require,
    case_open_require,
    log_case_access,
    record_change,
    record_save_once,
)
from common.errors import InvalidState, ValidationError
from common.notifications import notify

# A referral grant lasts this long after the receiver completes the referral.
GRANT_AFTER_COMPLETION_WORKING_DAYS = 20
# Who is told when a grant ends by itself: those who work cases at the agency.
_CASEWORK_ROLES = access.CAPABILITIES["cases.case.view"]


def _reason(value: str, *, missing: str) -> str:
    errors: dict[str, list[str]] = {}
    text = written_reason(value, "reason", missing=missing, errors=errors)
    raise_if(errors)
    return text


def _agency_errors(case: Case, agency: Agency) -> dict[str, Any]:
    if agency.pk == case.owning_agency_id:
        return {"agency": ["The case already belongs to this agency."]}
    if agency.kind == AgencyKind.CHARITY:
        # Partners see only what a referral discloses, never the live case.
        return {"agency": ["A charity cannot be granted a case; send a referral instead."]}
    if agency.grant_group_id is None:
        # Without its grant group the agency could hold the reason but never the access.
        return {"agency": ["This agency cannot receive grants yet; ask its admin."]}
    return {}


def _parties_of_case(case: Case, parties: Iterable[Any]) -> list[CaseParty]:
    wanted = list(dict.fromkeys(str(getattr(party, "pk", party)) for party in parties))
    try:
        found = {
            str(party.pk): party
            for party in CaseParty.objects.filter(case=case, pk__in=[UUID(p) for p in wanted])
        }
    except (TypeError, ValueError) as exc:
        raise ValidationError({"parties": ["Choose people who are parties to this case."]}) from exc
    if len(found) != len(wanted):
        raise ValidationError({"parties": ["Choose people who are parties to this case."]})
    return [found[party_id] for party_id in wanted]


def _permissions_give(grant: CaseGrant, parties: Iterable[CaseParty] = ()) -> None:
    group = grant.agency.grant_group
    assign_perm("view_case", group, grant.case)
    if grant.source_kind == GrantSource.TRANSFER:
        assign_perm("read_only_case", group, grant.case)
    if not grant.party_scoped:
        assign_perm("view_whole_case", group, grant.case)
        return
    for party in parties:
        assign_perm("view_caseparty", group, party)


def _permissions_take(grant: CaseGrant) -> None:
    group = grant.agency.grant_group
    remove_perm("view_case", group, grant.case)
    remove_perm("view_whole_case", group, grant.case)
    remove_perm("read_only_case", group, grant.case)
    CasePartyGroupObjectPermission.objects.filter(
        group=group, content_object__case=grant.case
    ).delete()


def _scope_text(grant: CaseGrant, parties: Iterable[CaseParty] | None = None) -> str:
    if not grant.party_scoped:
        return "the whole case"
    count = len(list(parties if parties is not None else grant.parties.all()))
    return f"{count} {'person' if count == 1 else 'people'}"


def _live_grant_locked(case: Case, agency: Agency) -> CaseGrant | None:
    return (
        CaseGrant.objects.select_for_update(of=("self",))
        .select_related("agency", "case__owning_agency")
        .filter(case=case, agency=agency, revoked_at__isnull=True)
        .first()
    )


def _create(
    *,
    case: Case,
    agency: Agency,
    reason: str,
    granted_by: User,
    history_actor: User,
    parties: list[CaseParty] | None,
    source_kind: str,
    source_id: UUID | None = None,
    source_label: str = "",
) -> CaseGrant:
    already = InvalidState("This agency already has a grant to this case.", state="granted")
    grant = CaseGrant(
        case=case,
        agency=agency,
        reason=reason,
        granted_by=granted_by,
        granted_at=timezone.now(),
        source_kind=source_kind,
        source_id=source_id,
        source_label=source_label,
        party_scoped=parties is not None,
    )
    record_change(grant, actor=history_actor, reason=f"granted to {agency.slug}")
    # Two grants at once: the one-live-grant constraint decides.
    record_save_once(grant, refused=already)
    if parties is not None:
        grant.parties.set(parties)
    _permissions_give(grant, parties or ())
    return grant


def _grant_log(actor: User, what: str, grant: CaseGrant, note: str) -> None:
    """The access-log entry of a change to a grant (`cases.grant.<what>`)."""
    log_case_access(
        actor=actor,
        action=f"cases.grant.{what}",
        case=grant.case,
        object_type="case_grant",
        object_id=grant.pk,
        note=note,
    )


@transaction.atomic
def case_grant(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    reason: str,
    parties: Iterable[CaseParty | UUID | str] | None = None,
) -> CaseGrant:
    """A named grant by the owner: the whole case when `parties` is None, else only
    those parties (and what the grantee is cleared for of them). Lasts until revoked."""
    case_action_require(actor, "cases.grant.manage", case)
    case_open_require(case)
    errors = _agency_errors(case, agency)
    try:
        reason = _reason(reason, missing="Give the reason this agency needs to see the case.")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    chosen = None
    if parties is not None:
        try:
            chosen = _parties_of_case(case, parties)
            if not chosen:
                errors["parties"] = ["Choose at least one person, or grant the whole case."]
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if CaseGrant.objects.filter(case=case, agency=agency, revoked_at__isnull=True).exists():
        raise InvalidState("This agency already has a grant to this case.", state="granted")
    membership = cast(Membership, access.membership_of(actor))
    grant = _create(
        case=case,
        agency=agency,
        reason=reason,
        granted_by=actor,
        history_actor=actor,
        parties=chosen,
        source_kind=GrantSource.NAMED,
        source_label=f"Named by {actor.get_full_name() or actor.get_username()} "
        f"({membership.agency.name})",
    )
    _grant_log(
        actor, "created", grant, f"to {agency.slug} ({_scope_text(grant, chosen)}): {reason}"
    )
    return grant


@transaction.atomic
def case_grant_for_referral(
    *,
    actor: User,
    case: Case,
    agency: Agency,
    parties: Iterable[CaseParty],
    granted_by: User,
    source_id: UUID,
    source_label: str,
    reason: str,
) -> CaseGrant:
    """The grant an accepted referral makes: called by the referral's acceptance, in
    its transaction, with the receiver as `actor` and the referrer who disclosed the
    parties as `granted_by`. The sending is the owner's consent; the policy on who
    may accept is the referral's. When the agency already holds the case, the
    referral's parties are added to a scoped grant, which now lasts for this
    referral; a whole-case grant already covers them."""
    errors = _agency_errors(case, agency)
    if errors:
        raise ValidationError(errors)
    parties = list(parties)
    grant = _live_grant_locked(case, agency)
    if grant is None:
        grant = _create(
            case=case,
            agency=agency,
            reason=reason,
            granted_by=granted_by,
            history_actor=actor,
            parties=parties,
            source_kind=GrantSource.REFERRAL,
            source_id=source_id,
            source_label=source_label,
        )
        note = f"to {agency.slug} ({_scope_text(grant, parties)}) on accepting {source_label}"
    elif grant.source_kind == GrantSource.NAMED:
        # A named grant lasts until revoked: the referral adds its people, no end.
        if grant.party_scoped:
            grant.parties.add(*parties)
            _permissions_give(grant, parties)
        note = f"{agency.slug} already holds the case by name; {source_label} accepted"
    else:
        if grant.party_scoped:
            grant.parties.add(*parties)
            _permissions_give(grant, parties)
        grant.source_kind = GrantSource.REFERRAL
        grant.source_id = source_id
        grant.source_label = source_label
        grant.expires_at = None
        record_change(grant, actor=actor, reason=f"extended by {source_label}")
        grant.save(update_fields=["source_kind", "source_id", "source_label", "expires_at"])
        note = f"extended for {agency.slug} on accepting {source_label}"
    _grant_log(actor, "created", grant, note)
    return grant


@transaction.atomic
def case_grants_after_transfer(
    *, actor: User, case: Case, from_agency: Agency, transfer_id: UUID, reason: str
) -> CaseGrant:
    """A transfer was accepted, and `case` already belongs to the receiving force:
    a grant the receiver held to it ends (it owns the case now), and the force that
    handed it over keeps reading the whole case, and adding nothing, for 20 working
    days, unless the new owner renews or revokes that grant."""
    own = _live_grant_locked(case, case.owning_agency)
    if own is not None:
        own.revoked_at = timezone.now()
        own.revoked_by = actor
        own.revoke_reason = "The case was transferred to this agency: it owns the case now."
        record_change(own, actor=actor, reason=f"ended: {case.owning_agency.slug} owns the case")
        own.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        _permissions_take(own)
    errors = _agency_errors(case, from_agency)
    if errors:
        raise ValidationError(errors)
    grant = _create(
        case=case,
        agency=from_agency,
        reason=reason,
        granted_by=actor,
        history_actor=actor,
        parties=None,
        source_kind=GrantSource.TRANSFER,
        source_id=transfer_id,
        source_label=f"Transferred to {case.owning_agency.name}",
    )
    grant.expires_at = add_working_days(grant.granted_at, GRANT_AFTER_COMPLETION_WORKING_DAYS)
    grant.save(update_fields=["expires_at"])
    _grant_log(
        actor,
        "created",
        grant,
        f"to {from_agency.slug} (read only, the whole case) after the transfer, until "
        f"{grant.expires_at:%Y-%m-%d %H:%M}",
    )
    return grant


def case_grant_expiry_start(*, source_id: UUID, completed_at: datetime) -> CaseGrant | None:
    """The referral a grant came from was completed: the grant now ends by itself
    20 working days later (stored, from the one calendar), unless renewed. Called
    inside the completion's transaction; None when no live grant came from it."""
    grant = (
        CaseGrant.objects.select_for_update(of=("self",))
        .filter(source_kind=GrantSource.REFERRAL, source_id=source_id, revoked_at__isnull=True)
        .first()
    )
    if grant is None:
        return None
    grant.expires_at = add_working_days(completed_at, GRANT_AFTER_COMPLETION_WORKING_DAYS)
    record_change(grant, actor=None, reason="the referral was completed: expiry set")
    grant.save(update_fields=["expires_at"])
    return grant


def _grant_locked(grant: CaseGrant) -> CaseGrant:
    return (
        CaseGrant.objects.select_for_update(of=("self",))
        .select_related("agency", "case__owning_agency")
        .get(pk=grant.pk)
    )


@transaction.atomic
def case_grant_revoke(*, actor: User, grant: CaseGrant, reason: str) -> CaseGrant:
    case = grant.case
    case_action_require(actor, "cases.grant.manage", case)
    reason = _reason(reason, missing="Give the reason the grant ends.")
    locked = _grant_locked(grant)
    if locked.revoked_at is not None:
        raise InvalidState("This grant has already ended.", state="revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason
    record_change(locked, actor=actor, reason=f"revoked from {locked.agency.slug}")
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _permissions_take(locked)
    _grant_log(actor, "revoked", locked, f"from {locked.agency.slug}: {reason}")
    return locked


@transaction.atomic
def case_grant_renew(*, actor: User, grant: CaseGrant, reason: str) -> CaseGrant:
    """Another 20 working days from now, for a written reason: only a grant that
    would end by itself can be renewed. A grant may be revoked on a closed case (the
    access only narrows), not renewed."""
    case = grant.case
    case_action_require(actor, "cases.grant.manage", case)
    case_open_require(case)
    reason = _reason(reason, missing="Give the reason the agency still needs the case.")
    locked = _grant_locked(grant)
    if locked.revoked_at is not None:
        raise InvalidState("This grant has already ended.", state="revoked")
    if locked.expires_at is None:
        raise InvalidState(
            "This grant does not end by itself: it lasts until it is revoked.", state="open_ended"
        )
    now = timezone.now()
    locked.expires_at = add_working_days(now, GRANT_AFTER_COMPLETION_WORKING_DAYS)
    locked.renewed_at = now
    locked.renewed_by = actor
    locked.renew_reason = reason
    record_change(locked, actor=actor, reason=f"renewed for {locked.agency.slug}")
    locked.save(update_fields=["expires_at", "renewed_at", "renewed_by", "renew_reason"])
    _grant_log(
        actor,
        "renewed",
        locked,
        f"for {locked.agency.slug} until {locked.expires_at:%Y-%m-%d %H:%M}: {reason}",
    )
    return locked


def _told_of_expiry(grant: CaseGrant) -> list[User]:
    """The grantee's caseworkers (they lose the case) and the owner's lead officer
    (who may renew it, too late now, or grant it again)."""
    people = [
        membership.user
        for membership in Membership.objects.filter(
            agency_id=grant.agency_id, role__in=_CASEWORK_ROLES, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ]
    if grant.case.lead_officer_id is not None:
        people.append(cast(User, grant.case.lead_officer))
    return people


@transaction.atomic
def case_grant_expire(*, grant_id: UUID, now: datetime | None = None) -> bool:
    """End one grant whose time has come, and tell its holders and the owner. Run
    twice, it ends and tells once: the row is locked and re-read."""
    now = now or timezone.now()
    locked = (
        CaseGrant.objects.select_for_update(of=("self",))
        .select_related("agency", "case__owning_agency", "case__lead_officer")
        .filter(pk=grant_id, revoked_at__isnull=True, expires_at__lte=now)
        .first()
    )
    if locked is None:
        return False
    locked.revoked_at = now
    locked.expired = True
    after = (
        "the case was transferred"
        if locked.source_kind == GrantSource.TRANSFER
        else "the referral was completed"
    )
    locked.revoke_reason = (
        f"Ended by itself {GRANT_AFTER_COMPLETION_WORKING_DAYS} working days after {after}."
    )
    record_change(locked, actor=None, reason=f"expired for {locked.agency.slug}")
    locked.save(update_fields=["revoked_at", "expired", "revoke_reason"])
    _permissions_take(locked)
    case = locked.case
    owner_link = f"/cases/{case.pk}/grants/"
    for user in _told_of_expiry(locked):
        is_owner = user.pk == case.lead_officer_id
        notify(
            user=user,
            kind="cases.grant_expired",
            message=(
                f"Access to case {case.reference} for {locked.agency.name} has ended: "
                f"its time after {_what_it_followed(locked)} ran out."
                if is_owner
                else f"Your agency's access to case {case.reference} has ended: its time "
                f"after {_what_it_followed(locked)} ran out."
            ),
            link=owner_link if is_owner else "/cases/",
            dedupe_key=f"grant:{locked.pk}:expired",
        )
    return True


def _what_it_followed(grant: CaseGrant) -> str:
    return "the transfer" if grant.source_kind == GrantSource.TRANSFER else "the referral"


def grants_expire(*, now: datetime | None = None) -> int:
    """The sweep: end every live grant past its `expires_at`. Idempotent."""
    now = now or timezone.now()
    due = CaseGrant.objects.filter(revoked_at__isnull=True, expires_at__lte=now).values_list(
        "pk", flat=True
    )
    return sum(case_grant_expire(grant_id=grant_id, now=now) for grant_id in list(due))
