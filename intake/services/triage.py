"""Triage of an intake item: a documented score built from factors, each stored with
its weight and what it added, mapped to the shared level, the agency's own grade and
its target time. The factors, weights and thresholds are written down in
`docs/intake-triage.md`; change one here and there together.

Missing facts count as unknown, never as low: a factor whose facts are all unknown
is stored with `"value": None` and adds nothing, and an item whose deciding facts are
not all known is never "low" (it is `unknown`, which the queue ranks with high).

An item where the provider reports a child at imminent risk or self-harm is
critical (band 0) whatever its score, and the agency's supervisors are told at once,
once per item.

`items_triage` is the batch path the bundling calls (a few queries whatever the
number of items); `item_triage` triages one item on its own.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min, Q, Sum

from agencies.models import Agency
from agencies.selectors.supervision import Recipients
from agencies.working_days import add_working_days
from common.notifications import Notice, notices_deliver
from intake.models import IntakeItem, IntakeReport
from safeguarding.models import SharedLevel
from safeguarding.services.scales import action_targets, agency_grade, current_scale_levels

ITEM_CRITICAL = "intake.item_critical"

# The provider's indicators: (factor, report field, label, weight).
INDICATORS: tuple[tuple[str, str, str, int], ...] = (
    ("imminent_risk", "child_at_imminent_risk", "Child at imminent risk", 100),
    ("self_harm", "self_harm", "Self-harm", 100),
    ("sextortion", "sextortion", "Sextortion", 40),
    ("contact_offending", "contact_offending", "Contact offending", 40),
    ("meeting_arranged", "meeting_arranged", "Meeting arranged", 40),
)
# Either of these makes the item critical, whatever the score.
CRITICAL_FACTORS = frozenset({"imminent_risk", "self_harm"})

# The youngest apparent age: (youngest age at most, points). Older than 17: nothing.
AGE_WEIGHT = 30
AGE_BANDS: tuple[tuple[int, int], ...] = ((5, 30), (12, 20), (15, 10), (17, 5))

HASH_MATCH_WEIGHT = 20
# Files in all the item's reports: (at least, points).
FILES_WEIGHT = 15
FILES_BANDS: tuple[tuple[int, int], ...] = ((100, 15), (10, 10), (1, 5))
# Reports folded into the item: (at least, points).
REPORTS_WEIGHT = 10
REPORTS_BANDS: tuple[tuple[int, int], ...] = ((10, 10), (2, 5))
REPEAT_WEIGHT = 20
SUSPECT_ACCESS_WEIGHT = 30

# Score thresholds to a shared level (critical comes from the indicators alone).
HIGH_FROM = 60
MEDIUM_FROM = 30

# The facts without which an item can never be judged low.
DECIDING_FACTORS = frozenset(
    {"imminent_risk", "self_harm", "sextortion", "contact_offending", "meeting_arranged", "age"}
)


@dataclass
class ItemFacts:
    """What the item's reports say, taken together. An indicator is True when any
    report says so, False only when every report says no, else None (unknown)."""

    report_count: int = 0
    received_at: Any = None
    youngest_age: int | None = None
    indicators: dict[str, bool | None] = field(default_factory=dict)
    suspect_access: bool | None = None
    files_hash_matched: int | None = None
    files_total: int | None = None
    # An identifier seen in the agency's earlier records (a decided item, a case or a
    # person); None when the item has no identifier to look for.
    repeat_identifiers: bool | None = None


@dataclass
class Triage:
    score: int
    factors: list[dict[str, Any]]
    level: str
    band: int


def _either(true_count: int, false_count: int, total: int) -> bool | None:
    if true_count:
        return True
    if total and false_count == total:
        return False
    return None


def _banded(value: int, bands: tuple[tuple[int, int], ...], *, at_most: bool) -> int:
    for limit, points in bands:
        if (value <= limit) if at_most else (value >= limit):
            return points
    return 0


def _factor(factor: str, label: str, weight: int, value: Any, points: int) -> dict[str, Any]:
    return {"factor": factor, "label": label, "weight": weight, "value": value, "points": points}


def triage_compute(facts: ItemFacts) -> Triage:
    """The score, its factors, the shared level and the band, from the facts alone."""
    factors: list[dict[str, Any]] = []
    for name, _field, label, weight in INDICATORS:
        value = facts.indicators.get(name)
        factors.append(_factor(name, label, weight, value, weight if value else 0))
    age = facts.youngest_age
    factors.append(
        _factor(
            "age",
            "Youngest apparent age",
            AGE_WEIGHT,
            age,
            0 if age is None else _banded(age, AGE_BANDS, at_most=True),
        )
    )
    hashed = facts.files_hash_matched
    factors.append(
        _factor(
            "hash_matches",
            "Files matching known abuse images",
            HASH_MATCH_WEIGHT,
            hashed,
            HASH_MATCH_WEIGHT if hashed else 0,
        )
    )
    total = facts.files_total
    factors.append(
        _factor(
            "files_total",
            "Files reported",
            FILES_WEIGHT,
            total,
            0 if total is None else _banded(total, FILES_BANDS, at_most=False),
        )
    )
    factors.append(
        _factor(
            "reports",
            "Reports in the item",
            REPORTS_WEIGHT,
            facts.report_count,
            _banded(facts.report_count, REPORTS_BANDS, at_most=False),
        )
    )
    repeat = facts.repeat_identifiers
    factors.append(
        _factor(
            "repeat_identifiers",
            "Identifier seen before in this force's records",
            REPEAT_WEIGHT,
            repeat,
            REPEAT_WEIGHT if repeat else 0,
        )
    )
    access = facts.suspect_access
    factors.append(
        _factor(
            "suspect_access",
            "Suspect has access to children",
            SUSPECT_ACCESS_WEIGHT,
            access,
            SUSPECT_ACCESS_WEIGHT if access else 0,
        )
    )
    score = sum(f["points"] for f in factors)
    if any(facts.indicators.get(name) for name in CRITICAL_FACTORS):
        level = SharedLevel.CRITICAL
    elif score >= HIGH_FROM:
        level = SharedLevel.HIGH
    elif score >= MEDIUM_FROM:
        level = SharedLevel.MEDIUM
    elif any(f["value"] is None for f in factors if f["factor"] in DECIDING_FACTORS):
        # Too little is known to call it low.
        level = SharedLevel.UNKNOWN
    else:
        level = SharedLevel.LOW
    return Triage(
        score=score,
        factors=factors,
        level=level,
        band=0 if level == SharedLevel.CRITICAL else 1,
    )


class Deadlines:
    """`add_working_days`, asked once per distinct answer: its answer depends only on
    the moment's London date, whether the working day had ended, and the days. A
    batch of thousands of items received over a few days costs a few calls (each
    reads the closure days)."""

    def __init__(self) -> None:
        self._zone = ZoneInfo(settings.TIME_ZONE)
        self._memo: dict[tuple[Any, bool, int], datetime] = {}

    def add(self, moment: datetime, days: int) -> datetime:
        local = moment.astimezone(self._zone)
        key = (local.date(), local.hour < settings.WORKING_DAY_ENDS_AT_HOUR, days)
        if key not in self._memo:
            self._memo[key] = add_working_days(moment, days)
        return self._memo[key]


def _combined(values: list[bool | None]) -> bool | None:
    if any(values):
        return True
    if values and all(value is False for value in values):
        return False
    return None


def _known_sum(values: list[int | None]) -> int | None:
    known = [value for value in values if value is not None]
    return sum(known) if known else None


def reports_facts(reports: list[IntakeReport]) -> ItemFacts:
    """The facts of a new item from its reports in hand, by the same rules as
    `items_facts` (no query)."""
    ages = [report.youngest_age for report in reports if report.youngest_age is not None]
    return ItemFacts(
        report_count=len(reports),
        received_at=min(report.received_at for report in reports),
        youngest_age=min(ages) if ages else None,
        indicators={
            name: _combined([getattr(report, report_field) for report in reports])
            for name, report_field, _, _ in INDICATORS
        },
        suspect_access=_combined([r.suspect_has_access_to_children for r in reports]),
        files_hash_matched=_known_sum([report.files_hash_matched for report in reports]),
        files_total=_known_sum([report.files_total for report in reports]),
    )


def items_facts(item_ids: Iterable[UUID]) -> dict[UUID, ItemFacts]:
    """The facts of each item from its reports: one aggregate query."""
    aggregates: dict[str, Any] = {
        "count": Count("id"),
        "received": Min("received_at"),
        "youngest": Min("youngest_age"),
        "hashed": Sum("files_hash_matched"),
        "files": Sum("files_total"),
    }
    fields = [(name, report_field) for name, report_field, _, _ in INDICATORS]
    fields.append(("suspect_access", "suspect_has_access_to_children"))
    for name, report_field in fields:
        aggregates[f"{name}_yes"] = Count("id", filter=Q(**{report_field: True}))
        aggregates[f"{name}_no"] = Count("id", filter=Q(**{report_field: False}))
    rows = (
        IntakeReport.objects.filter(item_id__in=list(item_ids))
        .order_by()
        .values("item_id")
        .annotate(**aggregates)
    )
    result: dict[UUID, ItemFacts] = {}
    for row in rows:
        total = row["count"]
        states = {name: _either(row[f"{name}_yes"], row[f"{name}_no"], total) for name, _ in fields}
        result[row["item_id"]] = ItemFacts(
            report_count=total,
            received_at=row["received"],
            youngest_age=row["youngest"],
            indicators={name: states[name] for name, _, _, _ in INDICATORS},
            suspect_access=states["suspect_access"],
            files_hash_matched=row["hashed"],
            files_total=row["files"],
        )
    return result


def stored_repeat(item: IntakeItem) -> bool | None:
    """The repeat-identifier fact the item's last triage found (the earlier records
    it matched do not go away, so it is kept when the item is triaged again)."""
    for factor in item.triage_factors or []:
        if factor.get("factor") == "repeat_identifiers":
            value = factor.get("value")
            return value if isinstance(value, bool) else None
    return None


def _critical_notice(item: IntakeItem, agency: Agency) -> Notice:
    return Notice(
        kind=ITEM_CRITICAL,
        message=(
            "A critical intake item needs attention now: the provider reports a child "
            "at imminent risk or self-harm."
        ),
        link=f"/intake/items/{item.pk}/",
        dedupe_key=f"intake-item:{item.pk}:critical",
        team=(agency.pk, agency.kind, None),
    )


def items_triage(
    *,
    items: list[IntakeItem],
    facts: dict[UUID, ItemFacts],
    fields_only: bool = False,
    deadlines: Deadlines | None = None,
) -> list[str]:
    """Set each item's received_at, report_count, youngest_age, score, factors,
    level, band, agency grade and action due moment from `facts` (in memory; the
    caller saves, or this saves each item unless `fields_only`), and tell the
    agency's supervisors, once per item, of each critical one. Returns the fields
    set. Queries: the agencies' targets and scales once per agency, then one batch
    of notifications."""
    deadlines = deadlines or Deadlines()
    targets_of: dict[Any, dict[str, int]] = {}
    scales_of: dict[Any, list[Any]] = {}
    notices: list[Notice] = []
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in={i.agency_id for i in items})}
    for item in items:
        item_facts = facts.get(item.pk)
        if item_facts is None:
            continue
        if item.agency_id not in targets_of:
            targets_of[item.agency_id] = action_targets(item.agency_id)
            scales_of[item.agency_id] = current_scale_levels(item.agency_id)[1]
        triage = triage_compute(item_facts)
        item.received_at = item_facts.received_at
        item.report_count = item_facts.report_count
        item.youngest_age = item_facts.youngest_age
        item.triage_score = triage.score
        item.triage_factors = triage.factors
        item.level = triage.level
        item.band = triage.band
        item.agency_grade = agency_grade(scales_of[item.agency_id], triage.level)
        item.action_due_at = deadlines.add(
            item.received_at, targets_of[item.agency_id][triage.level]
        )
        if triage.level == SharedLevel.CRITICAL:
            notices.append(_critical_notice(item, agencies[item.agency_id]))
    fields = [
        "received_at",
        "report_count",
        "youngest_age",
        "triage_score",
        "triage_factors",
        "level",
        "band",
        "agency_grade",
        "action_due_at",
    ]
    if not fields_only:
        for item in items:
            item.save(update_fields=[*fields, "updated_at"])
    if notices:
        notices_deliver(Recipients().pairs(notices))
    return fields


def item_triage(*, item: IntakeItem) -> IntakeItem:
    """Triage one item from its reports, and save it (called inside the
    transaction of whatever changed it)."""
    facts = items_facts([item.pk])
    if item.pk in facts:
        facts[item.pk].repeat_identifiers = stored_repeat(item)
    items_triage(items=[item], facts=facts)
    return item
