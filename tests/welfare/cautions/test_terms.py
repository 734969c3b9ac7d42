"""Changing a conditional caution's terms through
POST /api/v1/cases/{id}/outcomes/{id}/caution-terms/ and its page: the compliance
duty moves with the date or closes with the conditions; refusals change nothing."""

from datetime import UTC, datetime

import pytest

from cases.services.outcome_cautions import caution_compliance_record
from tests.welfare.cautions.conftest import DUE_AT, DUE_ON, NOW, TODAY
from welfare.models import Duty, DutyStatus

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _url(outcome) -> str:
    return f"/api/v1/cases/{outcome.case_id}/outcomes/{outcome.id}/caution-terms/"


def _page(outcome) -> str:
    return f"/cases/{outcome.case_id}/outcomes/{outcome.id}/caution-terms/"


def _duty(outcome) -> Duty:
    return Duty.objects.get(source_key=f"outcome:{outcome.id}:caution_compliance")


def _unchanged(outcome) -> None:
    outcome.refresh_from_db()
    assert (outcome.is_conditional_caution, outcome.conditions_due_on, outcome.version) == (
        True,
        DUE_ON,
        1,
    )
    duty = _duty(outcome)
    assert (duty.status, duty.due_at) == (DutyStatus.OPEN, DUE_AT)


def test_the_api_moves_the_due_date(api_for, caution, officer_north):
    # when
    response = api_for(officer_north).post(
        _url(caution),
        {
            "caution_conditions": caution.caution_conditions,
            "conditions_due_on": "2026-07-31",
            "reason": "The course was rescheduled.",
        },
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200, response.content
    assert response["ETag"] == '"2"'
    assert response.json()["conditions_due_on"] == "2026-07-31"
    assert response.json()["caution_state"] == "compliance_due"
    assert _duty(caution).due_at == datetime(2026, 7, 31, 16, 0, tzinfo=UTC)


def test_the_api_withdraws_the_conditions(api_for, caution, officer_north):
    # when
    response = api_for(officer_north).post(
        _url(caution),
        {"caution_conditions": "", "conditions_due_on": None, "reason": "Withdrawn by the CPS."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 200, response.content
    assert response.json()["caution_state"] == "not_conditional_caution"
    assert _duty(caution).status == DutyStatus.CANCELLED


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"conditions_due_on": "2026-06-01", "reason": "Moved."}, "conditions_due_on"),
        ({"conditions_due_on": None, "reason": "Moved."}, "conditions_due_on"),
        ({"conditions_due_on": "2026-07-31", "reason": ""}, "reason"),
    ],
)
def test_the_api_refuses_bad_terms_naming_the_field(api_for, caution, officer_north, body, field):
    # when
    response = api_for(officer_north).post(
        _url(caution),
        {"caution_conditions": "Attend the course.", **body},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    # then
    assert response.status_code == 400, response.content
    assert list(response.json()["errors"]) == [field]
    _unchanged(caution)


def test_the_api_needs_if_match_and_refuses_a_stale_one(api_for, caution, officer_north):
    api = api_for(officer_north)
    body = {"caution_conditions": "Attend.", "conditions_due_on": "2026-07-31", "reason": "Moved."}
    # when
    missing = api.post(_url(caution), body, format="json")
    stale = api.post(_url(caution), body, format="json", HTTP_IF_MATCH='"3"')
    # then
    assert (missing.status_code, stale.status_code) == (428, 412)
    _unchanged(caution)


def test_terms_are_refused_409_once_compliance_is_recorded(api_for, caution, officer_north):
    # given
    caution_compliance_record(
        actor=officer_north.user, outcome=caution, complied=False, checked_on=TODAY
    )
    # when
    response = api_for(officer_north).post(
        _url(caution),
        {"caution_conditions": "Attend.", "conditions_due_on": "2026-07-31", "reason": "Moved."},
        format="json",
        HTTP_IF_MATCH='"2"',
    )
    # then
    assert response.status_code == 409
    assert response.json()["state"] == "not_complied"


def test_the_page_moves_the_due_date(browser_for, caution, officer_north):
    # given
    browser = browser_for(officer_north)
    shown = browser.get(_page(caution))
    # when
    response = browser.post(
        _page(caution),
        {
            "caution_conditions": caution.caution_conditions,
            "conditions_due_on": "31/7/2026",
            "reason": "The course was rescheduled.",
            "version": "1",
        },
    )
    # then
    assert shown.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{caution.case_id}/events/#outcomes"
    assert _duty(caution).due_at == datetime(2026, 7, 31, 16, 0, tzinfo=UTC)


def test_the_page_refuses_a_missing_reason_on_its_field(browser_for, caution, officer_north):
    # when
    response = browser_for(officer_north).post(
        _page(caution),
        {"caution_conditions": "Attend.", "conditions_due_on": "31/7/2026", "version": "1"},
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["Say why the caution's terms changed."]}
    _unchanged(caution)


def test_the_case_page_links_to_the_change(browser_for, caution, officer_north):
    html = browser_for(officer_north).get(f"/cases/{caution.case_id}/events/").content.decode()
    assert f'href="{_page(caution)}"' in html
