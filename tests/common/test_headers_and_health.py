"""Response headers every answer carries, the health check, and the API's schema,
docs and renderers."""

import json
import os
import time
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from common.models import EmailState, Notification
from config.health import BROKER_CHECK_TIMEOUT, health_cache_clear

SECURITY_HEADERS = {
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


# --- Cache-Control and the security headers


def test_a_signed_in_page_is_never_cached(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_authenticated_api_answer_is_never_cached(officer_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    response = client.get("/api/v1/me/")
    # then
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_an_api_refusal_is_never_cached(officer_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    response = client.get("/api/v1/members/")
    # then
    assert response.status_code == 403
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/api/v1/me/"])
def test_every_answer_carries_the_security_headers(officer_north, browser_for, path):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get(path, secure=True)
    # then
    assert response.status_code == 200
    for name, value in SECURITY_HEADERS.items():
        assert response[name] == value, name


PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
    "fullscreen=(), geolocation=(), gyroscope=(), hid=(), magnetometer=(), microphone=(), "
    "midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), "
    "screen-wake-lock=(), serial=(), sync-xhr=(), usb=(), web-share=(), xr-spatial-tracking=()"
)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/api/v1/me/", 200),
        ("/sign-in/", 302),
        ("/enrol/not-a-link/", 404),
        ("/api/v1/members/", 403),
        ("/no-such-page/", 404),
    ],
)
def test_every_answer_denies_every_device_feature(officer_north, browser_for, path, status):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get(path)
    # then
    assert response.status_code == status
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    features = {item.split("=")[0] for item in response["Permissions-Policy"].split(", ")}
    assert {"camera", "microphone", "geolocation", "usb", "payment"} <= features
    # Features that browsers no longer recognise make them log an error on every page.
    assert not features & {"interest-cohort", "document-domain", "ambient-light-sensor"}


def test_a_static_file_denies_every_device_feature_too(settings, db):
    # given: static files served as in development (WhiteNoise answers them itself)
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    # when
    response = Client().get("/static/build/tideline.css")
    # then
    assert response.status_code == 200
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY


def test_the_content_security_policy_forbids_framing_and_other_origins(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get("/")
    # then
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";")]
    assert "frame-ancestors 'none'" in directives
    assert "default-src 'self'" in directives
    assert "object-src 'none'" in directives
    assert "form-action 'self'" in directives
    # This page runs no inline script, so it is given no nonce.
    assert "script-src 'self'" in directives


def test_hsts_is_sent_for_a_year_on_a_secure_request(settings, db):
    # given
    client = Client()
    expected = "max-age=31536000; includeSubDomains"
    if settings.SECURE_HSTS_PRELOAD:
        expected += "; preload"
    # when
    response = client.get("/sign-in/", secure=True)
    # then
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == expected


def test_hsts_is_not_sent_on_a_plain_request(db):
    # given
    client = Client()
    # when
    response = client.get("/sign-in/")
    # then
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response


# --- /healthz

OUTBOX_EMPTY = {"status": "ok", "waiting": 0, "oldest_waiting_seconds": None, "failed": 0}


@pytest.fixture(autouse=True)
def _fresh_health_answers():
    # Each process keeps the broker's and the outbox's answers for a few seconds.
    health_cache_clear()
    yield
    health_cache_clear()


def test_the_health_check_answers_without_signing_in(settings, db):
    # given
    settings.CELERY_BROKER_URL = ""
    client = Client()
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "outbox": OUTBOX_EMPTY}
    assert response["Cache-Control"] == "no-store"


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server")


def test_the_health_check_answers_503_when_the_database_does_not(settings, monkeypatch, db):
    # given
    settings.CELERY_BROKER_URL = ""
    monkeypatch.setattr("config.health.connection", _BrokenConnection())
    client = Client()
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


def test_the_health_check_answers_503_when_the_broker_does_not(settings, db):
    # given: nothing listens on port 1, so the connection is refused at once
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    client = Client()
    started = time.monotonic()
    # when
    response = client.get("/healthz")
    # then
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "database": "ok",
        "broker": "unavailable",
        "outbox": OUTBOX_EMPTY,
    }


@pytest.mark.skipif(
    not os.environ.get("CELERY_BROKER_URL"), reason="needs a real broker (CI sets one)"
)
def test_the_health_check_reports_a_broker_that_answers(settings, db):
    # given
    settings.CELERY_BROKER_URL = os.environ["CELERY_BROKER_URL"]
    client = Client()
    # when
    response = client.get("/healthz")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "outbox": OUTBOX_EMPTY,
    }


def test_the_broker_check_gives_up_within_200_ms():
    # A broker that does not answer (a host that drops packets) costs at most this.
    assert BROKER_CHECK_TIMEOUT <= 0.2


