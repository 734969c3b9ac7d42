"""Deconfliction across agencies: an intake item whose identifier is already held on
another agency's case is held until a supervisor of the item's agency records the
coordination agreed with them.

Both sides learn only this: "another force holds a matching identifier: contact
<team>". The item's side sees the holding agency and the team to contact (the
holding case's team, else the agency); the holder's side sees the item's agency
and its intake. Neither sees the other's case, reference, people or identifier
values, nor which kind of identifier matched (kept on the hit for the audit trail).

The bundling calls `items_deconflict` once per batch with every item it created or
changed, inside the batch's transaction: it costs one query through the
`identifier_value` index when nothing matches (the common case), whatever the
batch's size, so that 10,000 reports import in well under a minute.

A match within the same agency is not a hit: the item's decision page suggests
attaching to that case instead.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import OuterRef, Subquery, UUIDField
from django.urls import reverse
from django.utils import timezone
from simple_history.utils import bulk_update_with_history

from agencies import access
from agencies.audit import access_log_record
from agencies.models import Agency
from agencies.selectors.supervision import supervisors_for_team
from cases.models import PERSON_IDENTIFIER_KINDS, Identifier, IdentifierKind
from cases.models.rules import raise_if, written_reason
from common.errors import InvalidState, NotFound
from common.history import history_note
from common.notifications import notify
from intake.models import DeconflictionHit, IntakeItem, IntakeReport, ItemState
from intake.selectors.deconfliction import contact_of_requester, hit_for_item

# An IP address names a subscriber only at a moment: a report's address matches a
# case's when it is the same address seen within this long of it (either way), on
# the same port when both give one. The bundling folds reports on the same rule
# (intake.services.bundling imports this constant: one rule, one hour).
IP_MATCH_WINDOW = timedelta(hours=1)

_KINDS = sorted(PERSON_IDENTIFIER_KINDS)


@dataclass(frozen=True)
class _Holding:
    case_id: UUID
    agency_id: UUID
    team_id: UUID | None
    kind: str


# When and on which port an IP address was seen (None, None for other kinds).
_Sighting = tuple[datetime | None, int | None]


def _key(kind: str, value: str, platform: str) -> tuple[str, str, str]:
    # A platform names where a username lives; for any other kind it says nothing.
    return (kind, value, platform if kind == IdentifierKind.USERNAME else "")


def _ip_match(mine: _Sighting, theirs: _Sighting) -> bool:
    """Two sightings of one address: the same person only within the window, and on
    the same port when both give one (the bundling's rule)."""
    (my_seen, my_port), (seen, port) = mine, theirs
    if my_seen is None or seen is None or abs(my_seen - seen) > IP_MATCH_WINDOW:
        return False
    return my_port is None or port is None or my_port == port


def _holdings(items: list[IntakeItem]) -> dict[UUID, list[_Holding]]:
    """For each item, the other agencies' cases that hold one of its identifiers.

    One query when nothing matches (the common case): the case identifiers whose
    value is one of the items' reports' own (through the `identifier_value` index).
    Only when some are found does a second query read the items' own rows with those
    values, and the exact match (agency, kind, platform, the IP window) is settled
    on those few rows."""
    item_ids = [item.pk for item in items]
    agency_of = {item.pk: item.agency_id for item in items}
    agencies = set(agency_of.values())
    reports = IntakeReport.objects.filter(item_id__in=item_ids).values("id")
    values = Identifier.objects.filter(report_id__in=reports, kind__in=_KINDS).values("value")
    held = Identifier.objects.filter(value__in=values, kind__in=_KINDS, case__isnull=False)
    if len(agencies) == 1:
        # The import's batches are one agency's: its own cases are never a hit.
        held = held.exclude(agency_id=next(iter(agencies)))
    theirs = [
        (_key(kind, value, platform), (seen_at, port), _Holding(case_id, agency_id, team_id, kind))
        for kind, value, platform, seen_at, port, case_id, agency_id, team_id in held.order_by()
        .values_list(
            "kind", "value", "platform", "seen_at", "port", "case_id", "agency_id", "case__team_id"
        )
        .iterator()
    ]
    if not theirs:
        return {}
    mine_rows = (
        Identifier.objects.filter(
            report_id__in=reports, kind__in=_KINDS, value__in={key[1] for key, _, _ in theirs}
        )
        .annotate(
            item_id=Subquery(
                IntakeReport.objects.filter(pk=OuterRef("report_id")).values("item_id")[:1],
                output_field=UUIDField(),
            )
        )
        .order_by()
        .values_list("item_id", "kind", "value", "platform", "seen_at", "port")
    )
    mine: dict[tuple[str, str, str], dict[UUID, list[_Sighting]]] = defaultdict(dict)
    for item_id, kind, value, platform, seen_at, port in mine_rows:
        mine[_key(kind, value, platform)].setdefault(item_id, []).append((seen_at, port))
    holdings: dict[UUID, dict[UUID, _Holding]] = defaultdict(dict)
    for key, sighting, holding in theirs:
        for item_id, sightings in mine.get(key, {}).items():
            if holding.case_id in holdings[item_id] or agency_of[item_id] == holding.agency_id:
                continue
            if key[0] == IdentifierKind.IP_ADDRESS and not any(
                _ip_match(my_sighting, sighting) for my_sighting in sightings
            ):
                continue
            holdings[item_id][holding.case_id] = holding
    return {item_id: list(found.values()) for item_id, found in holdings.items() if found}


def item_deconflict(*, item: IntakeItem) -> None:
    """`items_deconflict` of one item."""
    items_deconflict(items=[item])


def items_deconflict(*, items: list[IntakeItem]) -> None:
    """Record a hit for each other agency's case that holds one of each item's
    identifiers (once per item and case: a second run records nothing new), hold the
    items unless they are decided, tell both agencies' supervisors once, and log each
    hit for both agencies' auditors. Called by the bundling once per batch, inside
    its transaction: one query when nothing matches, whatever the batch's size;
    otherwise a fixed number of set-based writes, plus the notices and log entries
    of each new hit."""
    if not items:
        return
    holdings = _holdings(items)
    if not holdings:
        return
    by_id = {item.pk: item for item in items}
    known = set(
        DeconflictionHit.objects.filter(item_id__in=list(holdings)).values_list(
            "item_id", "holding_case_id"
        )
    )
    now = timezone.now()
    hits = [
        DeconflictionHit(
            item=by_id[item_id],
            holding_agency_id=holding.agency_id,
            holding_case_id=holding.case_id,
            holding_contact_team_id=holding.team_id,
            matched_kind=holding.kind,
            found_at=now,
        )
        for item_id, item_holdings in holdings.items()
        for holding in item_holdings
        if (item_id, holding.case_id) not in known
    ]
    if not hits:
        return
    hit_items = list({hit.item_id: by_id[hit.item_id] for hit in hits}.values())
    held = [item for item in hit_items if item.state == ItemState.AWAITING_DECISION]
    with transaction.atomic():
        # A concurrent batch may have recorded the same hit a moment ago: the
        # constraint keeps one, and only the rows this call inserted are announced.
        DeconflictionHit.objects.bulk_create(hits, ignore_conflicts=True)
        if held:
            for item in held:
                item.state = ItemState.HELD_FOR_DECONFLICTION
                item.version += 1
                item.updated_at = now
            bulk_update_with_history(
                held,
                IntakeItem,
                ["state", "version", "updated_at"],
                default_change_reason=HELD_REASON,
            )
        _hits_announce(hit_items, [hit.pk for hit in hits])


HELD_REASON = "held for deconfliction: another force holds a matching identifier"


def _importers(items: list[IntakeItem]) -> dict[UUID, User | None]:
    """Who imported each item's latest report: the system consulted the other
    agency's records on their behalf."""
    latest = IntakeReport.objects.filter(item_id=OuterRef("pk")).order_by("-created_at", "-id")
    importer_of = dict(
        IntakeItem.objects.filter(pk__in=[item.pk for item in items])
        .annotate(importer_id=Subquery(latest.values("package__uploaded_by_id")[:1]))
        .values_list("pk", "importer_id")
    )
    users = User.objects.in_bulk({pk for pk in importer_of.values() if pk is not None})
    return {
        item.pk: users.get(importer_of[item.pk]) if importer_of.get(item.pk) else None
        for item in items
    }


def _hits_announce(items: list[IntakeItem], hit_ids: list[Any]) -> None:
    """Tell both sides' supervisors of each new hit, and log it for both auditors."""
    hits = list(
        DeconflictionHit.objects.filter(pk__in=hit_ids)
        .select_related("holding_agency", "holding_case", "holding_contact_team")
        .order_by("found_at", "id")
    )
    if not hits:
        return
    by_id = {item.pk: item for item in items}
    agencies = Agency.objects.in_bulk({item.agency_id for item in items})
    importers = _importers(items)
    supervisors: dict[tuple[Any, Any], list[User]] = {}

    def supervisors_of(agency: Agency, team_id: Any) -> list[User]:
        if (agency.pk, team_id) not in supervisors:
            supervisors[(agency.pk, team_id)] = list(
                supervisors_for_team(
                    agency_id=agency.pk,
                    agency_kind=agency.kind,
                    team_id=team_id,
                    exclude_user_id=None,
                )
            )
        return supervisors[(agency.pk, team_id)]

    holder_link = reverse("intake-deconfliction")
    for hit in hits:
        item = by_id[hit.item_id]
        agency = agencies[item.agency_id]
        holder = hit.holding_agency
        contact = hit_for_item(hit).contact_words
        item_link = reverse("intake-item-coordination", args=[item.pk])
        for supervisor in supervisors_of(agency, None):
            notify(
                user=supervisor,
                kind="intake.deconfliction_hit",
                message=(
                    "An intake item is held for deconfliction: another force holds a "
                    f"matching identifier: contact {contact}."
                ),
                link=item_link,
                dedupe_key=f"intake.hit:{hit.pk}:item",
            )
        for supervisor in supervisors_of(holder, hit.holding_case.team_id):
            notify(
                user=supervisor,
                kind="intake.deconfliction_hit",
                message=(
                    f"{agency.name} holds a report matching an identifier on your case "
                    f"{hit.holding_case.reference}: contact {contact_of_requester(agency.name)}."
                ),
                link=holder_link,
                dedupe_key=f"intake.hit:{hit.pk}:holder",
            )
        # One entry, seen by both auditors: the importer's agency's (as its subject)
        # and the holder's (as the owner of the case consulted).
        access_log_record(
            actor=importers.get(item.pk),
            agency_slug=agency.slug,
            action="intake.deconfliction.hit",
            object_type="case",
            object_id=hit.holding_case_id,
            object_agency_slug=holder.slug,
            justification=(
                f"deconfliction: the import of {agency.slug}'s intake item {item.pk} matched "
                f"an identifier on {holder.slug}'s case (consulted by the system)"
            ),
            record_ids=[f"intake_item:{item.pk}", f"deconfliction_hit:{hit.pk}"],
            object_agency_slugs=sorted({agency.slug, holder.slug}),
        )


# --- Recording the coordination agreed


def _item_of_actor_locked(actor: User, item: IntakeItem) -> IntakeItem:
    membership = access.require(actor, "intake.deconfliction.record")
    locked = (
        IntakeItem.objects.select_for_update()
        .filter(pk=item.pk, agency_id=membership.agency_id)
        .first()
    )
    if locked is None:
        raise NotFound()
    access.require(actor, "intake.deconfliction.record", locked)
    return locked


@transaction.atomic
def deconfliction_coordination_record(*, actor: User, item: IntakeItem, note: str) -> IntakeItem:
    """A police supervisor of the item's agency records the coordination agreed with
    the other force(s): on every open hit of the item, who agreed what and when; the
    item then awaits its decision. The holders' supervisors are told that it was
    recorded (nothing more). 404 for another agency's item; 409 naming the state if
    the item is not held."""
    locked = _item_of_actor_locked(actor, item)
    errors: dict[str, list[str]] = {}
    note = written_reason(
        note,
        "note",
        missing="Enter the coordination agreed with the other force.",
        errors=errors,
        what="the note",
    )
    raise_if(errors)
    if locked.state != ItemState.HELD_FOR_DECONFLICTION:
        raise InvalidState(
            f"This item is not held for deconfliction: it is {locked.get_state_display().lower()}.",
            state=locked.state,
        )
    now = timezone.now()
    open_hits = list(
        DeconflictionHit.objects.select_for_update()
        .filter(item_id=locked.pk, coordinated_at__isnull=True)
        .order_by("found_at", "id")
    )
    DeconflictionHit.objects.filter(pk__in=[hit.pk for hit in open_hits]).update(
        coordinated_at=now, coordinated_by=actor, coordination_note=note
    )
    locked.state = ItemState.AWAITING_DECISION
    locked.version += 1
    history_note(locked, actor=actor, reason="deconfliction: coordination recorded")
    locked.save(update_fields=["state", "version", "updated_at"])
    _coordination_announce(actor, locked, open_hits)
    return locked


def _coordination_announce(actor: User, item: IntakeItem, hits: list[DeconflictionHit]) -> None:
    """Tell each holder's supervisors that the coordination was recorded (nothing
    more), and log it for every agency concerned."""
    agency = Agency.objects.get(pk=item.agency_id)
    hits = list(
        DeconflictionHit.objects.filter(pk__in=[hit.pk for hit in hits])
        .select_related("holding_agency", "holding_case")
        .order_by("found_at", "id")
    )
    for hit in hits:
        holder = hit.holding_agency
        for supervisor in supervisors_for_team(
            agency_id=holder.pk,
            agency_kind=holder.kind,
            team_id=hit.holding_case.team_id,
            exclude_user_id=None,
        ):
            notify(
                user=supervisor,
                kind="intake.deconfliction_coordinated",
                message=(
                    f"{agency.name} recorded the coordination agreed about a report matching "
                    f"an identifier on your case {hit.holding_case.reference}."
                ),
                link=reverse("intake-deconfliction"),
                dedupe_key=f"intake.hit:{hit.pk}:coordinated",
            )
    access_log_record(
        actor=actor,
        action="intake.deconfliction.coordinated",
        object_type="intake_item",
        object_id=item.pk,
        object_agency_slug=agency.slug,
        justification=f"coordination recorded on {len(hits)} hit(s)",
        record_ids=[f"deconfliction_hit:{hit.pk}" for hit in hits],
        object_agency_slugs=sorted({agency.slug, *(hit.holding_agency.slug for hit in hits)}),
    )
