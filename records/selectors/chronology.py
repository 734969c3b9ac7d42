"""The case chronology (issue 19): one ordered list of everything on a case, with who
and when, read through each source's own scoped selector.

    case_chronology(actor=..., case=..., kinds=..., party=..., cursor=..., limit=...)

`case` is a case already read through `cases.selectors.case_get_for_actor`. Each
source (investigation events, contacts, key decisions, assessments, referral moves,
duties met or missed, flags, outcomes, grants, transfers, tasks, strategy
discussions, the material summary's changes and the case's own opening) is read by
its app's selector, scoped to the reader in the database: a party the reader may not
see (another compartment, or outside what a grant covers), the material without
clearance, or a duty without the capability, never reaches the list. Nothing is
filtered in Python after a query to decide what the reader may see.

Order: newest first, the reader's usual question being "what happened lately?"; the
printed summary and anyone reading the story from its start ask for the oldest first
(`newest_first=False`). Ties are settled by the source's name, then by the record's
key, so that the order is total and stable: a page never repeats or skips an entry.

Paging is by keyset over the merged sources: the cursor is the last entry's
(moment, source, key); each source reads at most `limit + 1` rows past it, in the
order of its case index, and the rows are merged. Nothing counts the case's records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from agencies import access
from agencies.audit import access_list_record
from agencies.models import Compartment, Membership
from cases.case_tabs import case_section_url
from cases.models import Case, CaseParty
from cases.selectors import log_case_read, party_list
from common.keyset_cursor import InvalidCursor, Position, decode_cursor, encode_cursor

__all__ = [
    "DEFAULT_LIMIT",
    "MAX_LIMIT",
    "ChronologyEntry",
    "ChronologyKind",
    "ChronologyPage",
    "ChronologyParty",
    "InvalidCursor",
    "case_chronology",
    "chronology_kinds",
    "chronology_parties",
]

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_SALT = "tideline.records.chronology"


class ChronologyKind(models.TextChoices):
    """What an entry is, as the filters name it."""

    CASE = "case", "Case"
    EVENT = "event", "Investigation events"
    CONTACT = "contact", "Contacts"
    DECISION = "decision", "Key decisions"
    ASSESSMENT = "assessment", "Risk assessments"
    REFERRAL = "referral", "Referrals"
    DUTY = "duty", "Duties met or missed"
    FLAG = "flag", "Flags"
    OUTCOME = "outcome", "Outcomes"
    GRANT = "grant", "Access granted"
    TRANSFER = "transfer", "Transfers"
    TASK = "task", "Tasks"
    STRATEGY = "strategy", "Strategy discussions"
    MATERIAL = "material", "Material"


# What one entry of each kind is called, beside it on the page.
ENTRY_LABELS: dict[str, str] = {
    ChronologyKind.CASE: "Case",
    ChronologyKind.EVENT: "Investigation",
    ChronologyKind.CONTACT: "Contact",
    ChronologyKind.DECISION: "Decision",
    ChronologyKind.ASSESSMENT: "Assessment",
    ChronologyKind.REFERRAL: "Referral",
    ChronologyKind.DUTY: "Duty",
    ChronologyKind.FLAG: "Flag",
    ChronologyKind.OUTCOME: "Outcome",
    ChronologyKind.GRANT: "Access",
    ChronologyKind.TRANSFER: "Transfer",
    ChronologyKind.TASK: "Task",
    ChronologyKind.STRATEGY: "Strategy",
    ChronologyKind.MATERIAL: "Material",
}


@dataclass(frozen=True)
class ChronologyParty:
    """The person an entry concerns, as the reader may see them in this case."""

    id: UUID
    name: str
    role: str  # the role's label: "Victim", "Suspect"...


@dataclass(frozen=True)
class ChronologyEntry:
    """One thing that happened on the case."""

    when: datetime
    kind: str  # a ChronologyKind value
    summary: str  # one line, British English
    who_name: str  # the acting user's full name; "" when nobody acted (a deadline passed)
    who_agency: str  # their agency's name
    party: ChronologyParty | None
    compartment: str  # a Compartment value
    url: str  # the case tab and section that show the record
    source: str  # the source's name: part of the order's tie-break
    key: Any  # the record's key in its source: the last part of the order
    record: Model | None = field(default=None, compare=False, repr=False)

    @property
    def kind_label(self) -> str:
        """What this one entry is called: "Referral", "Duty"."""
        return ENTRY_LABELS[self.kind]

    @property
    def compartment_label(self) -> str:
        return str(Compartment(self.compartment).label)


@dataclass(frozen=True)
class ChronologyPage:
    entries: list[ChronologyEntry]
    next_cursor: str | None
    previous_cursor: str | None

    @property
    def has_next(self) -> bool:
        return self.next_cursor is not None

    @property
    def has_previous(self) -> bool:
        return self.previous_cursor is not None

    def __iter__(self) -> Iterator[ChronologyEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)


@dataclass
class Reading:
    """What every source is read with: the reader, the case, the parties of the case
    the reader may see (read once), and the moment of the read (a duty open past its
    deadline is missed as of now)."""

    actor: User
    case: Case
    parties: dict[Any, CaseParty]
    now: datetime


@dataclass(frozen=True)
class Row:
    """A source's row, before it is an entry: enough to order it, and what to say."""

    when: datetime
    source: str
    key: Any
    record: Any
    # Filled by the source's `describe` once the row is on the page.
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Said:
    """What a source says of one of its rows."""

    summary: str
    who: User | None
    section: str
    party_id: Any = None
    compartment: str = Compartment.CASE
    agency_name: str | None = None  # the agency the record names, when it names one


