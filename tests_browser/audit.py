"""What every journey page is checked for, at 1280 and at 375 CSS pixels wide:

- axe-core (WCAG 2.0, 2.1 and 2.2, A and AA, and axe's best practices): no serious or
  critical violation; no moderate one unless ALLOWED_MODERATE lists it with its reason;
- reflow (WCAG 1.4.10): the document is no wider than the window (a wide table may
  scroll inside its own .tl-table-scroll region, which does not widen the page);

and a full-page screenshot of each, var/screenshots/<persona>-<step>-<width>.png, for
a reviewer to look at without running anything (CI keeps var/screenshots/)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "screenshots"
WIDTHS = (1280, 375)
HEIGHT = 900
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("critical", "serious")


@dataclass(frozen=True)
class Allowed:
    """A moderate axe violation accepted, and why: its rule, on the pages whose
    "<persona>-<step>" the regular expression `pages` matches, for the elements whose
    axe selector contains `element` (any element when empty)."""

    rule: str
    reason: str
    pages: str = ".*"
    element: str = ""

    def covers(self, rule: str, where: str, node: dict) -> bool:
        target = " ".join(map(str, node["target"]))
        return (
            rule == self.rule
            and re.fullmatch(self.pages, where) is not None
            and self.element in target
        )


# Moderate violations accepted, each with its reason. Serious and critical ones are
# never listed here: they fail the journey.
ALLOWED_MODERATE: tuple[Allowed, ...] = (
    Allowed(
        rule="region",
        element=".govuk-back-link",
        reason=(
            "GOV.UK Design System: the back link goes at the top of the page, before "
            "<main>, so that 'Skip to main content' skips it with the navigation "
            "(design-system.service.gov.uk/components/back-link)."
        ),
    ),
)


# Elements wider than the window, outside any region that scrolls on its own: named in
# a reflow failure so that it says what to fix.
_OVERFLOWING = """width => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.tl-table-scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
        + (el.className && typeof el.className === 'string'
           ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      found.push(name + ' (right edge at ' + Math.round(box.right) + ' px)');
    }
  }
  return found.slice(-3);
}"""


@dataclass
class Audit:
    """The checks of one journey: each `check` adds what failed on that page, and the
    journey ends with `assert_clean`, so that one bad page does not hide the next."""

    page: Page
    persona: str
    problems: list[str] = field(default_factory=list)
    allowed: list[str] = field(default_factory=list)
    screenshots: list[Path] = field(default_factory=list)

    def check(self, step: str) -> None:
        where = f"{self.persona}-{step}"
        # A click returns once the next page has answered, before it has loaded.
        self.page.wait_for_load_state()
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": HEIGHT})
            self._reflow(where, width)
            self._axe(where, width)
            path = SCREENSHOTS / f"{where}-{width}.png"
            self.page.screenshot(path=str(path), full_page=True)
            self.screenshots.append(path)
        self.page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})

    def _reflow(self, where: str, width: int) -> None:
        scroll_width = self.page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            culprits = ", ".join(self.page.evaluate(_OVERFLOWING, width))
            self.problems.append(
                f"{where}-{width} {self.page.url}: horizontal scroll, the page is "
                f"{scroll_width} px wide in a {width} px window ({culprits})"
            )

    def _axe(self, where: str, width: int) -> None:
        if not self.page.evaluate("typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE))
        # Violations only: building the passes and the incomplete results doubles the
        # time axe takes on a long page.
        result = self.page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
            " resultTypes: ['violations']})",
            AXE_TAGS,
        )
        for violation in result["violations"]:
            impact = violation["impact"]
            if impact not in (*BLOCKING, "moderate"):
                continue
            # No serious or critical violation is allowed on a journey page, not even
            # GOV.UK Frontend's conditional reveal (aria-expanded on a radio): the
            # welfare check asks its follow-on questions without one (issue 18).
            nodes = violation["nodes"]
            allowed = [
                n
                for n in nodes
                if impact == "moderate"
                and any(a.covers(violation["id"], where, n) for a in ALLOWED_MODERATE)
            ]
            if allowed:
                self.allowed.append(self._line(where, width, violation, allowed))
            refused = [n for n in nodes if n not in allowed]
            if refused:
                self.problems.append(self._line(where, width, violation, refused))

    def _line(self, where: str, width: int, violation: dict, nodes: list[dict]) -> str:
        targets = "; ".join(" ".join(map(str, n["target"])) for n in nodes[:3])
        return (
            f"{where}-{width} {self.page.url}: axe {violation['id']} ({violation['impact']}, "
            f"{len(nodes)} element{'s' if len(nodes) > 1 else ''}): {violation['help']}: "
            f"{targets}"
        )

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(
            [f"{len(self.problems)} problem(s) on {self.persona}'s journey:", *self.problems]
        )
