"""The registry of columns that the apps above cases add to the case list (the shared
risk level, the next duty due), as `cases.panels` is for the case page: cases knows
nothing of what they hold. Each app registers a provider in its AppConfig.ready();
given the reader and the cases on one page, a provider answers its column (None when
the reader may not see it, and then the column is not shown at all).

A provider reads what it shows for the page's cases in one query over their ids,
whatever the number of cases, and logs what it shows (the access log) when that is
personal data. It never orders or filters the list: the list's order is an index's
(ADR 0013), and a value read after the page is chosen cannot order it."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User

from cases.models import Case


@dataclass(frozen=True)
class CaseListColumn:
    heading: str
    # Renders one cell's content, with `value` (the case's entry in `values`, or
    # None when the case has none) and `case` in its context.
    template: str
    values: dict[UUID, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseListCell:
    column: CaseListColumn
    value: Any


ColumnProvider = Callable[[User, list[Case]], CaseListColumn | None]

_providers: list[tuple[int, str, ColumnProvider]] = []


def case_list_column_register(name: str, provider: ColumnProvider, *, position: int) -> None:
    """`provider(actor, cases)`: the column for these cases, or None. Columns show in
    the order of `position` (after the case's reference and status)."""
    if all(existing != name for _, existing, _ in _providers):
        _providers.append((position, name, provider))
        _providers.sort(key=lambda entry: entry[0])


def case_list_columns(actor: User, cases: list[Case]) -> list[CaseListColumn]:
    """The columns the reader may see, for these cases; each case is given `.cells`,
    its value in each column in the same order, for the template."""
    columns = [
        column for _, _, provider in _providers if (column := provider(actor, cases)) is not None
    ]
    for case in cases:
        case.cells = [  # type: ignore[attr-defined]
            CaseListCell(column, column.values.get(case.pk)) for column in columns
        ]
    return columns
