"""Disclosure control for published statistics: a count as a published Figure, and
which counts to suppress so that the figures can be published.

* Primary suppression. A count from 1 to 4 is not published: it reads "fewer than
  5". A count of 0 is published as 0, as statistical disclosure practice does (a
  zero names no one). Counts of 5 and more are published.
* Secondary suppression. Counts are published in tables of a total and the parts
  that make it up (suspects = screened + not screened; screened = at risk or
  unknown + not at risk; at risk or unknown = at risk + unknown only; checks due =
  on time + late + missed + not yet due; incidents = the stages, and again the
  kinds). Where exactly one member of such a table is suppressed, it could be
  worked out by subtraction, so one more part is withheld: the smallest part that
  is not 0 (a withheld 0 would only hide a count up to the total), else the
  smallest part, else the total. This is repeated until no table has exactly one
  member suppressed. A part withheld this way reads "withheld", not "fewer than 5",
  because it may be any number.
* Shares (percentages) are published only when both their count and the count they
  are a share of are published; with nothing to divide by there is no share.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

SUPPRESSION_THRESHOLD = 5
FEWER_THAN = f"fewer than {SUPPRESSION_THRESHOLD}"
WITHHELD = "withheld"


@dataclass(frozen=True)
class Figure:
    """One published count. `value` is None when it is suppressed; `display` is
    what to print in its place. A share is a percentage of `share_of`, published
    only when both counts are."""

    key: str
    label: str
    value: int | None
    display: str
    suppressed: bool = False
    share: Decimal | None = None
    share_display: str = ""


def _share(count: int, total: int) -> Decimal:
    return (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def suppress(counts: dict[str, int], tables: list[tuple[str, list[str]]]) -> dict[str, str]:
    """Which counts to suppress, and how: {key: "primary" | "secondary"}.

    `tables` are (total, parts) with total == sum(parts), over the keys of `counts`.
    Primary: 1 to 4. Secondary: until no table has exactly one suppressed member, hide
    one more part of such a table (the smallest non-zero part, else the smallest
    part, else its total). Ties go to the part listed first."""
    hidden = {key: "primary" for key, count in counts.items() if 0 < count < SUPPRESSION_THRESHOLD}
    changed = True
    while changed:
        changed = False
        for total, parts in tables:
            members = [total, *parts]
            if sum(member in hidden for member in members) != 1:
                continue
            shown = [part for part in parts if part not in hidden]
            non_zero = [part for part in shown if counts[part]]
            candidates = non_zero or shown
            if candidates:
                chosen = min(candidates, key=lambda part: (counts[part], parts.index(part)))
            else:
                chosen = total
            hidden[chosen] = "secondary"
            changed = True
    return hidden


def _figures(
    counts: dict[str, int],
    labels: dict[str, str],
    tables: list[tuple[str, list[str]]],
    shares: dict[str, str],
) -> dict[str, Figure]:
    """Every count as a published Figure; `shares` maps a key to the key it is a
    share of."""
    hidden = suppress(counts, tables)
    figures: dict[str, Figure] = {}
    for key, count in counts.items():
        how = hidden.get(key)
        figures[key] = Figure(
            key=key,
            label=labels[key],
            value=None if how else count,
            display=FEWER_THAN if how == "primary" else WITHHELD if how else str(count),
            suppressed=bool(how),
        )
    for key, of in shares.items():
        if not counts[of]:
            continue  # nothing to divide by: no share
        if key in hidden or of in hidden:
            figures[key] = replace(figures[key], share_display=WITHHELD)
        else:
            share = _share(counts[key], counts[of])
            figures[key] = replace(figures[key], share=share, share_display=f"{share}%")
    return figures
