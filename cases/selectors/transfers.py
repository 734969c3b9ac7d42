"""Reads of transfers between forces, scoped to the reader: those their force asked
for and those asked of it (agencies.access.transfer_scope)."""

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from agencies import access
from agencies.selectors import member_list_for_casework
from cases.filters import INCOMING, OUTGOING, TransferFilter, filterset_apply
from cases.models import Case, CaseTransfer, TransferState
from cases.selectors import log_case_read, refusal_log
from common.errors import NotFound

__all__ = ["INCOMING", "OUTGOING"]  # the directions, for the views


def transfer_list(
    *, actor: User, filters: Mapping[str, Any] | None = None, case: Case | None = None
) -> QuerySet[CaseTransfer]:
    """Newest first, filtered by the list's FilterSet: `direction`, `incoming` (asked
    of the reader's force) or `outgoing` (asked by it); `state`, one of TransferState.
    Raises ValidationError naming each refused filter."""
    transfers = access.transfer_scope(actor, CaseTransfer.objects.all())
    if case is not None:
        transfers = transfers.filter(case=case)
    transfers = filterset_apply(TransferFilter(filters, actor=actor), transfers)
    return transfers.select_related(
        "case__owning_agency",
        "from_agency",
        "to_agency",
        "requested_by",
        "decided_by",
        "lead_officer",
    ).order_by("-requested_at", "-id")


def transfers_waiting_count(*, actor: User) -> int:
    """Transfers waiting for the reader's force to decide, for a supervisor's menu."""
    if not access.can(actor, "cases.transfer.decide"):
        return 0
    return transfer_list(
        actor=actor, filters={"direction": INCOMING, "state": TransferState.REQUESTED}
    ).count()


def transfer_get_for_actor(
    *, actor: User, transfer_id: UUID | str, log: bool = True
) -> CaseTransfer:
    """One transfer of the reader's force (either side); the same 404 for "does not
    exist" and "not yours", the refusal logged for the owner's auditor."""
    try:
        transfer = transfer_list(actor=actor).get(pk=transfer_id)
    except (CaseTransfer.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        refusal_log(
            actor=actor,
            action="cases.transfer.viewed",
            model=CaseTransfer,
            object_type="case_transfer",
            object_id=transfer_id,
        )
        raise NotFound() from exc
    if log:
        log_case_read(
            actor=actor,
            action="cases.transfer.viewed",
            case=transfer.case,
            object_type="case_transfer",
            object_id=transfer.pk,
        )
    return transfer


def pending_transfer_of(*, actor: User, case: Case) -> CaseTransfer | None:
    """The transfer of this case waiting for a decision, if the reader's force is on
    either side of it: the case page says "Transfer requested to ...". With the force
    it was asked of, which is all its callers show of it: not the list's FilterSet
    and six joins, which cost the case page more than the read itself."""
    requested = CaseTransfer.objects.filter(case=case, state=TransferState.REQUESTED)
    return (
        access.transfer_scope(actor, requested)
        .select_related("to_agency")
        .order_by("-requested_at", "-id")
        .first()
    )


def lead_officer_choices(*, actor: User) -> QuerySet[Any]:
    """Whom a receiving supervisor may name to lead a transferred case: the active
    police caseworkers of their own force."""
    return member_list_for_casework(actor=actor).filter(role__in=access.POLICE_CASEWORK)
