"""The case page's tabs (issue 18): the summary at /cases/<id>/ and one sub-page per
part of the case, each a real page (they work without JavaScript and each reads only
what it shows), with a secondary navigation that looks like tabs.

Every section of the case page lives on one tab. A link to a section (a form's way
back, a notification, the calendar) goes to the tab that shows it, at the section:
`case_section_url(case_id, "contacts")`. The apps above cases link by section name
only; which tab holds a section is decided here, once."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class CaseTab:
    slug: str  # the sub-page's path segment; "summary" is the case page itself
    title: str
    url_name: str


TABS: tuple[CaseTab, ...] = (
    CaseTab("summary", "Summary", "case-detail"),
    CaseTab("parties", "People", "case-parties"),
    CaseTab("contacts", "Contacts", "case-contacts"),
    CaseTab("risk", "Risk", "case-risk"),
    CaseTab("strategy", "Strategy", "case-strategy"),
    CaseTab("referrals", "Referrals", "case-referrals"),
    CaseTab("events", "Investigation", "case-events"),
    CaseTab("welfare", "Welfare", "case-welfare"),
    CaseTab("documents", "Documents", "case-documents"),
    CaseTab("chronology", "Chronology", "case-chronology"),
    CaseTab("history", "History", "case-history"),
)
TAB_BY_SLUG = {tab.slug: tab for tab in TABS}

# Each section's id (its anchor) -> the tab that shows it. A section the map does not
# name is on the summary: a link to it still lands on the case.
SECTION_TAB: dict[str, str] = {
    "summary": "summary",
    "tasks": "summary",
    "parties": "parties",
    "contacts": "contacts",
    "decisions": "contacts",
    "risk": "risk",
    "flags": "risk",
    "concerns": "risk",
    "strategy-discussions": "strategy",
    "referrals": "referrals",
    "agencies-involved": "referrals",
    "offences": "events",
    "events": "events",
    "outcomes": "events",
    "material": "events",
    "activist-evidence": "events",
    "welfare": "welfare",
    "children-in-household": "welfare",
    "victims-code": "welfare",
    "family-support": "welfare",
    "suspect-welfare": "welfare",
    "right-to-review": "welfare",
    "documents": "documents",
    "chronology": "chronology",
    "history": "history",
}
# Sections named after one record (`party-<id>`, `decision-<id>`): the prefix decides.
PREFIX_TAB = {"party-": "parties", "decision-": "contacts", "flag-": "risk"}


def section_tab(section: str) -> CaseTab:
    slug = SECTION_TAB.get(section)
    if slug is None:
        slug = next(
            (tab for prefix, tab in PREFIX_TAB.items() if section.startswith(prefix)), "summary"
        )
    return TAB_BY_SLUG[slug]


def case_tab_url(case_id: Any, slug: str) -> str:
    return reverse(TAB_BY_SLUG[slug].url_name, args=[case_id])


def case_section_url(case_id: Any, section: str = "") -> str:
    """The page of the case that shows `section`, at the section: `/cases/<id>/contacts/#contacts`.
    The summary is the case page itself; no section, the summary at its top."""
    if not section:
        return reverse("case-detail", args=[case_id])
    return f"{reverse(section_tab(section).url_name, args=[case_id])}#{section}"
