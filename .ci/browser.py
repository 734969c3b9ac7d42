"""Tideline's pages in a real browser: Debian's chromium driven by Playwright, as
several demo users, each page checked by axe-core against WCAG 2.2 A and AA and for
reflow at 320 CSS pixels (WCAG 1.4.10: no page wider than the window; a data table
may scroll inside its own container, which does not widen the page).

    .venv/bin/python .ci/browser.py http://127.0.0.1:8000

The server must serve the seeded demo. Each user signs in once through the sign-in
pages (a TOTP code is accepted once per person), then visits the home page, every
link of the navigation and the home page's own links (the footer's too), the other
pages of each menu item (its section's navigation) and the reports the Reports page
lists, and the first case of their case list with the links of that case page, and
the first item of the intake queue with its links, up to PAGES_PER_USER pages. Nothing is
submitted: the checks read pages, they never change the demo. Exits 1 listing each
page and what failed on it."""

import sys
import time
from pathlib import Path
from urllib.parse import urljoin, urlparse

from playwright.sync_api import Page, sync_playwright

# The sign-in is the journeys' (tests_browser/signin.py): one helper that remembers the
# time step each user last signed in with, so that the journeys, which run next, never
# send a code this walk has just spent (a spent code is refused and counts towards the
# lockout).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests_browser.signin import sign_in

USERS = (
    "officer.north",
    "investigator.north",
    "supervisor.north",
    "coordinator.mash",
    "social.worker",
    "caseworker.harbour",
    "records.north",
)
# Menu items whose pages are queues: the first record of each is walked too (issue 19:
# a case's retention record, a subject access request).
QUEUES = ("/retention/", "/subject-access-requests/")
PAGES_PER_USER = 48
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
# Links that act rather than show, or leave the HTML pages.
SKIP = ("/sign-out", "/api/", "/static/", ".ics", ".pdf", "/download", "/documents/")


def links_of(page: Page, base: str, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    found = []
    for href in hrefs:
        if not href or href.startswith(("#", "mailto:", "tel:")):
            continue
        url = urljoin(page.url, href).split("#")[0]
        if urlparse(url).netloc != urlparse(base).netloc or any(s in url for s in SKIP):
            continue
        found.append(url)
    return found


def _known_upstream(violation: dict, node: dict) -> bool:
    """GOV.UK Frontend's conditional reveal sets aria-expanded on the radio or checkbox
    that reveals: invalid for those roles, kept on purpose because screen readers
    announce it (a documented known issue, alphagov/govuk-frontend#979). Only that."""
    return (
        violation["id"] == "aria-allowed-attr"
        and 'aria-expanded="' in node["failureSummary"]
        and node["failureSummary"].count("aria-") == 1
        and ("govuk-radios__input" in node["html"] or "govuk-checkboxes__input" in node["html"])
    )


def check(page: Page, url: str) -> list[str]:
    response = page.goto(url)
    if response is None or response.status >= 400:
        return [f"answered {response.status if response else 'nothing'}"]
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        problems.append(f"reflow: the page is {width} px wide in a 320 px window")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    for violation in result["violations"]:
        violation["nodes"] = [n for n in violation["nodes"] if not _known_upstream(violation, n)]
        if not violation["nodes"]:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
        problems.append(f"axe {violation['id']} ({violation['impact']}): {targets}")
    return problems


def visit_as(browser, base: str, username: str) -> tuple[int, dict[str, list[str]]]:
    # bypass_csp: the pages allow only their own scripts; axe-core is injected.
    context = browser.new_context(viewport={"width": 320, "height": 800}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, base, username)
    queue = [f"{base}/"]
    page.goto(f"{base}/")
    queue += links_of(page, base, "header a, nav a, main a, footer a")
    # A menu item may group pages (issue 18): the others are one click further, in its
    # section's navigation; the reports are one click past the Reports page.
    for item in links_of(page, base, "#navigation a"):
        page.goto(item)
        queue += links_of(page, base, "nav.tl-section-nav a")
        if urlparse(item).path == "/reports/":
            queue += links_of(page, base, "main a")
        if urlparse(item).path in QUEUES:
            queue += links_of(page, base, "main a")[:3]
    page.goto(f"{base}/cases/")
    cases = [u for u in links_of(page, base, "main a") if urlparse(u).path.count("/") == 3]
    if cases:
        queue.append(cases[0])
        page.goto(cases[0])
        queue += links_of(page, base, "main a")
    # The intake queue's first item (the most urgent), and the pages it links to.
    if f"{base}/intake/" in queue:
        page.goto(f"{base}/intake/")
        items = [u for u in links_of(page, base, "main a") if "/intake/items/" in u]
        if items:
            queue.append(items[0])
            page.goto(items[0])
            queue += links_of(page, base, "main a")
    seen: list[str] = []
    failures: dict[str, list[str]] = {}
    for url in queue:
        path = urlparse(url).path
        # One page of each shape: /cases/<id>/ once, not once per case.
        shape = "/".join("*" if len(part) == 36 else part for part in path.split("/"))
        if shape in seen:
            continue
        seen.append(shape)
        problems = check(page, url)
        if problems:
            failures[f"{username} {path}"] = problems
        if len(seen) >= PAGES_PER_USER:
            break
    context.close()
    return len(seen), failures


def main(base: str) -> int:
    started = time.monotonic()
    failures: dict[str, list[str]] = {}
    pages = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        for username in USERS:
            seen, failed = visit_as(browser, base, username)
            pages += seen
            failures.update(failed)
        browser.close()
    for where, problems in failures.items():
        print(where)
        for problem in problems:
            print(f"  {problem}")
    print(
        f"{pages} pages as {len(USERS)} users, {len(failures)} with problems, "
        f"in {time.monotonic() - started:.0f} s"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000"))
