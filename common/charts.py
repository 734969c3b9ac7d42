"""What the report pages' bar charts share. They are drawn on the server as SVG (the
CSP allows neither scripts for them nor inline styles), in GOV.UK's colours, laid
out here from top to bottom and drawn by one template (includes/chart_figure.html).

SVG text does not wrap and the server cannot measure it, so its width is estimated
(a little generously, see `text_width`) and the layout keeps every text inside the
chart: a label too long for the chart is wrapped onto more lines, and a bar's value
is written after the bar on the track where it fits, else inside the bar's end, in
white. (Before issue 18 the value always followed the bar, so a long bar's value ran
past the end of its track.) A figure withheld to protect small numbers draws no bar:
the words say that it is withheld and why, in its place."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

# The charts' geometry, in SVG user units; each SVG scales to the page's width.
CHART_WIDTH = 720
BAR_MAX = 560
# Drawn again for a narrow screen: at 320 CSS pixels its text is still 14 px or so.
NARROW_WIDTH = 320
NARROW_BAR_MAX = 280
BAR_HEIGHT = 22
FONT_SIZE = 16
LINE_HEIGHT = 20
# Between a bar (or its value) and the text around it; between one row and the next.
GAP = 8
ROW_GAP = 10
# GOV.UK blue on white: 5.2:1, above the 3:1 WCAG asks of graphical objects; white
# text on it is 5.2:1 too, above the 4.5:1 asked of text.
BAR_COLOUR = "#1d70b8"
TRACK_COLOUR = "#f3f2f1"
TEXT_COLOUR = "#0b0c0c"
TEXT_ON_BAR_COLOUR = "#ffffff"

# Arial's advance widths at FONT_SIZE units, by kind of character, rounded up (bold
# is wider still, so a bold text is counted 10% wider). An over-estimate only moves
# a value inside its bar a little early or wraps a label a word early; an
# under-estimate would let the text run out of the chart.
_NARROW = set(" .,:;'!|()[]ijlftrI-")
_WIDE = set("mwMW%@")


def text_width(text: str, *, bold: bool = False) -> int:
    """The estimated width of `text` in user units."""
    units = 0.0
    for character in text:
        if character in _NARROW:
            units += 0.34
        elif character in _WIDE:
            units += 0.9
        elif character.isupper():
            units += 0.72
        else:
            units += 0.58
    width = units * FONT_SIZE * (1.1 if bold else 1.0)
    return int(width) + 1


def wrap(text: str, *, width: int = CHART_WIDTH, bold: bool = False) -> list[str]:
    """`text` in lines no wider than `width`, broken between words (a single word
    longer than the line keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", bold=bold) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class TextLine:
    y: int
    text: str


@dataclass(frozen=True)
class ChartText:
    """A label, or the words standing in for a withheld bar: one or more lines."""

    lines: list[TextLine]
    bold: bool = False
    label: bool = True
    kind: Literal["text"] = "text"


@dataclass(frozen=True)
class ChartBar:
    """A track `bar_max` long, the bar over it, and its value in words, placed where
    it stays inside the track (`value_anchor` "end": inside the bar's end)."""

    y: int
    width: int
    colour: str
    value: str
    value_x: int
    value_y: int
    value_anchor: Literal["start", "end"]
    value_colour: str
    kind: Literal["bar"] = "bar"


@dataclass
class ChartLayout:
    """A chart built from the top down: labels, bars and withheld notes, each below
    the last. `items` and `height` are what the template draws."""

    bar_max: int = BAR_MAX
    width: int = CHART_WIDTH
    items: list[ChartText | ChartBar] = field(default_factory=list)
    height: int = 0

    def label(self, text: str, *, bold: bool = False) -> None:
        """A label for what follows; below a bar or withheld words, after a gap, so
        that each row reads apart from the last."""
        if self.items and not (isinstance(self.items[-1], ChartText) and self.items[-1].label):
            self.height += ROW_GAP
        self._text(text, bold=bold, label=True)

    def bar(self, *, fraction: Decimal | float, value: str, colour: str = BAR_COLOUR) -> None:
        """A bar `fraction` (0 to 1) of the track long, with `value` in words."""
        fraction = min(max(float(fraction), 0.0), 1.0)
        width = round(self.bar_max * fraction)
        top = self.height + 4
        value_width = text_width(value, bold=True)
        x, anchor, text_colour, below = width + GAP, "start", TEXT_COLOUR, False
        if width + GAP + value_width <= self.bar_max:
            pass  # after the bar, on the track
        elif value_width + 2 * GAP <= width:
            x, anchor, text_colour = width - GAP, "end", TEXT_ON_BAR_COLOUR
        elif self.bar_max + GAP + value_width <= self.width:
            # Neither on the track nor in the bar (a long value on a middling bar):
            # after the track, in the room the chart keeps beside it.
            x = self.bar_max + GAP
        else:
            # A narrow chart keeps no room beside the track: on a line of its own.
            x, below = 0, True
        self.items.append(
            ChartBar(
                y=top,
                width=width,
                colour=colour,
                value=value,
                value_x=x,
                value_y=top + BAR_HEIGHT + LINE_HEIGHT - 2 if below else top + BAR_HEIGHT - 6,
                value_anchor=anchor,  # type: ignore[arg-type]  # "start" or "end"
                value_colour=text_colour,
            )
        )
        self.height = top + BAR_HEIGHT + (LINE_HEIGHT if below else 0) + 4

    def withheld(self, words: str) -> None:
        """In place of a bar: no track (an empty track reads as a zero or as a broken
        chart), only the words."""
        self._text(words, bold=True, label=False)

    def space(self, units: int) -> None:
        self.height += units

    def _text(self, text: str, *, bold: bool, label: bool) -> None:
        lines = []
        for line in wrap(text, width=self.width, bold=bold):
            self.height += LINE_HEIGHT
            lines.append(TextLine(y=self.height - 4, text=line))
        self.items.append(ChartText(lines=lines, bold=bold, label=label))


def _drawing(layout: ChartLayout) -> dict[str, Any]:
    return {
        "width": layout.width,
        "height": layout.height,
        "bar_max": layout.bar_max,
        "items": layout.items,
    }


def chart_frame(*, draw: Callable[[ChartLayout], None], **more: Any) -> dict[str, Any]:
    """What the chart template draws: `draw` lays the chart out twice, for a wide
    screen and for a narrow one (where the wide drawing would shrink its text past
    reading); the page shows the one that fits (static/scss/_charts.scss)."""
    wide, narrow = ChartLayout(), ChartLayout(width=NARROW_WIDTH, bar_max=NARROW_BAR_MAX)
    draw(wide)
    draw(narrow)
    return {
        "drawings": [
            {"size": "wide", **_drawing(wide)},
            {"size": "narrow", **_drawing(narrow)},
        ],
        "bar_height": BAR_HEIGHT,
        "track_colour": TRACK_COLOUR,
        "text_colour": TEXT_COLOUR,
        **more,
    }
