"""The case summary to print (issue 19): what one reader may see of a case, gathered
for one purpose (a strategy discussion, a child protection conference, the
prosecutor's file).

Built from the reader's own view, through the very reads the case page's tabs make:
the case through `cases.selectors.case_get_for_actor`, its people through
`CasePageReads.parties` (`cases.selectors.party_list`, scoped to the reader's
compartments and grant), the investigation through `cases.views.case_tab_reads`,
and risk, strategy discussions and referrals through the panels their apps register
with `cases.panels` (the Risk, Strategy and Referrals tabs' own providers). A section
whose read the reader may not make is left out whole, heading and all: a
compartment the reader cannot see never appears, not even as an empty heading.

The reads are logged as the tabs log them (the parties named, the material
summary), in the request's one access-log entry, which the print itself heads
(`records.services.summary`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from agencies import access
from cases import selectors as case_selectors
from cases.models import Case, CaseParty, PartyRole
from cases.panels import CasePageReads, CasePanel, case_panels
from cases.selectors.tasks import task_list_for_case
from cases.views import case_tab_reads
from records.selectors.chronology import (
    MAX_LIMIT,
    ChronologyEntry,
    ChronologyKind,
    case_chronology,
    chronology_kinds,
)


class SummaryPurpose(models.TextChoices):
    STRATEGY = "strategy", "A strategy discussion"
    CONFERENCE = "conference", "A child protection conference"
    PROSECUTION = "prosecution", "The prosecutor's file"


PURPOSE_HINTS: dict[str, str] = {
    SummaryPurpose.STRATEGY: (
        "The people in the case, the risk, the referrals between agencies and the actions open."
    ),
    SummaryPurpose.CONFERENCE: (
        "The children in the case, the risk and the strategy discussions about them."
    ),
    SummaryPurpose.PROSECUTION: (
        "The people, the offences, arrests and bail, the material summary, the key "
        "decisions and the outcomes."
    ),
}

# Which sections each purpose prints, in this order, and why:
# - a strategy discussion decides whether to start section 47 enquiries and what each
#   agency does next: it needs who is involved, the referrals already made between
#   agencies, the risk (level, assessments, flags, urgent concerns), earlier
#   discussions and the actions open;
# - a child protection conference decides on a child protection plan: it needs the
#   children (with their ages), the risk and the strategy discussions that led to it,
#   not the evidence;
# - the prosecutor's file is about proving the offences: the people, the offences,
#   what happened to each suspect (arrest, interview, bail), the material summary
#   (metadata only: counts by category and references), any activist-group evidence
#   and its chain of custody, the key decisions and the outcomes; not the welfare or
#   safeguarding work, which is no part of the case against the suspect.
# Every purpose ends with the chronology (records.selectors.chronology), oldest first,
# of the kinds that purpose needs (CHRONOLOGY_KINDS).
PURPOSE_SECTIONS: dict[str, tuple[str, ...]] = {
    SummaryPurpose.STRATEGY: (
        "case",
        "people",
        "risk",
        "referrals",
        "strategy",
        "actions",
        "chronology",
    ),
    SummaryPurpose.CONFERENCE: ("case", "children", "risk", "strategy", "chronology"),
    SummaryPurpose.PROSECUTION: (
        "case",
        "people",
        "offences",
        "investigation",
        "material",
        "activist",
        "decisions",
        "outcomes",
        "chronology",
    ),
}

# The chronology's kinds for each purpose (None: every kind the reader may see).
# The strategy discussion sees the whole story; the conference the safeguarding story
# (contacts, decisions, assessments, referrals, flags, strategy discussions, duties to
# the family), not the evidence; the prosecutor the investigation's (events, contacts,
# decisions, outcomes, the material's changes, transfers between forces).
CHRONOLOGY_KINDS: dict[str, frozenset[str] | None] = {
    SummaryPurpose.STRATEGY: None,
    SummaryPurpose.CONFERENCE: frozenset(
        {
            ChronologyKind.CASE,
            ChronologyKind.CONTACT,
            ChronologyKind.DECISION,
            ChronologyKind.ASSESSMENT,
            ChronologyKind.REFERRAL,
            ChronologyKind.DUTY,
            ChronologyKind.FLAG,
            ChronologyKind.STRATEGY,
        }
    ),
    SummaryPurpose.PROSECUTION: frozenset(
        {
            ChronologyKind.CASE,
            ChronologyKind.EVENT,
            ChronologyKind.CONTACT,
            ChronologyKind.DECISION,
            ChronologyKind.OUTCOME,
            ChronologyKind.MATERIAL,
            ChronologyKind.TRANSFER,
        }
    ),
}
# A printed chronology holds at most this many entries (pages of the chronology's
# largest), the oldest first; past it the print says how to read the rest.
CHRONOLOGY_PRINTED = 3 * MAX_LIMIT

# Parties shown in the children's section: the children the case is about.
CHILD_ROLES = frozenset({PartyRole.VICTIM, PartyRole.CHILD_IN_HOUSEHOLD})
ADULTHOOD = 18


@dataclass
class SummarySection:
    key: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return f"records/pdf/summary/{self.key}.html"


@dataclass
class CaseSummary:
    case: Case
    purpose: SummaryPurpose
    sections: list[SummarySection]
    # The parties the summary names, logged as a list of the case's parties.
    named_parties: list[CaseParty]

    @property
    def title(self) -> str:
        return f"Case summary for {self.purpose.label[0].lower()}{self.purpose.label[1:]}"

    @property
    def section_keys(self) -> list[str]:
        return [section.key for section in self.sections]


class _Reading:
    """What the builders share: the page's reads (the parties, once) and the parties
    each section names."""

    def __init__(self, actor: User, case: Case, purpose: SummaryPurpose):
        self.actor = actor
        self.case = case
        self.purpose = purpose
        self.page = CasePageReads(actor=actor, case=case)
        self.named: dict[Any, CaseParty] = {}
        self._ages: dict[Any, int | None] | None = None
        self._panels: dict[str, dict[str, CasePanel]] = {}

    @property
    def parties(self) -> list[CaseParty]:
        return self.page.parties

    @property
    def parties_by_key(self) -> dict[Any, CaseParty]:
        return {party.pk: party for party in self.parties}

    def name(self, keys: Iterable[Any]) -> None:
        by_key = self.parties_by_key
        for key in keys:
            if key in by_key:
                self.named.setdefault(key, by_key[key])

    def ages(self) -> dict[Any, int | None]:
        if self._ages is None:
            self._ages = case_selectors.party_ages(case=self.case, parties=self.parties)
        return self._ages

    def panels(self, tab: str) -> dict[str, CasePanel]:
        """The panels of one case page tab, by anchor: the tab's own providers."""
        if tab not in self._panels:
            found = case_panels(self.actor, self.case, self.page, tab=tab)
            self._panels[tab] = {panel.anchor: panel for panel in found}
        return self._panels[tab]


