"""The preservation duty: the police caseworkers of an intake item's own force record,
once, that the preservation request was sent to the service provider. Another force's
item answers 404 to everyone, its supervisor included; a refused record changes
nothing."""

from agencies.models import Role
from tests.authz import OTHER, OWN, Endpoint

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
BODY = {"reference": "PRES-2026-0042"}


def an_item_owing_preservation(owner, actor) -> dict:
    """An undecided item of `owner` whose preservation request is still owed."""
    from tests.intake.factories import IntakeItemFactory, IntakeReportFactory

    item = IntakeItemFactory(agency=owner)
    IntakeReportFactory(agency=owner, item=item)
    return {"item": item.id, "_item": item}


def recorded_only_when_allowed(values, column, target) -> str | None:
    item = values["_item"]
    item.refresh_from_db()
    recorded = target == OWN and column.role in POLICE_CASEWORKERS
    if (item.preservation_sent_at is not None) != recorded:
        return "a refused record changed the item" if not recorded else "nothing recorded"
    return None


ROWS = [
    Endpoint(
        "intake-item-preservation",
        "POST",
        "/api/v1/intake/items/{item}/preservation/",
        POLICE_CASEWORKERS,
        ok=201,
        body=BODY,
        targets=(OWN, OTHER),
        setup=an_item_owing_preservation,
        then=recorded_only_when_allowed,
    ),
    Endpoint(
        "intake-item-preservation",
        "GET",
        "/intake/items/{item}/preservation/",
        POLICE_CASEWORKERS,
        page=True,
        targets=(OWN, OTHER),
        setup=an_item_owing_preservation,
    ),
    Endpoint(
        "intake-item-preservation",
        "POST",
        "/intake/items/{item}/preservation/",
        POLICE_CASEWORKERS,
        page=True,
        ok=302,
        body=BODY,
        targets=(OWN, OTHER),
        setup=an_item_owing_preservation,
        then=recorded_only_when_allowed,
    ),
]