def chronology_kinds(*, actor: User, case: Case) -> list[ChronologyKind]:
    """The kinds the filter offers: every kind but those the reader may never see on
    this case (the material without clearance, duties outside a police force)."""
    hidden = set()
    if not (
        access.can(actor, "cases.material.view", case) and access.is_cleared_for(actor, "material")
    ):
        hidden.add(ChronologyKind.MATERIAL)
    if not access.can(actor, "welfare.duty.view"):
        hidden.add(ChronologyKind.DUTY)
    if not access.can(actor, "cases.transfer.view"):
        hidden.add(ChronologyKind.TRANSFER)
    return [kind for kind in ChronologyKind if kind not in hidden]


def chronology_parties(*, actor: User, case: Case) -> list[CaseParty]:
    """The parties of the case the reader may see: what the party filter offers."""
    return list(party_list(actor=actor, case=case))


def case_chronology(
    *,
    actor: User,
    case: Case,
    kinds: Collection[str] | None = None,
    party: UUID | str | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    newest_first: bool = True,
    parties: Iterable[CaseParty] | None = None,
    log: bool = True,
) -> ChronologyPage:
    """One page of the case's chronology as `actor` may see it.

    `kinds`: ChronologyKind values to keep (all when None or empty). `party`: the id
    of a party of the case the reader may see; only entries about them are kept
    (ValidationError naming `party` for any other). `cursor`: a page's
    `next_cursor` or `previous_cursor` (InvalidCursor for any other). `limit`: 1 to
    MAX_LIMIT. `parties`: the reader's visible parties when the caller has read
    them already (`chronology_parties`). `log`: note the entries listed in the
    access log (one entry per request, ADR 0007)."""
    from records.selectors.chronology_sources import SOURCES

    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"A chronology page holds 1 to {MAX_LIMIT} entries.")
    wanted = {ChronologyKind(kind) for kind in kinds} if kinds else set(ChronologyKind)
    seen = list(parties) if parties is not None else chronology_parties(actor=actor, case=case)
    reading = Reading(actor=actor, case=case, parties={p.pk: p for p in seen}, now=timezone.now())
    party_id = _party_key(reading, party)
    position = _position(cursor, {source.name for source in SOURCES})
    backwards = bool(position and position.backwards)
    descending = newest_first != backwards

    rows: list[Row] = []
    for source in SOURCES:
        if source.kind not in wanted or (party_id is not None and source.party_path is None):
            continue
        rows.extend(source.rows_after(reading, position, descending, party_id, limit + 1))
    rows.sort(key=lambda row: (row.when, row.source, row.key), reverse=descending)
    more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    by_name = {source.name: source for source in SOURCES}
    entries = _entries(reading, rows, by_name)
    if log:
        _chronology_logged(actor=actor, case=case, entries=entries)
    has_next = more if not backwards else True
    has_previous = (position is not None) if not backwards else more
    return ChronologyPage(
        entries=entries,
        next_cursor=_cursor(rows[-1], back=False) if rows and has_next else None,
        previous_cursor=_cursor(rows[0], back=True) if rows and has_previous else None,
    )


