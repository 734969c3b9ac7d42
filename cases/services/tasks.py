"""Tasks: work on a case that no duty of care covers, given to a member of the
agency whose work it is. Made open; then done, or cancelled with a reason."""

from datetime import date
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import access
from agencies.models import Role
from cases.models import Case, Task, TaskStatus
from cases.models.rules import Errors, written_reason
from cases.services.common import (
    case_open_require,
    case_record_save,
    log_case_access,
    raise_if,
    record_change,
)
from common.api.concurrency import version_check
from common.dates import day_text
from common.errors import AccessDenied, InvalidState, NotFound
from common.notifications import notify


def _assignee_check(agency_id: UUID, assignee: User | None, errors: Errors) -> None:
    """The assignee must be an active caseworker of the agency whose work it is: a
    task for anyone else would be work they cannot see."""
    if not access.holds_role(assignee, agency_id=agency_id, roles=access.CASEWORK):
        errors.setdefault("assignee", []).append(
            "Choose an active caseworker of your agency to do the task."
        )


@transaction.atomic
def task_create(
    *,
    actor: User,
    case: Case,
    title: str,
    assignee: User | None,
    due_on: date,
    note: str = "",
) -> Task:
    # The task is the creator's agency's work, on a case it may see: its own, or one
    # granted to it (the grant gives no say in the owner's tasks; a task is not one).
    if not access.can(actor, "cases.case.view", case):
        raise NotFound()
    membership = access.require(actor, "cases.task.add")
    case_open_require(case)
    task = Task(
        case=case,
        agency=membership.agency,
        title=(title or "").strip(),
        note=(note or "").strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=actor,
    )
    errors = task.rules()
    _assignee_check(membership.agency_id, assignee, errors)
    if due_on is not None and due_on < timezone.localdate():
        errors.setdefault("due_on", []).append("The due date must be today or later.")
    raise_if(errors)
    task.full_clean()
    case_record_save(
        task,
        actor=actor,
        case=case,
        reason="task created",
        action="cases.task.created",
        object_type="task",
    )
    if assignee is not None and assignee.pk != actor.pk:
        # No personal details: the kind of thing and where it is.
        notify(
            user=assignee,
            kind="cases.task_assigned",
            message=f"You have a new task, due {day_text(due_on)}.",
            link=reverse("case-detail", args=[case.pk]),
            dedupe_key=f"task:{task.pk}:assigned",
        )
    return task


def _locked_for_change(actor: User, task: Task, expected_version: int | None) -> Task:
    """The task, locked, after the checks every change of it asks: the actor's
    agency's task (else 404), theirs to change (the assignee, the creator or a
    supervisor; else 403), open (else 409 naming its state), at the version read."""
    membership = access.membership_of(actor)
    if membership is None or membership.agency_id != task.agency_id:
        raise NotFound()
    if not access.can(actor, "cases.case.view", task.case):
        raise NotFound()
    access.require(actor, "cases.task.change")
    if actor.pk not in (task.assignee_id, task.created_by_id) and (
        membership.role != Role.POLICE_SUPERVISOR
    ):
        raise AccessDenied("cases.task.change")
    locked = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
    if expected_version is not None:
        version_check(locked, expected_version)
    if locked.status != TaskStatus.OPEN:
        raise InvalidState(f"This task is already {locked.status}.", state=locked.status)
    return locked


@transaction.atomic
def task_complete(*, actor: User, task: Task, expected_version: int | None = None) -> Task:
    locked = _locked_for_change(actor, task, expected_version)
    locked.status = TaskStatus.DONE
    locked.done_at = timezone.now()
    locked.done_by = actor
    locked.version += 1
    record_change(locked, actor=actor, reason="task done")
    locked.save(update_fields=["status", "done_at", "done_by", "version", "updated_at"])
    log_case_access(
        actor=actor,
        action="cases.task.done",
        case=task.case,
        object_type="task",
        object_id=locked.pk,
    )
    return locked


@transaction.atomic
def task_cancel(
    *, actor: User, task: Task, reason: str, expected_version: int | None = None
) -> Task:
    locked = _locked_for_change(actor, task, expected_version)
    errors: Errors = {}
    reason = written_reason(
        reason, "reason", missing="Say why the task is cancelled.", errors=errors
    )
    raise_if(errors)
    locked.status = TaskStatus.CANCELLED
    locked.cancelled_at = timezone.now()
    locked.cancelled_by = actor
    locked.cancel_reason = reason
    locked.version += 1
    record_change(locked, actor=actor, reason=f"task cancelled: {reason}")
    locked.save(
        update_fields=[
            "status",
            "cancelled_at",
            "cancelled_by",
            "cancel_reason",
            "version",
            "updated_at",
        ]
    )
    log_case_access(
        actor=actor,
        action="cases.task.cancelled",
        case=task.case,
        object_type="task",
        object_id=locked.pk,
    )
    return locked
