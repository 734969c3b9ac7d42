"""Reads of tasks, scoped to the reader: the tasks of their own agency on cases they
may see (a task is its agency's work, never shown to the case's other holders)."""

from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet

from agencies import access
from cases.models import Case, Task, TaskStatus
from cases.selectors import case_scope, log_case_read, refusal_log
from common.errors import NotFound


def task_scope(*, actor: User) -> QuerySet[Task]:
    """The tasks of the reader's agency on the cases the reader may see, with what
    a task is shown with (its case and owner, for the access log; its people)."""
    tasks = access.owned_or_granted_scope(
        actor, Task.objects.all(), action="cases.task.view", owner_field="agency"
    )
    visible = Exists(case_scope(actor).filter(pk=OuterRef("case_id")))
    return tasks.filter(visible).select_related(
        "case__owning_agency", "assignee", "created_by", "done_by", "cancelled_by"
    )


def task_list_for_assignee(*, actor: User, status: str = TaskStatus.OPEN) -> QuerySet[Task]:
    """The reader's own tasks in one status, soonest due first (index task_assignee_due)."""
    return task_scope(actor=actor).filter(assignee=actor, status=status).order_by("due_on", "id")


def task_list_for_case(*, actor: User, case: Case) -> QuerySet[Task]:
    """The reader's agency's tasks on one case, soonest due first (index task_case_due)."""
    return task_scope(actor=actor).filter(case=case).order_by("due_on", "id")


def task_get_for_actor(*, actor: User, task_id: UUID | str, log: bool = True) -> Task:
    """One task; the same NotFound for "does not exist" and "not yours", the refusal
    logged for the owner's auditor, the read logged like any record of a case."""
    try:
        task = task_scope(actor=actor).get(pk=task_id)
    except (Task.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
        refusal_log(
            actor=actor,
            action="cases.task.viewed",
            model=Task,
            object_type="task",
            object_id=task_id,
        )
        raise NotFound() from exc
    if log:
        log_case_read(
            actor=actor,
            action="cases.task.viewed",
            case=task.case,
            object_type="task",
            object_id=task.pk,
        )
    return task