def _people_rows(reading: _Reading, parties: list[CaseParty]) -> list[dict[str, Any]]:
    ages = reading.ages()
    today = timezone.localdate()
    return [
        {
            "party": party,
            "age_at_offence": ages.get(party.pk),
            "age_now": case_selectors.age_on(party.person, today),
        }
        for party in parties
    ]


def _case(reading: _Reading) -> SummarySection:
    return SummarySection("case", "The case", {"case": reading.case})


def _people(reading: _Reading) -> SummarySection:
    parties = reading.parties
    reading.name(party.pk for party in parties)
    return SummarySection("people", "People in the case", {"rows": _people_rows(reading, parties)})


def _children(reading: _Reading) -> SummarySection:
    children = [party for party in reading.parties if party.role in CHILD_ROLES]
    reading.name(party.pk for party in children)
    rows = _people_rows(reading, children)
    # Whom each child lives with or is related to, as far as the reader may see them.
    return SummarySection("children", "Children in the case", {"rows": rows})


def _risk(reading: _Reading) -> SummarySection | None:
    panels = reading.panels("risk")
    context = {
        "flags": panels["flags"].context if "flags" in panels else None,
        "risk": panels["risk"].context if "risk" in panels else None,
        "concerns": panels["concerns"].context if "concerns" in panels else None,
    }
    if not any(context.values()):
        return None
    return SummarySection("risk", "Risk", context)


def _strategy(reading: _Reading) -> SummarySection | None:
    panel = reading.panels("strategy").get("strategy-discussions")
    if panel is None:
        return None
    return SummarySection("strategy", "Strategy discussions", panel.context)


def _referrals(reading: _Reading) -> SummarySection | None:
    panel = reading.panels("referrals").get("referrals")
    if panel is None:
        return None
    member = access.membership_of(reading.actor)
    return SummarySection(
        "referrals",
        "Referrals",
        {**panel.context, "reader_agency_id": member.agency_id if member else None},
    )


def _actions(reading: _Reading) -> SummarySection | None:
    if not access.can(reading.actor, "cases.task.view", reading.case):
        return None
    tasks = list(task_list_for_case(actor=reading.actor, case=reading.case).filter(status="open"))
    return SummarySection("actions", "Actions open", {"tasks": tasks})


