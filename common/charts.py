"""What the report pages' bar charts share. They are drawn on the server as SVG (the
CSP allows neither scripts for them nor inline styles), in GOV.UK's colours, and a
chart of one bar a row places each row the same way."""

from dataclasses import dataclass
from typing import Any, Self

# The charts' geometry, in SVG user units; each SVG scales to the page's width.
CHART_WIDTH = 720
ROW_HEIGHT = 56
# GOV.UK blue on white: 5.2:1, above the 3:1 WCAG asks of graphical objects.
BAR_COLOUR = "#1d70b8"
TRACK_COLOUR = "#f3f2f1"
TEXT_COLOUR = "#0b0c0c"


def chart_frame(*, bar_max: int, **more: Any) -> dict[str, Any]:
    """What a page's template draws its charts with: the width, the length of a full
    bar's track, the colours, and whatever else the page's charts need."""
    return {
        "width": CHART_WIDTH,
        "bar_max": bar_max,
        "bar_colour": BAR_COLOUR,
        "track_colour": TRACK_COLOUR,
        "text_colour": TEXT_COLOUR,
        **more,
    }


@dataclass(frozen=True)
class BarRow:
    """One row of a chart of one bar a row: its label, the bar below the label, and
    the bar's value in words beside it."""

    label: str
    label_y: int
    bar_y: int
    width: int
    value_x: int
    value_y: int

    @classmethod
    def at(cls, index: int, *, width: int, **fields: Any) -> Self:
        """The row `index` (from 0), with a bar `width` long."""
        top = index * ROW_HEIGHT
        return cls(
            label_y=top + 18,
            bar_y=top + 26,
            width=width,
            value_x=width + 8,
            value_y=top + 42,
            **fields,
        )
