"""Tasks: casework roles keep their agency's tasks on the cases they may see. Anyone
doing casework lists their own open tasks and gives one on their own agency's case or
on one granted to it; the task is their agency's, never the granting owner's. The
assignee marks it done or cancels it (the creator and a supervisor may too).
Charities, admins and auditors have no tasks."""

from datetime import timedelta

from django.utils import timezone

from agencies.models import Membership, Role
from cases.models import Task
from tests.authz import GRANTED, OTHER, OWN, Endpoint
from tests.factories import CaseFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
CASEWORKERS = frozenset(
    {
        Role.GENERALIST_OFFICER,
        Role.SPECIALIST_INVESTIGATOR,
        Role.POLICE_SUPERVISOR,
        Role.MASH_COORDINATOR,
        Role.SOCIAL_WORKER,
    }
)
TARGETS = (OWN, OTHER, GRANTED)

TASK_FIELDS = frozenset(
    {
        "id",
        "case",
        "title",
        "note",
        "assignee",
        "due_on",
        "status",
        "done_at",
        "done_by",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "created_by",
        "created_at",
        "version",
    }
)

# The matrix world's agencies, by the key a column names (tests/test_authorization_matrix.py).
_AGENCY_SLUGS = {
    "police": "matrix-home-police",
    "hub": "matrix-mash",
    "childrens": "matrix-childrens",
    "victim_support": "matrix-victim-support",
    "family_support": "matrix-family-support",
}


def a_task(owner, actor: Membership) -> dict:
    """An open task of the owner's agency on its case, given to the actor (the caller
    themselves for their own agency's records: `per_actor`)."""
    case = CaseFactory(owning_agency=owner)
    task = Task.objects.create(
        case=case,
        agency=owner,
        title="Chase the platform",
        assignee=actor.user,
        due_on=timezone.localdate() + timedelta(days=7),
        created_by=actor.user,
    )
    return {"task": task.id, "_case": case, "_version": 1}


def a_case(owner, actor: Membership) -> dict:
    return {"_case": CaseFactory(owning_agency=owner)}


def _new_task(values: dict) -> dict:
    """A task on the target's case, for a member of the caller's agency in the caller's
    role (a caseworker, for the columns that may give tasks)."""
    column = values["_column"]
    colleague = (
        Membership.objects.filter(agency__slug=_AGENCY_SLUGS[column.agency], role=column.role)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return {
        "case": str(values["_case"].id),
        "title": "Chase the platform",
        "assignee": colleague.user.username,
        "due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }


ROWS = [
    Endpoint(
        "task-list",
        "GET",
        "/api/v1/tasks/",
        CASEWORKERS,
        setup=a_task,
        per_actor=True,
        listing=True,
        fields=TASK_FIELDS,
    ),
    # The case is named in the body: another force's is refused 400 naming it.
    Endpoint(
        "task-list",
        "POST",
        "/api/v1/tasks/",
        CASEWORKERS,
        ok=201,
        body=_new_task,
        targets=TARGETS,
        granted_ok=True,
        elsewhere=400,
        setup=a_case,
    ),
    Endpoint(
        "task-detail",
        "GET",
        "/api/v1/tasks/{task}/",
        CASEWORKERS,
        targets=TARGETS,
        setup=a_task,
        fields=TASK_FIELDS,
    ),
    Endpoint(
        "task-complete",
        "POST",
        "/api/v1/tasks/{task}/complete/",
        CASEWORKERS,
        needs_version=True,
        targets=TARGETS,
        setup=a_task,
        per_actor=True,
    ),
    Endpoint(
        "task-cancel",
        "POST",
        "/api/v1/tasks/{task}/cancel/",
        CASEWORKERS,
        body={"reason": "No longer needed."},
        needs_version=True,
        targets=TARGETS,
        setup=a_task,
        per_actor=True,
    ),
]
