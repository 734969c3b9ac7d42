"""The intake queue: a police force's caseworkers read their own force's items
awaiting a decision (the API's cursor pages, and the page)."""

from agencies.models import Role
from tests.authz import Endpoint

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)

QUEUE_ITEM_FIELDS = frozenset(
    {
        "id",
        "state",
        "level",
        "agency_grade",
        "band",
        "triage_score",
        "action_due_at",
        "preservation_due_at",
        "preservation_sent_at",
        "report_count",
        "youngest_age",
        "received_at",
    }
)


def an_item_waiting(owner, actor) -> dict:
    """An item of `owner` awaiting a decision, with one report."""
    from tests.intake.factories import item_with_reports

    item = item_with_reports(agency=owner)
    return {"item": item.id, "_item": item}


ROWS = [
    Endpoint(
        "intake-items",
        "GET",
        "/api/v1/intake/items/",
        POLICE_CASEWORKERS,
        setup=an_item_waiting,
        listing=True,
        fields=QUEUE_ITEM_FIELDS,
    ),
    Endpoint(
        "intake-queue",
        "GET",
        "/intake/",
        POLICE_CASEWORKERS,
        page=True,
        setup=an_item_waiting,
    ),
]
