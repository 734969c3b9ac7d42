"""A served Tideline answers through its proxy and its database pooler: the health
check, then a demo user's sign-in (password and code) and the pages and API lists
opened daily. Standard library only, so that it runs on a bare machine:

    python deploy/smoke.py http://127.0.0.1:8000 [officer.north]

Given an http:// address (gunicorn itself), it sends X-Forwarded-Proto: https as
the proxy does (the session cookie is Secure); given https:// (the proxy), the
proxy sets it. SMOKE_CAFILE=cert.pem trusts a self-signed test certificate.
Exits non-zero on the first answer that is not the one expected.
"""

import base64
import hashlib
import hmac
import http.client
import os
import re
import ssl
import struct
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

# Every demo user's authenticator key (README: the RFC 6238 test key).
DEMO_KEY = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
DEMO_PASSWORD = "tideline-demo-2026"
PAGES = ["/", "/cases/", "/queue/", "/api/v1/cases/", "/api/v1/me/", "/reports/outcomes/"]


def totp(key: str, moment: float) -> str:
    counter = struct.pack(">Q", int(moment) // 30)
    digest = hmac.new(base64.b32decode(key), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{code % 1_000_000:06d}"


class Browser:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if self.https else 80)
        self.origin = f"https://{parts.netloc}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        connection: http.client.HTTPConnection
        if self.https:
            # SMOKE_CAFILE: a test certificate the machine does not otherwise trust.
            context = ssl.create_default_context(cafile=os.environ.get("SMOKE_CAFILE"))
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=30, context=context
            )
        else:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = {"X-Forwarded-Proto": "https", "Origin": self.origin, "Referer": self.origin}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        took = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        print(f"{method} {path} -> {response.status} ({took:.0f} ms)")
        return response, text


def expect(condition: bool, message: str) -> None:
    if not condition:
        sys.exit(f"FAILED: {message}")


def main(base: str, username: str) -> None:
    browser = Browser(base)
    response, text = browser.request("GET", "/healthz")
    expect(response.status == 200, f"/healthz answered {response.status}: {text[:200]}")
    response, text = browser.request("GET", "/sign-in/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
    expect(csrf is not None, "no CSRF token on the sign-in page")
    token = csrf.group(1)  # type: ignore[union-attr]
    response, _ = browser.request(
        "POST",
        "/sign-in/",
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": token},
    )
    expect(response.status == 302, "the password step did not move on")
    response, _ = browser.request(
        "POST",
        "/sign-in/code/",
        {"code": totp(DEMO_KEY, time.time()), "csrfmiddlewaretoken": token},
    )
    expect(response.status == 302 and response.getheader("Location") == "/", "code refused")
    for path in PAGES:
        response, text = browser.request("GET", path)
        expect(response.status == 200, f"{path} answered {response.status}: {text[:200]}")
    print(f"OK: {username} signed in and {len(PAGES)} pages answered")


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000",
        *sys.argv[2:3] or ["officer.north"],
    )