def _offences(reading: _Reading) -> SummarySection:
    offences = list(
        case_selectors.offence_list(actor=reading.actor, case=reading.case, parties=reading.parties)
    )
    # visible_parties: the parties the reader may see, prefetched by offence_list.
    reading.name(
        party.pk
        for offence in offences
        for party in offence.visible_parties  # type: ignore[attr-defined]
    )
    return SummarySection("offences", "Offences", {"offences": offences})


def _investigation(reading: _Reading) -> SummarySection | None:
    investigation = case_tab_reads.investigation(
        reading.actor, reading.case, reading.parties_by_key
    )
    if investigation is None:
        return None
    reading.name(event.suspect_id for event in investigation["events"])
    return SummarySection("investigation", "Arrests, interviews and bail", investigation)


def _material(reading: _Reading) -> SummarySection | None:
    material = case_tab_reads.material(reading.actor, reading.case)
    if not material["cleared"]:
        return None
    return SummarySection("material", "Material summary", {"summary": material["summary"]})


def _activist(reading: _Reading) -> SummarySection | None:
    activist = case_tab_reads.activist_evidence(reading.actor, reading.case)
    if activist is None:
        return None
    return SummarySection(
        "activist", "Evidence from an online activist group", {"evidence": activist["evidence"]}
    )


def _decisions(reading: _Reading) -> SummarySection:
    decisions = list(case_selectors.decision_list(actor=reading.actor, case=reading.case))
    return SummarySection("decisions", "Key decisions", {"decisions": decisions})


def _outcomes(reading: _Reading) -> SummarySection | None:
    if not access.can(reading.actor, "cases.outcome.view", reading.case):
        return None
    outcomes = case_tab_reads.outcomes(reading.actor, reading.case, reading.parties_by_key)
    reading.name(outcome.suspect_id for outcome in outcomes)
    return SummarySection("outcomes", "Outcomes", {"outcomes": outcomes})


def _chronology(reading: _Reading) -> SummarySection:
    """The entries the reader may see (the chronology reads each source through its
    own scoped selector), oldest first, of the purpose's kinds."""
    kinds = CHRONOLOGY_KINDS[reading.purpose]
    if kinds is not None:
        # Said on the page: only the kinds the reader may see, so that a summary printed
        # without material clearance does not list "material" among them.
        # The case's own entry is every reader's, so the set is never empty (which
        # would read as "every kind").
        visible = set(chronology_kinds(actor=reading.actor, case=reading.case))
        kinds = frozenset(kind for kind in kinds if kind in visible) | {ChronologyKind.CASE}
    entries: list[ChronologyEntry] = []
    cursor = None
    more = False
    while len(entries) < CHRONOLOGY_PRINTED:
        page = case_chronology(
            actor=reading.actor,
            case=reading.case,
            kinds=kinds,
            cursor=cursor,
            limit=MAX_LIMIT,
            newest_first=False,
            parties=reading.parties,
        )
        entries.extend(page.entries)
        cursor = page.next_cursor
        more = cursor is not None
        if not more:
            break
    reading.name(entry.party.id for entry in entries if entry.party is not None)
    return SummarySection(
        "chronology",
        "Chronology",
        {
            "entries": entries,
            "more": more,
            "kinds": sorted(str(ChronologyKind(kind).label) for kind in kinds) if kinds else None,
        },
    )


BUILDERS: dict[str, Callable[[_Reading], SummarySection | None]] = {
    "case": _case,
    "people": _people,
    "children": _children,
    "risk": _risk,
    "strategy": _strategy,
    "referrals": _referrals,
    "actions": _actions,
    "offences": _offences,
    "investigation": _investigation,
    "material": _material,
    "activist": _activist,
    "decisions": _decisions,
    "outcomes": _outcomes,
    "chronology": _chronology,
}


def case_summary_read(*, actor: User, case: Case, purpose: SummaryPurpose) -> CaseSummary:
    """The sections of the summary for `purpose` that `actor` may see, of a case
    already read through `case_get_for_actor`. The parties named are logged as a list
    of the case's parties, as the tabs log the people they show. AccessDenied for a
    reader who may not print the case's summary (each section is then read through
    its own scoped selector)."""
    access.require(actor, "records.case_summary.print", case)
    reading = _Reading(actor, case, purpose)
    sections = []
    for key in PURPOSE_SECTIONS[purpose]:
        section = BUILDERS[key](reading)
        if section is not None:
            sections.append(section)
    named = list(reading.named.values())
    case_selectors.party_list_logged(actor=actor, case=case, parties=named)
    return CaseSummary(case=case, purpose=purpose, sections=sections, named_parties=named)
