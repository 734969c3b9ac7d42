"""Deconfliction: an intake item's hits are read by its own force's police caseworkers
(the API and the coordination page) and never name the holding case; only a police
supervisor of the item's force records the coordination agreed. Another force's item
answers 404 to everyone, including the supervisor of the force whose case holds the
match (the `other` target's item hits a case of the caller's own force). The hits on
a force's own cases are its police caseworkers' list."""

from django.utils import timezone

from agencies.models import Role
from tests.authz import OTHER, OWN, Endpoint
from tests.factories import AgencyFactory, CaseFactory

# Written out, never imported from the policy: the matrix must fail when it changes.
POLICE_CASEWORKERS = frozenset(
    {Role.GENERALIST_OFFICER, Role.SPECIALIST_INVESTIGATOR, Role.POLICE_SUPERVISOR}
)
SUPERVISORS = frozenset({Role.POLICE_SUPERVISOR})

ITEM_HIT_FIELDS = frozenset(
    {
        "id",
        "message",
        "holding_agency",
        "contact",
        "found_at",
        "coordinated_at",
        "coordinated_by",
        "coordination_note",
    }
)
# Nothing of the item's side may name the holding case or the identifier matched.
NEVER_ON_THE_ITEMS_SIDE = frozenset(
    {"holding_case", "case", "reference", "matched_kind", "kind", "value", "given"}
)
HOLDER_HIT_FIELDS = frozenset(
    {"id", "case", "requesting_agency", "contact", "found_at", "coordinated", "coordinated_at"}
)

HOME = "matrix-home-police"
NOTE = "Spoke to the holding force's DS on 7 December: they lead; we hold off."


def _hit(item, holder) -> None:
    from intake.models import DeconflictionHit

    DeconflictionHit.objects.create(
        item=item,
        holding_agency=holder,
        holding_case=CaseFactory(owning_agency=holder),
        matched_kind="email",
        found_at=timezone.now(),
    )


def a_held_item(owner, actor) -> dict:
    """An item of `owner` held for deconfliction, its identifier held on a case of the
    matrix's home force (the callers' own) when the item is another force's, so that
    the holder's supervisor is among those refused; else on a third force's case."""
    from intake.models import ItemState
    from tests.intake.factories import IntakeItemFactory, IntakeReportFactory

    item = IntakeItemFactory(agency=owner, state=ItemState.HELD_FOR_DECONFLICTION)
    IntakeReportFactory(agency=owner, item=item)
    holder = AgencyFactory(slug="matrix-third-force" if owner.slug == HOME else HOME)
    _hit(item, holder)
    return {"item": item.id, "_item": item}


def a_hit_on_my_case(owner, actor) -> dict:
    """Another force's item, held on a case of `owner`."""
    from intake.models import ItemState
    from tests.intake.factories import IntakeItemFactory

    item = IntakeItemFactory(
        agency=AgencyFactory(slug="matrix-third-force"), state=ItemState.HELD_FOR_DECONFLICTION
    )
    _hit(item, owner)
    return {}


def item_held_unless_recorded(values, column, target) -> str | None:
    item = values["_item"]
    item.refresh_from_db()
    recorded = target == OWN and column.role in SUPERVISORS
    expected = "awaiting_decision" if recorded else "held"
    if item.state != expected:
        return f"the item is {item.state}, expected {expected}"
    coordinated = item.hits.filter(coordinated_at__isnull=False).exists()
    if coordinated != recorded:
        return "the hit's coordination changed" if coordinated else "no coordination recorded"
    return None


ROWS = [
    Endpoint(
        "intake-item-hits",
        "GET",
        "/api/v1/intake/items/{item}/hits/",
        POLICE_CASEWORKERS,
        targets=(OWN, OTHER),
        setup=a_held_item,
        listing=True,
        fields=ITEM_HIT_FIELDS,
        never=NEVER_ON_THE_ITEMS_SIDE,
    ),
    Endpoint(
        "intake-item-coordination",
        "POST",
        "/api/v1/intake/items/{item}/coordination/",
        SUPERVISORS,
        body={"note": NOTE},
        targets=(OWN, OTHER),
        setup=a_held_item,
        then=item_held_unless_recorded,
    ),
    *[
        Endpoint(
            "intake-item-coordination",
            method,
            "/intake/items/{item}/coordination/",
            POLICE_CASEWORKERS if method == "GET" else SUPERVISORS,
            page=True,
            ok=200 if method == "GET" else 302,
            body={"note": NOTE},
            targets=(OWN, OTHER),
            setup=a_held_item,
            then=item_held_unless_recorded if method == "POST" else None,
        )
        for method in ("GET", "POST")
    ],
    Endpoint(
        "intake-deconfliction",
        "GET",
        "/api/v1/intake/deconfliction/",
        POLICE_CASEWORKERS,
        setup=a_hit_on_my_case,
        listing=True,
        fields=HOLDER_HIT_FIELDS,
    ),
    Endpoint(
        "intake-deconfliction",
        "GET",
        "/intake/deconfliction/",
        POLICE_CASEWORKERS,
        page=True,
        setup=a_hit_on_my_case,
    ),
]
