"""Reads of deconfliction hits, for each side of one.

- The item's side (`hits_for_item`): that another force holds a matching identifier,
  whom to contact there (the holding case's team, else the agency), when it was
  found, and the coordination its supervisor recorded. Never the holding case, its
  reference, people or identifiers, nor which kind matched: the rows carry them for
  the audit trail, and `HitForItem` is all that leaves this module.
- The holder's side (`hits_on_my_cases`): the hits on its own agency's cases (its
  own case is shown), which agency's intake matched and whom to contact there,
  newest first, a keyset page at a time over the index `hit_holder`.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import QuerySet

from agencies import access
from agencies.audit import access_read_record
from intake.models import DeconflictionHit, IntakeItem

# The holder's list: the index `hit_holder` (holding_agency, -found_at), then the key.
HOLDER_ORDER = ("-found_at", "-id")


def contact_of_holder(hit: DeconflictionHit) -> str:
    """Whom the item's side contacts: the holding case's team, else its agency."""
    team = hit.holding_contact_team
    return team.name if team is not None else hit.holding_agency.name


def contact_of_requester(agency_name: str) -> str:
    """Whom the holder's side contacts: the item's agency's intake."""
    return f"{agency_name} intake"


@dataclass(frozen=True)
class HitForItem:
    """What the item's side may know of a hit: nothing that names the holding case."""

    id: UUID
    holding_agency: str
    contact: str
    found_at: datetime
    coordinated_at: datetime | None
    coordinated_by: User | None
    coordination_note: str

    @property
    def contact_words(self) -> str:
        """ "<team> (<force>)", or the force alone when it is the contact."""
        if self.contact == self.holding_agency:
            return self.contact
        return f"{self.contact} ({self.holding_agency})"

    @property
    def message(self) -> str:
        return f"Another force holds a matching identifier: contact {self.contact_words}"


def item_hits(*, actor: User, item: IntakeItem) -> QuerySet[DeconflictionHit]:
    """The item's hits, oldest first, for its own force's readers of deconfliction;
    nothing for an item of another force. Shown only through `hit_for_item`."""
    membership = access.membership_of(actor)
    if (
        membership is None
        or item.agency_id != membership.agency_id
        or not access.can(actor, "intake.deconfliction.view", item)
    ):
        return DeconflictionHit.objects.none()
    return (
        DeconflictionHit.objects.filter(item_id=item.pk)
        .select_related("holding_agency", "holding_contact_team", "coordinated_by")
        .only(
            "id",
            "item_id",
            "found_at",
            "coordinated_at",
            "coordinated_by",
            "coordination_note",
            "holding_agency__name",
            "holding_contact_team__name",
        )
        .order_by("found_at", "id")
    )


def hit_for_item(hit: DeconflictionHit) -> HitForItem:
    """A hit as the item's side may know it."""
    return HitForItem(
        id=hit.pk,
        holding_agency=hit.holding_agency.name,
        contact=contact_of_holder(hit),
        found_at=hit.found_at,
        coordinated_at=hit.coordinated_at,
        coordinated_by=hit.coordinated_by,
        coordination_note=hit.coordination_note,
    )


def hits_for_item(*, actor: User, item: IntakeItem, log: bool = True) -> list[HitForItem]:
    """Every hit of the item as its own force may see it, oldest first (an item holds
    a few); nothing for an item of another force, or a reader whose role may not
    see deconfliction. The read is logged as a read of the item."""
    shown = [hit_for_item(hit) for hit in item_hits(actor=actor, item=item)]
    membership = access.membership_of(actor)
    if log and membership is not None and item.agency_id == membership.agency_id:
        access_read_record(
            actor=actor,
            action="intake.deconfliction.hits_viewed",
            object_type="intake_item",
            object_id=item.pk,
            object_agency_slug=membership.agency.slug,
            justification=access.justification_for(actor, item),
        )
    return shown


def hits_on_my_cases(*, actor: User) -> QuerySet[DeconflictionHit]:
    """The hits whose holding case is the actor's agency's, newest first (the index
    `hit_holder`), with the holding case (theirs) and the requesting agency (its
    name, for the contact): never the item, its reports or their identifiers."""
    membership = access.membership_of(actor)
    if membership is None or not access.can(actor, "intake.deconfliction.view"):
        return DeconflictionHit.objects.none()
    return (
        DeconflictionHit.objects.filter(holding_agency_id=membership.agency_id)
        .select_related("holding_case", "item__agency")
        .only(
            "id",
            "found_at",
            "coordinated_at",
            "holding_agency_id",
            "holding_case__id",
            "holding_case__reference",
            "item__id",
            "item__agency__name",
        )
        .order_by(*HOLDER_ORDER)
    )


def hit_holder_row(hit: DeconflictionHit) -> dict[str, Any]:
    """One hit as the holder's side shows it."""
    agency_name = hit.item.agency.name
    return {
        "id": hit.pk,
        "case": hit.holding_case,
        "requesting_agency": agency_name,
        "contact": contact_of_requester(agency_name),
        "found_at": hit.found_at,
        "coordinated": hit.coordinated_at is not None,
        "coordinated_at": hit.coordinated_at,
    }