def _chronology_logged(*, actor: User, case: Case, entries: Iterable[ChronologyEntry]) -> None:
    """Note the read in the access log (ADR 0007): the chronology of the case, and
    each record it listed, named by its own kind (`contact:<id>`, `flag:<id>`), so
    that the auditor sees exactly what was shown."""
    log_case_read(
        actor=actor,
        action="records.chronology.listed",
        case=case,
        object_type="chronology",
        records=(),
    )
    by_model: dict[type[Model], list[Model]] = {}
    for entry in entries:
        if entry.record is not None:
            by_model.setdefault(type(entry.record), []).append(entry.record)
    for model, records in by_model.items():
        access_list_record(actor=actor, records=records, model=model)


def _party_key(reading: Reading, party: UUID | str | None) -> Any:
    if party in (None, ""):
        return None
    try:
        key = party if isinstance(party, UUID) else UUID(str(party))
    except ValueError:
        key = None
    if key not in reading.parties:
        raise ValidationError({"party": ["Choose a person in this case."]})
    return key


def _position(cursor: str | None, names: set[str]) -> Position | None:
    if not cursor:
        return None
    position = decode_cursor(cursor, salt=_SALT, length=3)
    when, source, _ = position.values
    if not isinstance(when, datetime) or when.tzinfo is None or source not in names:
        raise InvalidCursor()
    return position


def _cursor(row: Row, *, back: bool) -> str:
    return encode_cursor(Position((row.when, row.source, row.key), back), salt=_SALT)


def seek(name: str, position: Position | None, descending: bool, when: str, key: str) -> Q | None:
    """The rows of source `name` beyond `position` in the merged order (moment,
    source, key), travelling down (`descending`) or up: a range on the source's
    moment that its case index serves, the key settling ties only within the source."""
    if position is None:
        return None
    at, source, last_key = position.values
    beyond = "lt" if descending else "gt"
    if name == source:
        return Q(**{f"{when}__{beyond}": at}) | Q(**{when: at, f"{key}__{beyond}": last_key})
    # The same moment in another source: before or after this one by the source's name.
    ties_follow = (name < source) if descending else (name > source)
    return Q(**{f"{when}__{beyond}e" if ties_follow else f"{when}__{beyond}": at})


def seek_in_memory(row: Row, position: Position | None, descending: bool) -> bool:
    """`seek` for a row that is not read from a table (the case's own opening)."""
    if position is None:
        return True
    mine = (row.when, row.source, row.key)
    at = tuple(position.values)
    return mine < at if descending else mine > at


def _entries(reading: Reading, rows: list[Row], sources: dict[str, Any]) -> list[ChronologyEntry]:
    said = [sources[row.source].describe(reading, row) for row in rows]
    agencies = _agencies_of({s.who.pk for s in said if s.who is not None and s.agency_name is None})
    entries = []
    for row, what in zip(rows, said, strict=True):
        party = reading.parties.get(what.party_id) if what.party_id is not None else None
        who_agency = what.agency_name
        if who_agency is None:
            who_agency = agencies.get(what.who.pk, "") if what.who is not None else ""
        entries.append(
            ChronologyEntry(
                when=row.when,
                kind=sources[row.source].kind,
                summary=what.summary,
                who_name=_name_of(what.who),
                who_agency=who_agency,
                party=ChronologyParty(
                    id=party.pk, name=party.person.full_name, role=party.get_role_display()
                )
                if party is not None
                else None,
                compartment=party.compartment if party is not None else what.compartment,
                url=case_section_url(reading.case.pk, what.section),
                source=row.source,
                key=row.key,
                record=row.record if isinstance(row.record, Model) else None,
            )
        )
    return entries


def _agencies_of(user_ids: set[Any]) -> dict[Any, str]:
    """Each acting user's agency, in one query for the page (not one per entry)."""
    if not user_ids:
        return {}
    return dict(
        Membership.objects.filter(user_id__in=sorted(user_ids)).values_list(
            "user_id", "agency__name"
        )
    )


def _name_of(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name().strip() or "A member of staff"


def rows_of(
    queryset: QuerySet[Any], *, name: str, when: str, key: str, descending: bool, limit: int
) -> list[Row]:
    """`limit` rows of a source's scoped queryset, already narrowed past the cursor,
    in the merged order."""
    order = (f"-{when}", f"-{key}") if descending else (when, key)
    return [
        Row(when=_read(record, when), source=name, key=_read(record, key), record=record)
        for record in queryset.order_by(*order)[:limit]
    ]


def _read(record: Any, path: str) -> Any:
    value = record
    for part in path.split("__"):
        value = getattr(value, part)
    return value
