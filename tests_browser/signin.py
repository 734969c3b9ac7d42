"""Signing a demo user in through the real sign-in pages, password then TOTP code:
one helper for every browser check (.ci/browser.py's read-only walk and the journeys
of tests_browser), so that they never spend the same code twice.

A code is accepted once: the server refuses a code whose 30-second time step is not
later than the last one that user signed in with, and a refused code counts as a
failed sign-in towards the lockout (5 in 15 minutes, not reset by a success). So the
helper remembers, in var/browser-totp-steps.json, the last time step it used for each
user of each server, and waits for the next window when the current one is spent
(at most 30 seconds), instead of guessing and being refused."""

import hmac
import json
import os
import struct
import time
from collections.abc import Callable
from hashlib import sha1
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page

PASSWORD = "tideline-demo-2026"
# The RFC 6238 test key that every demo user's authenticator holds (DESIGN.md).
TOTP_KEY = bytes.fromhex("3132333435363738393031323334353637383930")
STEP_SECONDS = 30
STEPS_FILE = Path(__file__).resolve().parent.parent / "var" / "browser-totp-steps.json"


class SignInFailed(AssertionError):
    pass


def totp(step: int) -> str:
    """RFC 6238 (SHA-1, 6 digits) for one 30-second time step."""
    digest = hmac.new(TOTP_KEY, struct.pack(">Q", step), sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def _steps() -> dict[str, int]:
    try:
        return dict(json.loads(STEPS_FILE.read_text()))
    except (OSError, ValueError):
        return {}


def _remember(key: str, step: int) -> None:
    steps = _steps()
    steps[key] = max(step, steps.get(key, 0))
    STEPS_FILE.parent.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed: a concurrent reader sees the old file or the new one.
    partial = STEPS_FILE.with_suffix(f".{os.getpid()}.tmp")
    partial.write_text(json.dumps(steps, indent=1, sort_keys=True))
    partial.replace(STEPS_FILE)


def fresh_step(key: str) -> int:
    """The current time step once it is one this user has not signed in with: waits
    for the next window when the current one is spent."""
    spent = _steps().get(key, -1)
    while (step := int(time.time()) // STEP_SECONDS) <= spent:
        wait = (spent + 1) * STEP_SECONDS - time.time() + 0.2
        print(f"{key}: this window's code is spent; waiting {wait:.0f} s for the next")
        time.sleep(max(wait, 0.2))
    return step


def sign_in(
    page: Page,
    base: str,
    username: str,
    on_page: Callable[[str], None] | None = None,
) -> None:
    """Signs `username` in on `page` through /sign-in/ and /sign-in/code/. `on_page`,
    if given, is called on each of the two pages before it is filled in ("sign-in",
    then "sign-in-code"), for the journeys to check them."""
    key = f"{urlparse(base).netloc} {username}"
    for attempt in range(2):
        page.goto(f"{base}/sign-in/")
        if on_page and attempt == 0:
            on_page("sign-in")
        page.get_by_label("Username", exact=True).fill(username)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        if "/sign-in/code" not in page.url:
            raise SignInFailed(f"{username}: the password step failed (at {page.url}).")
        if on_page and attempt == 0:
            on_page("sign-in-code")
        step = fresh_step(key)
        page.get_by_label("Security code", exact=True).fill(totp(step))
        page.get_by_role("button", name="Sign in", exact=True).click()
        _remember(key, step)
        if "/sign-in" not in page.url:
            return
        # Refused: someone else (a person at the keyboard, another run) spent this
        # window's code. Once more in the next window; never more, as each refusal
        # counts towards the lockout.
        print(f"{username}: the security code was refused; once more in the next window")
    raise SignInFailed(f"{username} could not sign in (at {page.url}).")
