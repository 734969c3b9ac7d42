"""The task pages (issue 16). The form that gives a task is aimed at a case: the
caller's own, another agency's (404), or one granted to the caller's agency (the
task is the granted agency's own work: 200). Posted empty, it comes back with its
errors (200) and nothing is written. Marking a task done or cancelling it answers
the task's assignee (each caseworker column is given the task: `per_actor`) with
the change and a redirect to the case (302); another agency's task, or the granting
owner's, is not there (404), and stays open."""

from cases.models import Task, TaskStatus
from tests.authz import OWN, RECORD_TARGETS, Endpoint
from tests.authz.rows_cases import a_case
from tests.authz.rows_tasks import CASEWORKERS, a_task


def _no_task_given(values, column, target) -> str | None:
    count = Task.objects.filter(case=values["_case"]).count()
    return None if count == 0 else f"{count} task(s) given by an empty form"


def _task_status_unless_changed(moved_to: str):
    def then(values, column, target) -> str | None:
        status = Task.objects.values_list("status", flat=True).get(pk=values["task"])
        made = target == OWN and column.role in CASEWORKERS
        wanted = moved_to if made else TaskStatus.OPEN
        return None if status == wanted else f"the task is {status}, not {wanted}"

    return then


def _task_open(values, column, target) -> str | None:
    status = Task.objects.values_list("status", flat=True).get(pk=values["task"])
    return None if status == TaskStatus.OPEN else f"a GET left the task {status}"


ROWS = [
    *[
        Endpoint(
            "case-task-create",
            method,
            "/cases/{case}/tasks/new/",
            CASEWORKERS,
            page=True,
            targets=RECORD_TARGETS,
            granted_ok=True,
            setup=a_case,
            then=_no_task_given,
        )
        for method in ("GET", "POST")
    ],
    Endpoint(
        "task-complete-page",
        "GET",
        "/tasks/{task}/complete/",
        CASEWORKERS,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_task,
        per_actor=True,
        then=_task_open,
    ),
    Endpoint(
        "task-complete-page",
        "POST",
        "/tasks/{task}/complete/",
        CASEWORKERS,
        page=True,
        ok=302,
        targets=RECORD_TARGETS,
        setup=a_task,
        per_actor=True,
        then=_task_status_unless_changed(TaskStatus.DONE),
    ),
    Endpoint(
        "task-cancel-page",
        "GET",
        "/tasks/{task}/cancel/",
        CASEWORKERS,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_task,
        per_actor=True,
        then=_task_open,
    ),
    Endpoint(
        "task-cancel-page",
        "POST",
        "/tasks/{task}/cancel/",
        CASEWORKERS,
        page=True,
        ok=302,
        body={"reason": "No longer needed."},
        targets=RECORD_TARGETS,
        setup=a_task,
        per_actor=True,
        then=_task_status_unless_changed(TaskStatus.CANCELLED),
    ),
]
