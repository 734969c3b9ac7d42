"""The journeys run against a served, seeded demo (`make demo`, or the server of
.ci/run's browser step), in Debian's chromium driven by Playwright:

    .venv/bin/pytest -p no:xdist tests_browser --base-url http://127.0.0.1:8000

(or TIDELINE_BASE_URL in the environment). They submit forms, so they change the
demo's data: run them on a freshly seeded demo (`make seed`)."""

import os
import time
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests_browser.audit import ALLOWED_MODERATE, HEIGHT, SCREENSHOTS, WIDTHS, Audit
from tests_browser.signin import sign_in

CHROMIUM = "/usr/bin/chromium"
_written: list[str] = []
_allowed: list[str] = []
_started = pytest.StashKey[float]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--base-url",
        default=os.environ.get("TIDELINE_BASE_URL", "http://127.0.0.1:8000"),
        help="the served demo (default: $TIDELINE_BASE_URL, else http://127.0.0.1:8000)",
    )


@pytest.fixture(scope="session")
def base_url(pytestconfig: pytest.Config) -> str:
    return str(pytestconfig.getoption("base_url")).rstrip("/")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        yield browser
        browser.close()


@pytest.fixture
def journey(
    browser: Browser, base_url: str, request: pytest.FixtureRequest
) -> Iterator[Callable[..., tuple[Page, Audit]]]:
    """journey(username, persona): a new browser session signed in as `username`,
    and the Audit that checks its pages under the name `persona`. With
    check_sign_in=True the two sign-in pages are checked too."""
    audits: list[Audit] = []
    contexts = []

    def start(username: str, persona: str, check_sign_in: bool = False) -> tuple[Page, Audit]:
        # bypass_csp: the pages allow only their own scripts; axe-core is injected.
        context = browser.new_context(
            viewport={"width": WIDTHS[0], "height": HEIGHT}, bypass_csp=True
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        audit = Audit(page=page, persona=persona)
        audits.append(audit)
        sign_in(page, base_url, username, on_page=audit.check if check_sign_in else None)
        return page, audit

    yield start
    for audit in audits:
        _written.extend(path.name for path in audit.screenshots)
        _allowed.extend(audit.allowed)
        # A journey stopped half-way still says what its pages showed so far.
        if audit.problems:
            request.node.add_report_section("call", "pages", "\n".join(audit.problems))
        if audit.allowed:
            request.node.add_report_section("call", "allowed moderate", "\n".join(audit.allowed))
    for context in contexts:
        context.close()


def pytest_sessionstart(session: pytest.Session) -> None:
    session.config.stash[_started] = time.monotonic()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if not _written:
        return
    terminalreporter.write_sep("-", f"{len(_written)} screenshots in {SCREENSHOTS}")
    for name in _written:
        terminalreporter.write_line(f"  {name}")
    if _allowed:
        terminalreporter.write_sep("-", f"violations allowed on {len(_allowed)} pages")
        for allowed in ALLOWED_MODERATE:
            if any(f" axe {allowed.rule} (" in line for line in _allowed):
                terminalreporter.write_line(f"{allowed.rule}: {allowed.reason}")
        for line in _allowed:
            terminalreporter.write_line(f"  {line}")
    elapsed = time.monotonic() - config.stash[_started]
    terminalreporter.write_line(f"Journeys in a real browser: {elapsed:.0f} s")
