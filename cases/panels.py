"""Sections that the apps above cases add to the case page (risk, flags, strategy
discussions; later victim updates and welfare). Each app registers a provider in
its AppConfig.ready(); the provider answers the sections the reader may see, each
a template and its context. cases knows nothing of what they hold."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CasePanel:
    anchor: str  # the section's id on the page, for the contents list
    title: str
    template: str
    context: dict = field(default_factory=dict)
    # Panels about immediate risk sit above the people; the rest after the decisions.
    prominent: bool = False


_providers: list[tuple[str, Callable]] = []


def case_panel_register(name: str, provider: Callable) -> None:
    """`provider(actor, case)` returns a list of CasePanel (empty when none apply)."""
    if all(existing != name for existing, _ in _providers):
        _providers.append((name, provider))


def case_panels(actor, case) -> list[CasePanel]:
    panels: list[CasePanel] = []
    for _, provider in _providers:
        panels.extend(provider(actor, case))
    return panels
