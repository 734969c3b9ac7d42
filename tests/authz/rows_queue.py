"""The work queue: casework of every kind of agency reads its own agency's queue
and marks its own cases actioned."""

from tests.authz import RECORD_TARGETS, Endpoint
from tests.authz.rows_cases import CASEWORKERS, a_case


def a_case_waiting(owner, actor) -> dict:
    """An open case in its agency's queue, waiting for a first action."""
    from safeguarding.services.queue import priority_refresh

    values = a_case(owner, actor)
    priority_refresh(values["_case"])
    return values


ROWS = [
    Endpoint(
        "queue",
        "GET",
        "/api/v1/queue/",
        CASEWORKERS,
        setup=a_case_waiting,
        listing=True,
        fields=frozenset(
            {
                "case",
                "reference",
                "title",
                "level",
                "agency_grade",
                "received_on",
                "action_due_at",
                "action_due_on",
                "overdue",
                "working_days_late",
                "lead_officer",
                "team",
                "conference_due_at",
                "assessment_due_at",
            }
        ),
    ),
    Endpoint(
        "case-actioned",
        "POST",
        "/api/v1/cases/{case}/actioned/",
        CASEWORKERS,
        ok=201,
        body={"description": "Safeguarding visit arranged for today."},
        targets=RECORD_TARGETS,
        setup=a_case,
    ),
    Endpoint("queue", "GET", "/queue/", CASEWORKERS, page=True),
    # Posted without a description, the page goes back to the queue (302).
    Endpoint(
        "case-actioned-page",
        "POST",
        "/cases/{case}/actioned/",
        CASEWORKERS,
        ok=302,
        page=True,
        targets=RECORD_TARGETS,
        setup=a_case,
    ),
]
