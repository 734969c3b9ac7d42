"""What welfare adds to the case list: each case's next open duty of care that the
reader may see (the first to fall due), with how long is left or how late it is."""

from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_list_record
from cases.list_columns import CaseListColumn
from cases.models import Case
from welfare.models import Duty, DutyStatus
from welfare.selectors.duties import duty_deadlines_annotate, duty_scope


def next_duty_column(actor: User, cases: list[Case]) -> CaseListColumn | None:
    """One query for the page's cases, by the `duty_case` index (case, status, due_at):
    their open duties in the reader's scope (their agency's, in the compartments they
    are cleared for), the first of each case kept. None for a role that sees no
    duties. Each duty shown is named in the access log (it is about a victim, a
    suspect or their family).

    Shown, never sorted by: ordering the list by it would need the next due moment
    stored on the case and kept by every duty service (ADR 0013)."""
    if not access.can(actor, "welfare.duty.view"):
        return None
    first: dict[UUID, Duty] = {}
    if cases:
        for duty in open_duties_of_cases(actor, [case.pk for case in cases]):
            first.setdefault(duty.case_id, duty)
    shown: list[Duty] = duty_deadlines_annotate(first.values(), now=timezone.now())
    access_list_record(actor=actor, records=shown, model=Duty)
    return CaseListColumn(
        heading="Next duty due",
        template="welfare/includes/case_list_next_duty.html",
        values={duty.case_id: duty for duty in shown},
    )


def open_duties_of_cases(actor: User, case_ids: list[UUID]) -> QuerySet[Duty]:
    """The open duties of these cases that the reader may see, each case's first due
    first (scripts/plan_guard.py explains this read)."""
    return (
        duty_scope(actor)
        .filter(case_id__in=case_ids, status=DutyStatus.OPEN)
        .select_related("case__owning_agency")
        .order_by("case_id", "due_at", "id")
    )
