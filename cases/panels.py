"""The registry of sections that the apps above cases add to the case page (risk,
flags, strategy discussions, victim updates and welfare). Each app keeps its
providers in `<app>/case_panels.py` (or a `<app>/case_panels/` package, one module
per panel) and registers them in its AppConfig.ready(); a provider answers the
sections the reader may see, each a template and its context. cases knows nothing
of what they hold. The page renders them with the `case_panel_tags` library.

A provider that takes a third argument, `reads`, is given the page's `CasePageReads`:
what the page has read already (the parties the reader may see) and what another
panel has (welfare's duties), so that each is read once for the whole page."""

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
    # Panels about immediate risk sit above the people; the rest after the decisions.
    prominent: bool = False


class CasePageReads:
    """What the case page reads once and its panels share. `parties`: the parties of
    the case the reader may see, as `selectors.party_list` reads them (in its order,
    with each person and whom they are related to), read by the page or else by the
    first panel that asks. `once(key, read)`: a read more than one panel needs, made
    by the first that asks; `key` names it, prefixed by the app that reads it."""

    def __init__(self, *, actor: User, case: Case, parties: list[CaseParty] | None = None):
        self.actor = actor
        self.case = case
        self._shared: dict[str, Any] = {}
        if parties is not None:
            self.__dict__["parties"] = parties

    @cached_property
    def parties(self) -> list[CaseParty]:
        return list(party_list(actor=self.actor, case=self.case))

    def once(self, key: str, read: Callable[[], _T]) -> _T:
        if key not in self._shared:
            self._shared[key] = read()
        return self._shared[key]


# `provider(actor, case)`, or `provider(actor, case, reads)` to share the page's reads.
PanelProvider = Callable[..., list[CasePanel]]

_providers: list[tuple[str, PanelProvider, bool]] = []


def case_panel_register(name: str, provider: PanelProvider) -> None:
    """`provider(actor, case)` returns a list of CasePanel (empty when none apply); a
    provider with a parameter named `reads` is also given the page's CasePageReads."""
    takes_reads = "reads" in inspect.signature(provider).parameters
    if all(existing != name for existing, _, _ in _providers):
        _providers.append((name, provider, takes_reads))


def case_panels(actor: User, case: Case, reads: CasePageReads | None = None) -> list[CasePanel]:
    reads = reads if reads is not None else CasePageReads(actor=actor, case=case)
    panels: list[CasePanel] = []
    for _, provider, takes_reads in _providers:
        panels.extend(provider(actor, case, reads) if takes_reads else provider(actor, case))
    return panels
