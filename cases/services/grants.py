"""Named grants: another agency may see a case, for a written reason (ADR 0002)."""

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from agencies.models import Agency, AgencyKind
from cases.models import CaseGrant
from cases.services.common import case_action_require, log_case_access
from common.errors import InvalidState, ValidationError


@transaction.atomic
def case_grant(*, actor: User, case, agency: Agency, reason: str) -> CaseGrant:
    case_action_require(actor, "cases.grant.manage", case)
    errors: dict = {}
    if agency.pk == case.owning_agency_id:
        errors["agency"] = ["The case already belongs to this agency."]
    elif agency.kind == AgencyKind.CHARITY:
        # Partners see only what a referral discloses, never the live case.
        errors["agency"] = ["A charity cannot be granted a case; send a referral instead."]
    elif agency.grant_group_id is None:
        # Without its grant group the agency could hold the reason but never the access.
        errors["agency"] = ["This agency cannot receive grants yet; ask its admin."]
    if not reason.strip():
        errors["reason"] = ["Give the reason this agency needs to see the case."]
    if errors:
        raise ValidationError(errors)
    already = InvalidState("This agency already has a grant to this case.", state="granted")
    if CaseGrant.objects.filter(case=case, agency=agency, revoked_at__isnull=True).exists():
        raise already
    try:
        # Two managers granting at once: the one-live-grant constraint decides.
        with transaction.atomic():
            grant = CaseGrant.objects.create(
                case=case,
                agency=agency,
                reason=reason.strip(),
                granted_by=actor,
                granted_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise already from exc
    assign_perm("view_case", agency.grant_group, case)
    log_case_access(
        actor=actor,
        action="cases.grant.created",
        case=case,
        object_type="case_grant",
        object_id=grant.pk,
        note=f"to {agency.slug}: {reason.strip()}",
    )
    return grant


@transaction.atomic
def case_grant_revoke(*, actor: User, grant: CaseGrant, reason: str) -> CaseGrant:
    case = grant.case
    case_action_require(actor, "cases.grant.manage", case)
    if not reason.strip():
        raise ValidationError({"reason": ["Give the reason the grant ends."]})
    locked = CaseGrant.objects.select_for_update().select_related("agency").get(pk=grant.pk)
    if locked.revoked_at is not None:
        raise InvalidState("This grant has already ended.", state="revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = actor
    locked.revoke_reason = reason.strip()
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    remove_perm("view_case", locked.agency.grant_group, case)
    log_case_access(
        actor=actor,
        action="cases.grant.revoked",
        case=case,
        object_type="case_grant",
        object_id=locked.pk,
        note=f"from {locked.agency.slug}: {reason.strip()}",
    )
    return locked