def test_the_broker_check_is_reused_for_a_few_seconds(settings, db, monkeypatch):
    # given
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    connections = []

    def refuse(address, timeout):
        connections.append((address, timeout))
        raise ConnectionRefusedError()

    monkeypatch.setattr("config.health.socket.create_connection", refuse)
    client = Client()
    # when: a flood of health checks
    answers = [client.get("/healthz") for _ in range(20)]
    # then: one connection was tried, with the short timeout, and all answered alike
    assert connections == [(("127.0.0.1", 1), BROKER_CHECK_TIMEOUT)]
    assert {response.json()["broker"] for response in answers} == {"unavailable"}


def test_the_health_check_raises_the_alarm_when_an_email_waits_over_five_minutes(
    settings, db, officer_north
):
    # given: one email owed for six minutes (the mail server refused it so far), one
    # for a minute, one refused for good
    settings.CELERY_BROKER_URL = ""
    now = timezone.now()
    for key, age, state in (
        ("a", timedelta(minutes=6), EmailState.PENDING),
        ("b", timedelta(minutes=1), EmailState.PENDING),
        ("c", timedelta(days=1), EmailState.FAILED),
    ):
        Notification.objects.create(
            user=officer_north.user,
            kind="safeguarding.flag_review_due",
            message="A flag is due for review.",
            link="/",
            dedupe_key=key,
            created_at=now - age,
            email_state=state,
        )
    # when
    response = Client().get("/healthz")
    # then
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["outbox"]["status"] == "delayed"
    assert body["outbox"]["waiting"] == 2
    assert body["outbox"]["failed"] == 1
    assert 360 <= body["outbox"]["oldest_waiting_seconds"] < 370


def test_the_health_check_only_answers_get(db):
    # given
    client = Client()
    # when
    response = client.post("/healthz")
    # then
    assert response.status_code == 405


# --- The schema, the docs, the renderers


def test_the_schema_is_json_and_lists_the_endpoints(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get("/api/v1/schema/", {"format": "json"})
    # then
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Tideline API"
    for path in (
        "/api/v1/members/",
        "/api/v1/members/{member_id}/",
        "/api/v1/members/{member_id}/deactivate/",
        "/api/v1/auth/token/",
        "/api/v1/me/",
    ):
        assert path in schema["paths"], path
    assert set(schema["paths"]["/api/v1/members/"]) == {"get", "post"}
    assert set(schema["components"]["securitySchemes"]) == {"bearerAuth", "cookieAuth"}


def _ref(response: dict) -> str:
    return response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]


def test_the_schema_describes_the_shared_conventions(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    schema = json.loads(client.get("/api/v1/schema/", {"format": "json"}).content)
    # then
    members = schema["paths"]["/api/v1/members/"]
    member = schema["paths"]["/api/v1/members/{member_id}/"]
    deactivate = schema["paths"]["/api/v1/members/{member_id}/deactivate/"]
    assert _ref(members["get"]["responses"]["200"]) == "PaginatedMemberList"
    assert {p["name"] for p in members["get"]["parameters"]} == {"cursor", "page_size"}
    assert [p["name"] for p in members["post"]["parameters"]] == ["Idempotency-Key"]
    assert _ref(members["post"]["responses"]["422"]) == "Error"
    if_match = next(p for p in member["patch"]["parameters"] if p["name"] == "If-Match")
    assert (if_match["in"], if_match["required"]) == ("header", True)
    assert _ref(member["patch"]["responses"]["400"]) == "ValidationError"
    assert _ref(member["patch"]["responses"]["412"]) == "StaleVersionError"
    assert _ref(member["patch"]["responses"]["428"]) == "Error"
    assert _ref(deactivate["post"]["responses"]["409"]) == "InvalidStateError"
    components = schema["components"]["schemas"]
    assert set(components["StaleVersionError"]["properties"]) == {"detail", "current_version"}
    assert set(components["InvalidStateError"]["properties"]) == {"detail", "state"}
    assert set(components["PaginatedMemberList"]["properties"]) == {"next", "previous", "results"}


def test_the_schema_needs_a_signed_in_caller(db):
    # given
    client = Client()
    # when
    response = client.get("/api/v1/schema/", {"format": "json"})
    # then
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_the_docs_render_for_a_signed_in_user(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get("/api/v1/docs/")
    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "swagger-ui" in response.content.decode()


def test_a_browser_gets_json_not_the_browsable_api(officer_north, api_for):
    # given
    client = api_for(officer_north)
    browser_accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    # when
    response = client.get("/api/v1/me/", headers={"Accept": browser_accept})
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["username"] == "officer.north"


def test_asking_for_html_only_is_answered_in_json(officer_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    response = client.get("/api/v1/me/", headers={"Accept": "text/html"})
    # then
    assert response.status_code == 406
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Could not satisfy the request Accept header."}
