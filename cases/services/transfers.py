"""Transfers: a police force hands a case over to another force.

The sending force asks, with a reason; the receiving force's supervisor accepts
(naming a lead officer of their own force) or declines (with a reason); the
sender may withdraw a request not yet decided. Until it is accepted the case is
the sender's, and the receiving force sees only what the transfer shows.

On acceptance, in one transaction:

* the case's owning agency, lead officer and team become the receiver's; its
  reference stays;
* the records that hang off the case follow it; the records above cases that carry
  their own agency or person responsible (duties of care, the work queue, open
  referrals) are moved by the handlers their apps registered (CASE_TRANSFERRED):
  open duties pass to the new lead with their due moments unchanged;
* the sending force keeps reading the case for 20 working days through a
  read-only grant (source "transfer");
* the case's history and the access log of both forces show the move."""

from typing import Any, cast
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.models import Agency, AgencyKind, Membership, Role
from cases.events import CASE_TRANSFERRED, event_dispatch
from cases.models import Case, CaseTransfer, TransferState
from cases.models.rules import written_reason
from cases.services.common import (
    case_action_require,
    case_open_require,
    log_case_access,
    raise_if,
    record_change,
    record_save_once,
)
from cases.services.grants import case_grants_after_transfer
from cases.services.lifecycle import case_open_duties
from common.errors import InvalidState, NotFound
from common.notifications import notify


def _destination_errors(case: Case, to_agency: Agency | None, errors: dict[str, list[str]]) -> None:
    if to_agency is None:
        errors.setdefault("to_agency", []).append("Choose the police force to transfer to.")
    elif to_agency.pk == case.owning_agency_id:
        errors.setdefault("to_agency", []).append(
            "The case already belongs to this force: choose another police force."
        )
    elif to_agency.kind != AgencyKind.POLICE:
        errors.setdefault("to_agency", []).append(
            "A case moves only between police forces: choose a police force. To share it "
            "with another agency, grant it or send a referral."
        )


