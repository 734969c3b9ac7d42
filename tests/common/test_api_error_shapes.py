"""Errors keep the API's shape: a body past Django's limits gets the API's 413 with
the limit (and is read to its end, so the client sees the answer, not a reset
connection); every 5xx under /api/ is the API's JSON error with the request's id,
which is also in the X-Request-ID header and in the log."""

import io
import json
import logging
import re

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.exceptions import APIException

from cases.models import Document
from common.api.middleware import ApiBodyLimitMiddleware
from tests.factories import CaseFactory

LIMIT = 1_000


@pytest.fixture
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5


@pytest.fixture
def console_log():
    """What the console handler (the one production logs through, with its request
    id filter and format) writes during the test."""
    (handler,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    written = io.StringIO()
    # Swapped by hand, not with setStream(): that flushes the stream it replaces, which
    # under pytest's capture may be a file already closed by an earlier test.
    with handler.lock:
        before, handler.stream = handler.stream, written
    yield written
    with handler.lock:
        handler.stream = before


def _json_of(size: int) -> bytes:
    return json.dumps({"summary_for_receiver": "x" * size}).encode()


# --- Bodies past Django's limits


def test_a_json_body_over_the_limit_gets_the_apis_413_with_the_limit(
    officer_north, api_for, small_limits
):
    # when
    response = api_for(officer_north).post(
        "/api/v1/referrals/", _json_of(2 * LIMIT), content_type="application/json"
    )
    # then
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "The request body must be 0.000953674 MB or smaller.",
        "max_bytes": LIMIT,
    }


def test_the_real_limit_reads_in_megabytes(officer_north, api_for, settings):
    # given: Django's own default, 2.5 MB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440
    # when
    response = api_for(officer_north).post(
        "/api/v1/referrals/", _json_of(2_621_441), content_type="application/json"
    )
    # then
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request body must be 2.5 MB or smaller.",
        "max_bytes": 2_621_440,
    }


def test_a_form_body_over_the_limit_gets_the_413_too(officer_north, api_for, small_limits):
    # when
    response = api_for(officer_north).post(
        "/api/v1/auth/token/",
        "username=" + "x" * (2 * LIMIT),
        content_type="application/x-www-form-urlencoded",
    )
    # then
    assert response.status_code == 413
    assert response.json()["max_bytes"] == LIMIT


def test_an_upload_with_too_many_fields_gets_the_413_with_the_limit(
    officer_north, north, api_for, small_limits
):
    # given: a multipart upload (its file is not counted) with ten form fields
    case = CaseFactory(owning_agency=north, lead_officer=officer_north.user)
    fields = {f"field{index}": "x" for index in range(10)}
    # when
    response = api_for(officer_north).post(
        f"/api/v1/cases/{case.pk}/documents/", fields, format="multipart"
    )
    # then: refused before anything is stored
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request must have 5 fields or fewer.",
        "max_fields": 5,
    }
    assert Document.objects.count() == 0


def test_the_fields_of_an_upload_over_the_limit_get_the_413(
    officer_north, north, api_for, small_limits
):
    # given: a title longer than the whole limit, beside the file
    case = CaseFactory(owning_agency=north, lead_officer=officer_north.user)
    # when
    response = api_for(officer_north).post(
        f"/api/v1/cases/{case.pk}/documents/", {"title": "x" * (2 * LIMIT)}, format="multipart"
    )
    # then
    assert response.status_code == 413
    assert response.json()["max_bytes"] == LIMIT


def test_a_body_that_was_refused_is_still_read_to_its_end(small_limits):
    """A server that closes the connection with the client's bytes unread makes the
    client see a reset instead of the answer: the middleware reads them first."""
    # given
    body = _json_of(50 * LIMIT)
    request = RequestFactory().post("/api/v1/referrals/", body, content_type="application/json")
    payload = request.environ["wsgi.input"]
    middleware = ApiBodyLimitMiddleware(lambda request: HttpResponse())
    # when
    response = middleware(request)
    # then
    assert response.status_code == 413
    assert len(payload) == 0  # nothing left unread


def test_a_body_the_view_did_not_read_is_read_before_the_answer_goes():
    # given: an answer that never looked at the body
    request = RequestFactory().post(
        "/api/v1/referrals/x/send/", b"{}" * 100, content_type="application/json"
    )
    payload = request.environ["wsgi.input"]
    middleware = ApiBodyLimitMiddleware(lambda request: HttpResponse(status=404))
    # when
    middleware(request)
    # then
    assert len(payload) == 0


def test_a_page_is_not_the_apis_business(officer_north, browser_for, small_limits):
    # when: a form page past the limit gets Django's own refusal, not the API's
    response = browser_for(officer_north).post("/sign-out/", {"x": "y" * (2 * LIMIT)}, follow=False)
    # then
    assert response["Content-Type"] != "application/json"


# --- 5xx


def _boom(*args, **kwargs):
    raise RuntimeError("an error nobody foresaw")


def test_an_unforeseen_error_is_the_apis_500_with_the_request_id(
    officer_north, api_for, monkeypatch, console_log
):
    # given
    monkeypatch.setattr("agencies.api.MeApi.get", _boom)
    client = api_for(officer_north)
    client.raise_request_exception = False
    # when
    response = client.get("/api/v1/me/")
    # then: the API's shape, with the id that finds it in the log
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response.json() == {
        "detail": (
            "Sorry, there is a problem with the service. Nothing was changed. Try again later."
        ),
        "request_id": request_id,
    }
    logged = console_log.getvalue()
    assert f"ERROR django.request [request {request_id}] Internal Server Error: /api/v1/me/" in (
        logged
    )
    assert "RuntimeError: an error nobody foresaw" in logged


def test_a_5xx_the_api_answers_itself_carries_the_request_id(
    officer_north, api_for, monkeypatch, console_log
):
    # given
    def unavailable(*args, **kwargs):
        raise APIException("The service is unavailable.")

    monkeypatch.setattr("agencies.api.MeApi.get", unavailable)
    # when
    response = api_for(officer_north).get("/api/v1/me/")
    # then
    assert response.status_code == 500
    request_id = response["X-Request-ID"]
    assert response.json() == {"detail": "The service is unavailable.", "request_id": request_id}
    assert f"[request {request_id}] Internal Server Error: /api/v1/me/" in console_log.getvalue()


def test_a_request_id_given_by_the_proxy_is_kept(officer_north, api_for):
    # when
    given = api_for(officer_north).get(
        "/api/v1/me/", headers={"X-Request-ID": "proxy-4f1c2b9e-0001"}
    )
    forged = api_for(officer_north).get("/api/v1/me/", headers={"X-Request-ID": "a b\nc"})
    # then
    assert given["X-Request-ID"] == "proxy-4f1c2b9e-0001"
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_every_answer_carries_a_request_id(officer_north, browser_for):
    first = browser_for(officer_north).get("/")
    second = browser_for(officer_north).get("/")
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_request_django_refuses_before_any_view_is_answered_in_the_apis_shape(db, client):
    # given: a host this site does not serve (Django refuses it with a 400)
    # when
    response = client.get("/api/v1/me/", headers={"Host": "elsewhere.example"})
    # then
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Bad request.",
        "errors": {"non_field_errors": ["Bad request."]},
    }
