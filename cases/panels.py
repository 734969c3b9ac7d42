"""The registry of sections that the apps above cases add to the case page (risk,
flags, strategy discussions, victim updates and welfare). Each app keeps its
providers in `<app>/case_panels.py` (or a `<app>/case_panels/` package, one module
per panel) and registers them in its AppConfig.ready(); a provider answers the
sections the reader may see, each a template and its context. cases knows nothing
of what they hold. The page renders them with the `case_panel_tags` library."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User

from cases.models import Case


@dataclass(frozen=True)
class CasePanel:
    anchor: str  # the section's id on the page, for the contents list
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    # Panels about immediate risk sit above the people; the rest after the decisions.
    prominent: bool = False


PanelProvider = Callable[[User, Case], list[CasePanel]]

_providers: list[tuple[str, PanelProvider]] = []


def case_panel_register(name: str, provider: PanelProvider) -> None:
    """`provider(actor, case)` returns a list of CasePanel (empty when none apply)."""
    if all(existing != name for existing, _ in _providers):
        _providers.append((name, provider))


def case_panels(actor: User, case: Case) -> list[CasePanel]:
    panels: list[CasePanel] = []
    for _, provider in _providers:
        panels.extend(provider(actor, case))
    return panels
