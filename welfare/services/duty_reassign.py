"""Reassigning a duty: giving it, with a reason, to someone else who may hold it.

Who may: the person responsible for it, their supervisors (`supervisors_of`: their
team's, else the agency's) and the case's lead officer, each of whom must be able
to see the duty (`welfare.duty.meet` on it: their own force's duty, in a
compartment they are cleared for); a duty out of their sight is 404, one in sight
but not theirs to give away 403. Only an open duty of an open case moves (409
naming the state).
Both people are told through the one notification path; the history keeps the
reason."""

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from agencies import access
from agencies.selectors.supervision import supervisors_for_team, supervisors_of
from cases.models.rules import Errors, written_reason
from cases.services.common import case_open_require, log_case_access, raise_if
from common.api.concurrency import version_check
from common.errors import AccessDenied, InvalidState, NotFound, ValidationError
from common.history import history_note
from common.notifications import notify
from welfare.models import Duty, DutyStatus
from welfare.services.duty_owners import can_hold

ACTION = "welfare.duty.meet"


def duty_reassign_allowed(*, actor: User, duty: Duty) -> bool:
    """Whether `actor` may give `duty` to someone else: the person responsible,
    their supervisors, or the case's lead officer (the duty in their sight)."""
    if actor.pk in (duty.responsible_id, duty.case.lead_officer_id):
        return True
    if duty.responsible is not None:
        supervisors = supervisors_of(duty.responsible)
    else:
        # Nobody responsible: the supervisors of the case's team stand in, as in the sweep.
        supervisors = supervisors_for_team(
            agency_id=duty.agency_id,
            agency_kind=duty.case.owning_agency.kind,
            team_id=duty.team_id,
            exclude_user_id=None,
        )
    return any(supervisor.pk == actor.pk for supervisor in supervisors)


def _in_sight(actor: User, duty: Duty) -> bool:
    membership = access.membership_of(actor)
    return (
        membership is not None
        and membership.agency_id == duty.agency_id
        and access.can(actor, ACTION)
        and access.is_cleared_for(actor, duty.compartment)
    )


@transaction.atomic
def duty_reassign(
    *, actor: User, duty: Duty, to: User | None, reason: str, expected_version: int | None
) -> Duty:
    """Give an open duty to `to` (who must be able to hold it), for `reason`. 400
    naming `reason` or `responsible`, 412 for a stale version, and nothing changes."""
    if not _in_sight(actor, duty):
        raise NotFound()
    if not duty_reassign_allowed(actor=actor, duty=duty):
        raise AccessDenied("welfare.duty.reassign")
    locked = (
        Duty.objects.select_for_update(of=("self",))
        .select_related("case", "responsible")
        .get(pk=duty.pk)
    )
    if expected_version is None:
        raise ValidationError({"version": ["Send the version you last read."]})
    version_check(locked, int(expected_version))
    # A closed case takes nothing new, as meeting its duties is refused (409 `closed`).
    case_open_require(locked.case)
    if locked.status != DutyStatus.OPEN:
        raise InvalidState(
            f"This duty is no longer open ({locked.get_status_display().lower()}).",
            state=locked.status,
        )
    errors: Errors = {}
    reason = written_reason(
        reason, "reason", missing="Say why the duty is reassigned.", errors=errors
    )
    if to is None or not can_hold(to, case=locked.case):
        errors.setdefault("responsible", []).append(
            "Choose an active police caseworker of the force that owns this case."
        )
    elif to.pk == locked.responsible_id:
        errors.setdefault("responsible", []).append("This person already holds the duty.")
    raise_if(errors)
    assert to is not None  # refused above
    before = locked.responsible
    locked.responsible = to
    locked.version += 1
    history_note(locked, actor=actor, reason=f"reassigned: {reason}")
    locked.save(update_fields=["responsible", "version"])
    log_case_access(
        actor=actor,
        action="welfare.duty.reassigned",
        case=locked.case,
        object_type="duty",
        object_id=locked.pk,
        note=reason[:200],
    )
    link = reverse("case-detail", args=[locked.case_id])
    # No personal details: what kind of thing, and where it is.
    notify(
        user=to,
        kind="welfare.duty_reassigned",
        message=f"A duty was reassigned to you: {locked.get_kind_display().lower()}.",
        link=link,
        dedupe_key=f"duty:{locked.pk}:reassigned:v{locked.version}:to",
    )
    if before is not None and before.is_active:
        notify(
            user=before,
            kind="welfare.duty_reassigned",
            message=f"A duty of yours was reassigned: {locked.get_kind_display().lower()}.",
            link=link,
            dedupe_key=f"duty:{locked.pk}:reassigned:v{locked.version}:from",
        )
    return locked
