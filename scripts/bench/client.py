"""Signing in to a served Tideline as a demo user, as a person does: the password, then
the security code of the demo authenticator (RFC 6238's test key), for a page
session; and the API's token exchange for a bearer token.

A code is accepted once per person and step: each sign-in takes a code of a step no
earlier sign-in used (remembered in var/bench/otp-steps.json across runs), the
current step or the next (the device's tolerance), and waits for a new step when
both are spent, so that no sign-in fails and counts towards a lockout."""

import hashlib
import hmac
import json
import re
import struct
import time
from pathlib import Path

import requests

DEMO_PASSWORD = "tideline-demo-2026"
DEMO_TOTP_KEY = bytes.fromhex("3132333435363738393031323334353637383930")
STEP = 30
USED = Path(__file__).resolve().parents[2] / "var" / "bench" / "otp-steps.json"


def totp(step: int) -> str:
    digest = hmac.new(DEMO_TOTP_KEY, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


def code_for(username: str) -> str:
    used = json.loads(USED.read_text()) if USED.exists() else {}
    while True:
        now = int(time.time()) // STEP
        step = max(now, used.get(username, 0) + 1)
        if step <= now + 1:
            used[username] = step
            USED.parent.mkdir(parents=True, exist_ok=True)
            USED.write_text(json.dumps(used))
            return totp(step)
        time.sleep(STEP - time.time() % STEP + 0.5)


class Browser(requests.Session):
    """A session that keeps sending its cookies over plain HTTP: DEBUG off marks
    them Secure, and the benchmark talks to gunicorn on loopback without TLS."""

    def request(self, *args, **kwargs):
        response = super().request(*args, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def _csrf(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not found:
        raise RuntimeError("The sign-in page has no CSRF token.")
    return found.group(1)


def page_session(base: str, username: str) -> Browser:
    # First, since it may wait for a new step: a sign-in left half-done for half a
    # minute is not one a person makes.
    code = code_for(username)
    browser = Browser()
    page = browser.get(f"{base}/sign-in/")
    # Redirects are followed by hand: requests would follow them before the cookies
    # lose their Secure mark, and so without the session.
    browser.post(
        f"{base}/sign-in/",
        data={
            "csrfmiddlewaretoken": _csrf(page.text),
            "username": username,
            "password": DEMO_PASSWORD,
        },
        headers={"Referer": f"{base}/sign-in/"},
        allow_redirects=False,
    )
    page = browser.get(f"{base}/sign-in/code/", allow_redirects=False)
    done = browser.post(
        f"{base}/sign-in/code/",
        data={"csrfmiddlewaretoken": _csrf(page.text), "code": code},
        headers={"Referer": f"{base}/sign-in/code/"},
        allow_redirects=False,
    )
    if done.status_code != 302 or "sign-in" in done.headers.get("Location", ""):
        raise RuntimeError(f"Signing in as {username} failed ({done.status_code}).")
    return browser


def api_token(base: str, username: str) -> str:
    answer = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": username, "password": DEMO_PASSWORD, "otp": code_for(username)},
        timeout=30,
    )
    if answer.status_code not in (200, 201):
        raise RuntimeError(f"No API token for {username}: {answer.status_code} {answer.text[:200]}")
    return answer.json()["token"]
