"""The registry of sections that the apps above cases add to the case page (risk,
flags, strategy discussions, victim updates and welfare). Each app keeps its
providers in `<app>/case_panels.py` (or a `<app>/case_panels/` package, one module
per panel) and registers them in its AppConfig.ready(); a provider answers the
sections the reader may see, each a template and its context. cases knows nothing
of what they hold. The page renders them with the `case_panel_tags` library.

A provider that takes a third argument, `reads`, is given the page's `CasePageReads`:
what the page has read already (the parties the reader may see) and what another
panel has (welfare's duties), so that each is read once for the whole page.

The case page is a summary and sub-pages (cases.case_tabs, issue 18): each page asks
only the providers of its own tab, so that it reads only what it shows. A provider
says on which tabs it shows with `@case_tab("risk")`; the tab `"facts"` is the
key-facts header above every tab (a provider answers a fact as a CasePanel whose
template is one row of the header's list, placed by `order`). A provider on more than
one tab reads `reads.tab` to answer the one asked."""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from django.contrib.auth.models import User

from cases.models import Case, CaseParty
from cases.selectors import party_list

_T = TypeVar("_T")


@dataclass(frozen=True)
class CasePanel:
    anchor: str  # the section's id on the page, for the contents list
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Panels about immediate risk come first on their tab.
    prominent: bool = False
    # The place of a key fact in the header (the "facts" tab), smallest first.
    order: int = 50


# The key-facts header above every tab: not a page of its own.
FACTS = "facts"


class CasePageReads:
    """What the case page reads once and its panels share. `parties`: the parties of
    the case the reader may see, as `selectors.party_list` reads them (in its order,
    with each person and whom they are related to), read by the page or else by the
    first panel that asks. `once(key, read)`: a read more than one panel needs, made
    by the first that asks; `key` names it, prefixed by the app that reads it."""

    def __init__(
        self,
        *,
        actor: User,
        case: Case,
        parties: list[CaseParty] | None = None,
        tab: str = "summary",
    ):
        self.actor = actor
        self.case = case
        # The tab being asked for: a provider on several tabs answers this one.
        self.tab = tab
        self._shared: dict[str, Any] = {}
        if parties is not None:
            self.__dict__["parties"] = parties

    @cached_property
    def parties(self) -> list[CaseParty]:
        return list(party_list(actor=self.actor, case=self.case))

    def already(self, key: str) -> Any:
        """What `once(key, ...)` read already on this page, else None: for a key fact
        that can be had from a tab's read without reading again."""
        return self._shared.get(key)

    def once(self, key: str, read: Callable[[], _T]) -> _T:
        if key not in self._shared:
            self._shared[key] = read()
        return self._shared[key]


# `provider(actor, case)`, or `provider(actor, case, reads)` to share the page's reads.
PanelProvider = Callable[..., list[CasePanel]]
_P = TypeVar("_P", bound=Callable[..., Any])

_providers: list[tuple[str, PanelProvider, bool]] = []


def case_tab(*tabs: str) -> Callable[[_P], _P]:
    """Declare the tabs (cases.case_tabs slugs, or FACTS) on which a provider shows."""

    def declare(provider: _P) -> _P:
        provider.case_tabs = frozenset(tabs)  # type: ignore[attr-defined]
        return provider

    return declare


def provider_tabs(provider: PanelProvider) -> frozenset[str]:
    # A provider that does not say shows on the summary, as it did on the one page.
    return getattr(provider, "case_tabs", frozenset({"summary"}))


def case_panel_register(name: str, provider: PanelProvider) -> None:
    """`provider(actor, case)` returns a list of CasePanel (empty when none apply); a
    provider with a parameter named `reads` is also given the page's CasePageReads."""
    takes_reads = "reads" in inspect.signature(provider).parameters
    if all(existing != name for existing, _, _ in _providers):
        _providers.append((name, provider, takes_reads))


def case_panels(
    actor: User, case: Case, reads: CasePageReads | None = None, *, tab: str | None = None
) -> list[CasePanel]:
    """The panels of one tab (`tab`, else the reads' tab), from its providers only."""
    reads = reads if reads is not None else CasePageReads(actor=actor, case=case)
    tab = tab or reads.tab
    page_tab, reads.tab = reads.tab, tab
    panels: list[CasePanel] = []
    try:
        for _, provider, takes_reads in _providers:
            if tab not in provider_tabs(provider):
                continue
            panels.extend(provider(actor, case, reads) if takes_reads else provider(actor, case))
    finally:
        reads.tab = page_tab
    if tab == FACTS:
        panels.sort(key=lambda panel: panel.order)
    return panels
