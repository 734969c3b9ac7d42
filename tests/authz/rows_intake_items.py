"""An intake item and its one decision: a police force's caseworkers read and decide
their own force's items (API and pages); another force's item answers 404 to
everyone, and a refused decision leaves the item as it was."""

from tests.authz import OTHER, OWN, Endpoint
from tests.authz.rows_intake_queue import POLICE_CASEWORKERS, QUEUE_ITEM_FIELDS

ITEM_FIELDS = QUEUE_ITEM_FIELDS | frozenset(
    {
        "decision",
        "decided_at",
        "decided_by",
        "decision_reason",
        "case",
        "passed_to",
        "preservation_reference",
        "triage_factors",
        "reports",
        "attach_suggestions",
        "proposed_title",
        "proposed_parties",
    }
)
DECISION_FIELDS = frozenset(
    {"id", "state", "decision", "decided_at", "decided_by", "decision_reason", "case", "passed_to"}
)
REASON = "Resolved to the area of another force by the provider."
THIRD_FORCE = "matrix-third-force"


def an_item_with_a_case(owner, actor) -> dict:
    """An item of `owner` awaiting a decision, and an open case of `owner` (led by
    nobody) that holds the item's email, to attach it to."""
    from cases.models import IdentifierKind
    from tests.factories import CaseFactory
    from tests.intake.factories import identifier_make, item_with_reports

    item = item_with_reports(agency=owner)
    case = CaseFactory(owning_agency=owner)
    identifier_make(
        kind=IdentifierKind.EMAIL, given="jo.bloggs@example.com", agency=owner, case=case
    )
    return {"item": item.id, "_item": item, "_case": case}


def decided_only_when_allowed(values, column, target) -> str | None:
    item = values["_item"]
    item.refresh_from_db()
    expected = (
        "decided" if target == OWN and column.role in POLICE_CASEWORKERS else "awaiting_decision"
    )
    if item.state != expected:
        return f"the item is {item.state}, expected {expected}"
    return None


DECISIONS = [
    (
        "intake-item-open-case",
        "open-case",
        201,
        lambda values: {"reason": REASON},
        lambda values: {"title": "Opened from intake", "parties": ["suspect"], "reason": REASON},
    ),
    (
        "intake-item-attach",
        "attach",
        200,
        lambda values: {"case": str(values["_case"].id), "reason": REASON},
        lambda values: {"case_reference": values["_case"].reference, "reason": REASON},
    ),
    (
        "intake-item-pass",
        "pass",
        200,
        lambda values: {"agency": THIRD_FORCE, "reason": REASON},
        lambda values: {"agency": THIRD_FORCE, "reason": REASON},
    ),
    (
        "intake-item-no-further-action",
        "no-further-action",
        200,
        lambda values: {"reason": REASON},
        lambda values: {"reason": REASON},
    ),
]

ROWS = [
    Endpoint(
        "intake-item",
        "GET",
        "/api/v1/intake/items/{item}/",
        POLICE_CASEWORKERS,
        targets=(OWN, OTHER),
        setup=an_item_with_a_case,
        fields=ITEM_FIELDS,
    ),
    Endpoint(
        "intake-item",
        "GET",
        "/intake/items/{item}/",
        POLICE_CASEWORKERS,
        page=True,
        targets=(OWN, OTHER),
        setup=an_item_with_a_case,
    ),
    *[
        Endpoint(
            name,
            "POST",
            f"/api/v1/intake/items/{{item}}/{action}/",
            POLICE_CASEWORKERS,
            ok=ok,
            body=api_body,
            targets=(OWN, OTHER),
            setup=an_item_with_a_case,
            then=decided_only_when_allowed,
        )
        for name, action, ok, api_body, _page_body in DECISIONS
    ],
    *[
        Endpoint(
            name,
            method,
            f"/intake/items/{{item}}/{action}/",
            POLICE_CASEWORKERS,
            page=True,
            ok=200 if method == "GET" else 302,
            body=page_body,
            targets=(OWN, OTHER),
            setup=an_item_with_a_case,
            then=decided_only_when_allowed if method == "POST" else None,
        )
        for name, action, _ok, _api_body, page_body in DECISIONS
        for method in ("GET", "POST")
    ],
]