def supervisors_of(agency_id: UUID) -> list[User]:
    """Who decides on a transfer to this force: its active supervisors."""
    return [
        membership.user
        for membership in Membership.objects.filter(
            agency_id=agency_id, role=Role.POLICE_SUPERVISOR, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    ]


def _transfer_link(transfer: CaseTransfer) -> str:
    return reverse("transfer-detail", args=[transfer.pk])


def _case_link(case: Case) -> str:
    return reverse("case-detail", args=[case.pk])


@transaction.atomic
def transfer_request(
    *, actor: User, case: Case, to_agency: Agency | None, reason: str
) -> CaseTransfer:
    """Ask another police force to take the case over. Its supervisors are told."""
    case_action_require(actor, "cases.transfer.request", case)
    locked = Case.objects.select_for_update().select_related("owning_agency").get(pk=case.pk)
    case_open_require(locked, f"{locked.reference} is closed: reopen it before transferring it.")
    errors: dict[str, list[str]] = {}
    _destination_errors(locked, to_agency, errors)
    reason = written_reason(
        reason, "reason", missing="Give the reason the other force should take it.", errors=errors
    )
    raise_if(errors)
    to_agency = cast(Agency, to_agency)  # _destination_errors refused None
    already = CaseTransfer.objects.filter(case=locked, state=TransferState.REQUESTED).first()
    if already is not None:
        raise InvalidState(
            f"A transfer of {locked.reference} is already waiting for "
            f"{already.to_agency.name} to decide.",
            state=TransferState.REQUESTED,
        )
    transfer = CaseTransfer(
        case=locked,
        from_agency=locked.owning_agency,
        to_agency=to_agency,
        reason=reason,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    transfer.full_clean(exclude=["case", "from_agency", "to_agency", "requested_by"])
    record_change(transfer, actor=actor, reason=f"requested: to {to_agency.slug}")
    # Two requests at once: the one-pending-transfer constraint decides.
    record_save_once(
        transfer,
        refused=InvalidState(
            f"A transfer of {locked.reference} is already waiting for a decision.",
            state=TransferState.REQUESTED,
        ),
    )
    log_case_access(
        actor=actor,
        action="cases.transfer.requested",
        case=locked,
        object_type="case_transfer",
        object_id=transfer.pk,
        note=f"to {to_agency.slug}: {reason}",
    )
    for supervisor in supervisors_of(to_agency.pk):
        _tell(
            supervisor,
            transfer,
            "requested",
            message=f"{locked.owning_agency.name} asks your force to take over a case.",
            link=_transfer_link(transfer),
        )
    return transfer


def _decision_locked(actor: User, transfer: CaseTransfer) -> tuple[CaseTransfer, Membership]:
    """The transfer, locked and re-read, for the receiving force's supervisor: the
    sender sees it but may not decide on it (403); anyone else does not know it (404)."""
    membership = access.require(actor, "cases.transfer.decide")
    locked = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related(
            "case__owning_agency", "case__lead_officer", "from_agency", "to_agency", "requested_by"
        )
        .filter(pk=transfer.pk)
        .first()
    )
    if locked is None or membership.agency_id not in (locked.from_agency_id, locked.to_agency_id):
        raise NotFound()
    if membership.agency_id != locked.to_agency_id:
        raise access.AccessDenied("cases.transfer.decide")
    if not locked.is_pending:
        raise InvalidState(
            f"This transfer is already {locked.get_state_display().lower()}.", state=locked.state
        )
    return locked, membership


def _lead_errors(
    to_agency_id: UUID, lead_officer: User | None, errors: dict[str, list[str]]
) -> None:
    if not access.holds_role(lead_officer, agency_id=to_agency_id, roles=access.POLICE_CASEWORK):
        errors.setdefault("lead_officer", []).append(
            "Choose an active officer, investigator or supervisor of your force to lead the case."
        )


def _tell(user: User, transfer: CaseTransfer, what: str, *, message: str, link: str) -> None:
    """A notification of the transfer (`cases.transfer_<what>`), once per transfer and what."""
    notify(
        user=user,
        kind=f"cases.transfer_{what}",
        message=message,
        link=link,
        dedupe_key=f"transfer:{transfer.pk}:{what}",
    )


def _tell_sender(
    transfer: CaseTransfer, people: list[User | None], *, what: str, message: str, link: str
) -> None:
    """The one who asked, and the case's lead officer before the move."""
    told: set[int] = set()
    for person in people:
        if person is None or person.pk in told or not person.is_active:
            continue
        told.add(person.pk)
        _tell(person, transfer, what, message=message, link=link)


@transaction.atomic
def _reason_required(reason: str, missing: str) -> str:
    """The reason for a decline or a withdrawal, written out; `missing` when it is not."""
    errors: dict[str, list[str]] = {}
    reason = written_reason(reason, "reason", missing=missing, errors=errors)
    raise_if(errors)
    return reason


def _transfer_decided(
    locked: CaseTransfer,
    *,
    actor: User,
    state: TransferState,
    case: Case,
    change: str,
    note: str,
    **fields: Any,
) -> None:
    """Records the decision on a locked transfer (its new state, who decided and when, and the
    fields the decision sets), saves it and logs it as cases.transfer.<state>."""
    locked.state = state
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    for name, value in fields.items():
        setattr(locked, name, value)
    record_change(locked, actor=actor, reason=change)
    locked.save(update_fields=["state", "decided_by", "decided_at", *fields])
    log_case_access(
        actor=actor,
        action=f"cases.transfer.{state.value}",
        case=case,
        object_type="case_transfer",
        object_id=locked.pk,
        note=note,
    )


def transfer_accept(
    *, actor: User, transfer: CaseTransfer, lead_officer: User | None
) -> CaseTransfer:
    """The receiving force's supervisor takes the case, naming its new lead officer."""
    locked, _ = _decision_locked(actor, transfer)
    case = Case.objects.select_for_update().select_related("owning_agency").get(pk=locked.case_id)
    errors: dict[str, list[str]] = {}
    _lead_errors(locked.to_agency_id, lead_officer, errors)
    raise_if(errors)
    lead_officer = cast(User, lead_officer)  # _lead_errors refused None
    case_open_require(case, f"{case.reference} was closed: it cannot be transferred.")
    sender, receiver = case.owning_agency, locked.to_agency
    previous_lead = case.lead_officer
    duties = len(case_open_duties(case=case))
    # The sender's auditor sees the case leave; the receiver's sees it arrive.
    log_case_access(
        actor=actor,
        action="cases.case.transferred",
        case=case,
        note=f"from {sender.slug} to {receiver.slug}",
    )
    case.owning_agency = receiver
    case.lead_officer = lead_officer
    case.team = Membership.objects.select_related("team").get(user=lead_officer).team
    case.version += 1
    record_change(case, actor=actor, reason=f"transferred from {sender.slug} to {receiver.slug}")
    case.save(update_fields=["owning_agency", "lead_officer", "team", "version", "updated_at"])
    case_grants_after_transfer(
        actor=actor,
        case=case,
        from_agency=sender,
        transfer_id=locked.pk,
        reason=f"Transferred to {receiver.name}: {sender.name} keeps reading it for a while.",
    )
    event_dispatch(CASE_TRANSFERRED, case=case, transfer=locked, actor=actor)
    _transfer_decided(
        locked,
        actor=actor,
        state=TransferState.ACCEPTED,
        case=case,
        change=f"accepted by {receiver.slug}",
        note=f"from {sender.slug}; lead officer {lead_officer.get_username()}; "
        f"{duties} open {'duty' if duties == 1 else 'duties'} passed to them",
        lead_officer=lead_officer,
    )
    _tell_sender(
        locked,
        [locked.requested_by, previous_lead],
        what="accepted",
        message=f"{receiver.name} accepted the transfer of case {case.reference}.",
        link=_case_link(case),
    )
    if lead_officer.pk != actor.pk:
        _tell(
            lead_officer,
            locked,
            "lead",
            message=f"You now lead case {case.reference}, transferred from {sender.name}.",
            link=_case_link(case),
        )
    return locked


@transaction.atomic
def transfer_decline(*, actor: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """The receiving force's supervisor declines, for a reason the sender is told of."""
    locked, _ = _decision_locked(actor, transfer)
    reason = _reason_required(reason, "Give the reason your force declines the case.")
    _transfer_decided(
        locked,
        actor=actor,
        state=TransferState.DECLINED,
        case=locked.case,
        change=f"declined by {locked.to_agency.slug}",
        note=f"by {locked.to_agency.slug}: {reason}",
        decision_reason=reason,
    )
    _tell_sender(
        locked,
        [locked.requested_by, locked.case.lead_officer],
        what="declined",
        message=f"{locked.to_agency.name} declined the transfer of case {locked.case.reference}.",
        link=_case_link(locked.case),
    )
    return locked


@transaction.atomic
def transfer_withdraw(*, actor: User, transfer: CaseTransfer, reason: str) -> CaseTransfer:
    """The sending force takes back a request not yet decided. The receiving force
    sees the request but may not withdraw it (403): it declines it instead."""
    membership = access.require(actor, "cases.transfer.request")
    if membership.agency_id == transfer.to_agency_id:
        raise access.AccessDenied("cases.transfer.request")
    locked = (
        CaseTransfer.objects.select_for_update(of=("self",))
        .select_related("case__owning_agency", "to_agency")
        .get(pk=transfer.pk)
    )
    if not locked.is_pending:
        raise InvalidState(
            f"This transfer is already {locked.get_state_display().lower()}.", state=locked.state
        )
    case_action_require(actor, "cases.transfer.request", locked.case)
    reason = _reason_required(reason, "Give the reason the transfer is withdrawn.")
    _transfer_decided(
        locked,
        actor=actor,
        state=TransferState.WITHDRAWN,
        case=locked.case,
        change="withdrawn",
        note=f"to {locked.to_agency.slug}: {reason}",
        decision_reason=reason,
    )
    for supervisor in supervisors_of(locked.to_agency_id):
        _tell(
            supervisor,
            locked,
            "withdrawn",
            message=f"{locked.case.owning_agency.name} withdrew a case transfer it had asked of "
            "your force.",
            link=_transfer_link(locked),
        )
    return locked
