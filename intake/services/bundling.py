"""Folding reports into intake items.

The import calls `reports_bundle(reports=...)` once per batch of newly saved reports,
inside the batch's transaction, after their identifiers (`cases.Identifier` rows with
`report_id` and the report's agency) are saved.

The rule: reports of one agency that share an identifier naming a person's account
or device, or a reported file's hash (`BUNDLING_IDENTIFIER_KINDS`), are one piece of
work, one undecided item: the hundreds of reports of one viral image, from as many
accounts, are one item.

- A match is equality of the normalised (kind, value); for a username, also of the
  platform.
- An IP address alone identifies nobody: two sightings match only when they are of
  the same address within `IP_MATCH_WINDOW` (the deconfliction's constant: one
  hour either way) of each other, and on the same port when both give one.
- A report or package number (`SOURCE_REPORT`, `PACKAGE_REFERENCE`) never bundles.
- A file hash bundles but names nobody: it never makes a repeat identifier (only a
  person's identifiers do) and never deconflicts (`items_deconflict` compares
  `PERSON_IDENTIFIER_KINDS` only).
- Only undecided items take new reports. A report matching only decided items
  starts a new item (the earlier match is a repeat identifier for its triage).
- Within one batch, reports that share identifiers with each other fold together
  (union-find), and a report that matches two undecided items merges them.

Merging: the survivor is the item received first (then the lowest id). The other
items' reports (and their deconfliction hits, where the survivor has none for the
same case) move to it and the emptied items are deleted: an item that has no
reports is nothing to decide. Nothing is lost: simple-history keeps each deleted
item's last state, its deletion carries the survivor's id as its reason, and the
survivor's history notes the merge. A survivor takes the held state if any merged
item was held for deconfliction.

Cost: a fixed number of queries per agency in the batch, whatever its size: the
batch's identifiers (one query), every earlier identifier of the agency with one of
their values (one query through the `identifier_value` index), the items of the
matched reports (one query), the new items (one insert), the reports' items (one
update), the facts of every touched item (one aggregate), their triage and the
deconfliction of every item created or changed (one query when nothing matches).
Merges add their own.

After bundling, every item created or changed is triaged (`intake.services.triage`)
and deconflicted (`intake.services.deconfliction.items_deconflict`, once for them all).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cases.models import (
    BUNDLING_IDENTIFIER_KINDS,
    PERSON_IDENTIFIER_KINDS,
    Identifier,
    IdentifierKind,
)
from common.history import history_note
from intake.models import DeconflictionHit, IntakeItem, IntakeReport, ItemState
from intake.services.deconfliction import IP_MATCH_WINDOW, items_deconflict
from intake.services.preservation import PRESERVATION_WORKING_DAYS
from intake.services.triage import (
    Deadlines,
    ItemFacts,
    items_facts,
    items_triage,
    reports_facts,
    stored_repeat,
)

__all__ = ["PRESERVATION_WORKING_DAYS", "reports_bundle"]

_KINDS = sorted(str(kind) for kind in BUNDLING_IDENTIFIER_KINDS)
_PERSON_KINDS = sorted(str(kind) for kind in PERSON_IDENTIFIER_KINDS)
# A file hash only ever folds a report into an undecided item (it is never a repeat),
# so the earlier sightings of a viral image's hash are read only where they can fold:
# the reports of items still undecided, not the image's whole history.
_HASH_OF_AN_UNDECIDED_ITEM = Q(kind=IdentifierKind.FILE_HASH) & Exists(
    IntakeReport.objects.filter(pk=OuterRef("report_id")).exclude(item__state=ItemState.DECIDED)
)
_ROW_FIELDS = ("report_id", "case_id", "person_id", "kind", "value", "platform", "seen_at", "port")


# A node of the union-find: ("r", report id) or ("i", item id).
_Node = tuple[str, UUID]


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[_Node, _Node] = {}

    def find(self, node: _Node) -> _Node:
        self.parent.setdefault(node, node)
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: _Node, b: _Node) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[root_b] = root_a


def _key(row: dict[str, Any]) -> tuple[str, str, str]:
    platform = row["platform"] if row["kind"] == IdentifierKind.USERNAME else ""
    return (row["kind"], row["value"], platform)


def _ip_match(a: dict[str, Any], b: dict[str, Any]) -> bool:
    seen_a: datetime | None = a["seen_at"]
    seen_b: datetime | None = b["seen_at"]
    if seen_a is None or seen_b is None or abs(seen_a - seen_b) > IP_MATCH_WINDOW:
        return False
    return a["port"] is None or b["port"] is None or a["port"] == b["port"]


def _links(
    batch_rows: list[dict[str, Any]], earlier_rows: list[dict[str, Any]]
) -> Iterable[tuple[dict[str, Any], dict[str, Any]]]:
    """Each (batch row, row) pair that names the same person: batch rows with each
    other and with earlier rows. IP sightings are compared within the window only
    (sorted by moment), so a busy address costs the sightings near each one."""
    by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in batch_rows:
        by_key[_key(row)].append(row)
    earlier_by_key: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for row in earlier_rows:
        earlier_by_key[_key(row)].append(row)
    for key, rows in by_key.items():
        others = earlier_by_key.get(key, [])
        if key[0] != IdentifierKind.IP_ADDRESS:
            for row in rows[1:]:
                yield rows[0], row
            for other in others:
                yield rows[0], other
            continue
        sightings = sorted(
            [(row, True) for row in rows] + [(other, False) for other in others],
            key=lambda pair: pair[0]["seen_at"],
        )
        for i, (row, in_batch) in enumerate(sightings):
            for other, other_in_batch in sightings[i + 1 :]:
                if other["seen_at"] - row["seen_at"] > IP_MATCH_WINDOW:
                    break
                if (in_batch or other_in_batch) and _ip_match(row, other):
                    yield (row, other) if in_batch else (other, row)


def reports_bundle(*, reports: list[IntakeReport]) -> None:
    by_agency: dict[Any, list[IntakeReport]] = defaultdict(list)
    for report in reports:
        by_agency[report.agency_id].append(report)
    for agency_reports in by_agency.values():
        _agency_reports_bundle(agency_reports)


def _agency_reports_bundle(reports: list[IntakeReport]) -> None:
    agency_id = reports[0].agency_id
    by_id = {report.pk: report for report in reports}
    batch_rows = list(
        Identifier.objects.filter(report_id__in=list(by_id), kind__in=_KINDS)
        .order_by()
        .values(*_ROW_FIELDS)
    )
    values = {row["value"] for row in batch_rows}
    earlier_rows = (
        [
            row
            for row in Identifier.objects.filter(
                Q(kind__in=_PERSON_KINDS) | _HASH_OF_AN_UNDECIDED_ITEM,
                value__in=values,
                kind__in=_KINDS,
                agency_id=agency_id,
            )
            .order_by()
            .values(*_ROW_FIELDS)
            if row["report_id"] not in by_id
        ]
        if values
        else []
    )
    earlier_report_ids = {row["report_id"] for row in earlier_rows if row["report_id"]}
    item_of_report: dict[UUID, tuple[UUID, str]] = {
        row["id"]: (row["item_id"], row["item__state"])
        for row in IntakeReport.objects.filter(id__in=earlier_report_ids, item__isnull=False)
        .order_by()
        .values("id", "item_id", "item__state")
    }

    # Nodes: ("r", report id) for the batch's reports, ("i", item id) for undecided
    # items they match. A match with a decided item or a case is a repeat.
    forest = _UnionFind()
    for report in reports:
        forest.find(("r", report.pk))
    # A repeat is a person seen before: a file hash seen before says nothing of one.
    repeat_reports: set[UUID] = set()
    for row, other in _links(batch_rows, earlier_rows):
        node = ("r", row["report_id"])
        names_a_person = row["kind"] in PERSON_IDENTIFIER_KINDS
        if other["report_id"] in by_id:
            forest.union(node, ("r", other["report_id"]))
        elif other["report_id"] is not None and other["report_id"] in item_of_report:
            item_id, state = item_of_report[other["report_id"]]
            if state != ItemState.DECIDED:
                forest.union(node, ("i", item_id))
            elif names_a_person:
                repeat_reports.add(row["report_id"])
        elif names_a_person and (other["case_id"] is not None or other["person_id"] is not None):
            repeat_reports.add(row["report_id"])
    with_identifiers = {
        row["report_id"] for row in batch_rows if row["kind"] in PERSON_IDENTIFIER_KINDS
    }

    groups: dict[_Node, list[_Node]] = defaultdict(list)
    for node in list(forest.parent):
        groups[forest.find(node)].append(node)
    matched_item_ids = {node[1] for nodes in groups.values() for node in nodes if node[0] == "i"}
    items = {item.pk: item for item in IntakeItem.objects.filter(pk__in=matched_item_ids)}

    deadlines = Deadlines()
    new_items: list[IntakeItem] = []
    new_facts: dict[UUID, ItemFacts] = {}
    changed: dict[UUID, IntakeItem] = {}
    repeat_of: dict[UUID, bool | None] = {}
    for nodes in groups.values():
        group_reports = [by_id[node[1]] for node in nodes if node[0] == "r"]
        group_items = sorted(
            (items[node[1]] for node in nodes if node[0] == "i"),
            key=lambda item: (item.received_at, str(item.pk)),
        )
        if group_items:
            item = group_items[0]
            if len(group_items) > 1:
                _items_merge(item, group_items[1:])
            changed[item.pk] = item
            earlier = [stored_repeat(i) for i in group_items]
        else:
            # A new item holds these reports alone: its facts are in hand.
            item = IntakeItem(agency_id=agency_id)
            new_items.append(item)
            new_facts[item.pk] = reports_facts(group_reports)
            earlier = []
        for report in group_reports:
            report.item = item
        found = any(report.pk in repeat_reports for report in group_reports)
        if found or any(earlier):
            repeat_of[item.pk] = True
        elif any(r.pk in with_identifiers for r in group_reports) or False in earlier:
            repeat_of[item.pk] = False
        else:
            repeat_of[item.pk] = None

    # New items are inserted triaged, in one statement (and one of history).
    for pk, item_facts in new_facts.items():
        item_facts.repeat_identifiers = repeat_of[pk]
    items_triage(items=new_items, facts=new_facts, fields_only=True, deadlines=deadlines)
    for item in new_items:
        # The item's receipt is its earliest report's: the clock runs from there.
        item.preservation_due_at = deadlines.add(item.received_at, PRESERVATION_WORKING_DAYS)
    if new_items:
        bulk_create_with_history(
            new_items, IntakeItem, default_change_reason="Bundled from new reports"
        )
    _reports_item_set(reports)

    # Items that gained reports are triaged again from all their reports.
    if changed:
        facts = items_facts(changed)
        for pk, item_facts in facts.items():
            item_facts.repeat_identifiers = repeat_of.get(pk)
        fields = items_triage(
            items=list(changed.values()), facts=facts, fields_only=True, deadlines=deadlines
        )
        for item in changed.values():
            item.preservation_due_at = deadlines.add(item.received_at, PRESERVATION_WORKING_DAYS)
        bulk_update_with_history(
            list(changed.values()),
            IntakeItem,
            [*fields, "preservation_due_at", "state"],
            default_change_reason="Triaged again: new reports",
        )
    items_deconflict(items=[*new_items, *changed.values()])


def _reports_item_set(reports: list[IntakeReport]) -> None:
    """Point each report at its item, in one statement. On PostgreSQL an UPDATE from a
    VALUES list (Django's `bulk_update` builds a CASE of one branch per row, which
    costs more to build than to run); elsewhere `bulk_update`."""
    if connection.vendor != "postgresql":
        IntakeReport.objects.bulk_update(reports, ["item"])
        return
    table = connection.ops.quote_name(IntakeReport._meta.db_table)
    column = connection.ops.quote_name(IntakeReport._meta.get_field("item").column)
    rows = ", ".join(["(%s::uuid, %s::uuid)"] * len(reports))
    params: list[Any] = []
    for report in reports:
        params.extend((report.pk, report.item_id))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} AS report SET {column} = batch.item_id "  # noqa: S608
            f"FROM (VALUES {rows}) AS batch (id, item_id) WHERE report.id = batch.id",
            params,
        )


def _items_merge(survivor: IntakeItem, others: list[IntakeItem]) -> None:
    """Fold `others` into `survivor`: their reports and hits move, they are deleted
    (simple-history keeps them, the reason naming the survivor)."""
    other_ids = [item.pk for item in others]
    IntakeReport.objects.filter(item_id__in=other_ids).update(item=survivor)
    held_cases = set(
        DeconflictionHit.objects.filter(item=survivor).values_list("holding_case_id", flat=True)
    )
    hits = DeconflictionHit.objects.filter(item_id__in=other_ids)
    hits.filter(~Q(holding_case_id__in=held_cases)).update(item=survivor)
    hits.delete()
    if any(item.state == ItemState.HELD_FOR_DECONFLICTION for item in others):
        survivor.state = ItemState.HELD_FOR_DECONFLICTION
    sent = [item for item in others if item.preservation_sent_at is not None]
    if survivor.preservation_sent_at is None and sent:
        first = min(sent, key=lambda item: item.preservation_sent_at or item.received_at)
        survivor.preservation_sent_at = first.preservation_sent_at
        survivor.preservation_sent_by_id = first.preservation_sent_by_id
        survivor.preservation_reference = first.preservation_reference
    history_note(
        survivor,
        actor=None,
        reason=f"Merged {len(others)} item(s) sharing an identifier",
    )
    survivor.save(
        update_fields=[
            "state",
            "preservation_sent_at",
            "preservation_sent_by",
            "preservation_reference",
            "updated_at",
        ]
    )
    for item in others:
        history_note(item, actor=None, reason=f"Merged into {survivor.pk}")
        item.delete()
