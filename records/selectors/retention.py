"""Reads of retention records, scoped to the reader's own agency: the review queue
(the records manager's), and one case's retention record or tombstone (the records
manager's and a police supervisor's). Another agency's, or a role that may not, get
the same NotFound as a case that does not exist."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_denial_record, access_read_record
from cases.models import Case, CaseParty, Offence
from common.errors import NotFound
from records.models import CaseRetention, LegalHold, RetentionReview, RetentionState
from records.selectors.retention_rules import retention_keep_until

# The queue's order, held by the index retention_queue_due (ADR 0013).
QUEUE_ORDER = ("next_review_on", "id")


def retention_queue(*, actor: User, due_by: date | None = None) -> QuerySet[CaseRetention]:
    """The reader's agency's closed cases due for review by `due_by` (today when not
    given), the longest overdue first; those under a legal hold included, marked."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "records.retention.queue"):
        return CaseRetention.objects.none()
    return (
        CaseRetention.objects.filter(
            agency_id=membership.agency_id,
            state=RetentionState.SCHEDULED,
            next_review_on__lte=due_by or timezone.localdate(),
        )
        .select_related("agency", "rule")
        .order_by(*QUEUE_ORDER)
    )


@dataclass
class RetentionRecord:
    """What the retention page shows of one case: its schedule (None while the case
    is open and was never closed), the case itself while it exists (None once
    disposed of), its reviews and holds."""

    case_id: UUID
    retention: CaseRetention | None
    case: Case | None
    reviews: list[RetentionReview]
    holds: list[LegalHold]
    offences: list[str]
    keep_until: date | None = None
    keep_until_unknown: bool = False

    @property
    def hold_in_force(self) -> LegalHold | None:
        return next((hold for hold in self.holds if hold.in_force), None)

    @property
    def reference(self) -> str:
        if self.retention is not None:
            return self.retention.reference
        return self.case.reference if self.case is not None else ""

    @property
    def is_due(self) -> bool:
        return (
            self.retention is not None
            and self.retention.state == RetentionState.SCHEDULED
            and self.retention.next_review_on <= timezone.localdate()
        )


def retention_get_for_actor(
    *, actor: User, case_id: UUID | str, log: bool = True
) -> RetentionRecord:
    """One case's retention record (its tombstone once disposed of), for a reader of
    its owning agency who may see retention records; NotFound otherwise, logged for
    the owner's auditor. The read is logged as a read of the case, by its id."""
    membership = access.membership_of(actor)
    retention = None
    case = None
    if membership is not None and access.can(actor, "records.retention.view"):
        try:
            retention = (
                CaseRetention.objects.select_related("agency", "rule", "disposed_by")
                .filter(case_id=case_id, agency_id=membership.agency_id)
                .first()
            )
            case = (
                Case.objects.select_related("owning_agency")
                .filter(pk=case_id, owning_agency_id=membership.agency_id)
                .first()
            )
        except (ValueError, TypeError, ValidationError):
            retention = case = None
    if retention is None and case is None:
        access_denial_record(
            actor=actor,
            action="records.retention.viewed",
            object_type="case",
            object_id=case_id,
            justification="not found or out of scope",
        )
        raise NotFound()
    record = RetentionRecord(
        case_id=retention.case_id if retention is not None else case.pk,  # type: ignore[union-attr]
        retention=retention,
        case=case,
        reviews=[],
        holds=[],
        offences=[],
    )
    if retention is not None:
        record.reviews = list(
            retention.reviews.select_related("decided_by", "rule_before", "rule_after")
        )
        record.holds = list(retention.holds.select_related("placed_by", "lifted_by"))
        if not retention.is_disposed and case is not None:
            record.keep_until, record.keep_until_unknown = retention_keep_until(retention)
    if case is not None:
        record.offences = sorted(
            {
                offence.get_offence_type_display()
                for offence in Offence.objects.filter(case=case).only("offence_type")
            }
        )
    if log:
        slug = membership.agency.slug  # type: ignore[union-attr]
        access_read_record(
            actor=actor,
            action="records.retention.viewed",
            object_type="case",
            object_id=record.case_id,
            object_agency_slug=slug,
            justification=access.justification_for(actor, retention or case),
        )
    return record


def retention_subject_count(*, case_id: UUID) -> int:
    """How many parties the case has: what a disposal will remove, shown before it."""
    return CaseParty.objects.filter(case_id=case_id).count()
