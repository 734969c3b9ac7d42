"""The welfare check's own page and API: the questions of the check in hand, nothing
pre-selected, the conditional questions shown without JavaScript; the refusals
naming their field with nothing changed; a retried POST recorded once; late wording
on the page, the case page's panel and the API."""

import re

import pytest

from cases.models import ContactLog
from tests.welfare.checks.conftest import at
from welfare.models import Duty, DutyKind, DutyStatus, WelfareCheckAttempt
from welfare.services.welfare_checks import welfare_check_record

pytestmark = pytest.mark.django_db

SPOKE = {
    "outcome": "spoke",
    "channel": "phone",
    "risk_now": "lower",
    "what_was_said": "He is at his brother's, sleeping better.",
    "support_offered": "Samaritans again.",
}


def _url(duty, api=False):
    return f"{'/api/v1' if api else ''}/duties/{duty.pk}/welfare-check/"


def _counts():
    return (ContactLog.objects.count(), WelfareCheckAttempt.objects.count(), Duty.objects.count())


# --- The page


def test_the_page_asks_the_checks_questions_with_nothing_pre_selected(
    officer_north, check, browser_for
):
    response = browser_for(officer_north).get(_url(check))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Record the welfare check" in html
    assert "What happened?" in html
    assert "Is their risk now lower, unchanged or higher?" in html
    assert "What support was offered again?" in html
    assert "What were they told?" not in html
    assert " checked" not in html
    # the questions for "spoke with them" are on the page under their own heading, not
    # revealed by the radio (a radio may not carry aria-expanded: axe, critical)
    assert "If you spoke with them</h2>" in html
    assert "data-aria-controls" not in html
    assert re.search(r'name="risk_now"[^>]*value="lower"', html)


def test_a_letter_as_spoke_is_refused_on_the_page_naming_the_channel(
    officer_north, check, browser_for
):
    before = _counts()
    response = browser_for(officer_north).post(
        _url(check), {**SPOKE, "channel": "letter", "made_on": "10/03/2026", "made_time": "10:00"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_channel"' in html
    assert "A welfare check is met only by speaking with the person" in html
    assert _counts() == before
    check.refresh_from_db()
    assert check.status == DutyStatus.OPEN


def test_the_page_records_the_check_and_goes_back_to_the_case(
    officer_north, case, check, browser_for
):
    response = browser_for(officer_north).post(
        _url(check), {**SPOKE, "made_on": "10/03/2026", "made_time": "10:00"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.pk}/welfare/#suspect-welfare"
    check.refresh_from_db()
    assert check.status == DutyStatus.MET
    assert check.resolved_at == at(2026, 3, 10, 10, 0)


def test_a_late_check_says_so_on_its_page_and_the_case_page(
    clock, officer_north, case, check, browser_for
):
    clock.move_to(at(2026, 3, 16, 12, 0))
    welfare_check_record(
        actor=officer_north.user, duty=check, **SPOKE, made_at=at(2026, 3, 15, 14, 0)
    )
    client = browser_for(officer_north)
    page = client.get(_url(check)).content.decode()
    assert "Met, made 92 hours late" in page
    case_page = client.get(f"/cases/{case.pk}/welfare/").content.decode()
    assert "Made 92 hours late" in case_page
    assert f"/duties/{check.pk}/welfare-check/" in case_page
    assert "on time" not in case_page.lower()


def test_the_case_page_links_the_second_attempt_and_the_escalation_to_the_form(
    officer_north, supervisor_north, case, check, suspect, browser_for
):
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 10, 0),
    )
    second = Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_CHECK, status="open")
    html = browser_for(officer_north).get(f"/cases/{case.pk}/welfare/").content.decode()
    assert "Second attempt due by 10 March 2026 14:00" in html
    assert f"/duties/{second.pk}/welfare-check/" in html
    assert "could not reach the person" in html
    welfare_check_record(
        actor=officer_north.user,
        duty=second,
        outcome="not_reached",
        channel="visit",
        made_at=at(2026, 3, 10, 13, 0),
    )
    escalation = Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_CHECK_ESCALATION)
    html = browser_for(supervisor_north).get(f"/cases/{case.pk}/welfare/").content.decode()
    assert "Could not be reached twice" in html
    assert f"/duties/{escalation.pk}/welfare-check/" in html
    # the supervisor's form asks what was done, and nothing else
    form = browser_for(supervisor_north).get(_url(escalation)).content.decode()
    assert "What was done?" in form
    assert "What happened?" not in form


def test_a_duty_that_is_not_a_check_has_no_check_page(officer_north, check, suspect, browser_for):
    screening = Duty.objects.filter(party=suspect, kind=DutyKind.WELFARE_SCREENING).first()
    assert browser_for(officer_north).get(_url(screening)).status_code == 404
    assert browser_for(officer_north).get(_url(check)).status_code == 200


# --- The API


def test_the_api_records_a_check_once_for_a_retried_request(officer_north, check, api_for):
    client = api_for(officer_north)
    body = {**SPOKE, "made_at": "2026-03-10T10:00:00Z"}
    first = client.post(_url(check, api=True), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = client.post(_url(check, api=True), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert again.status_code == 201
    assert again.json() == first.json()
    assert WelfareCheckAttempt.objects.count() == 1
    result = first.json()
    assert result["attempt"]["outcome"] == "spoke"
    assert result["attempt"]["channel"] == "phone"
    assert result["attempt"]["risk_now"] == "lower"
    assert result["attempt"]["made_by"] == "officer.north"
    assert result["attempt"]["made_late_by_hours"] is None
    assert result["duty"]["status"] == "met"
    assert result["duty"]["made_late_by_hours"] is None
    assert result["duty"]["late_text"] == ""
    assert result["follow_up"] == []


def test_the_api_opens_the_second_attempt_and_says_so(officer_north, check, api_for):
    response = api_for(officer_north).post(
        _url(check, api=True),
        {"outcome": "not_reached", "channel": "text", "made_at": "2026-03-10T22:30:00Z"},
        format="json",
    )
    assert response.status_code == 201
    [second] = response.json()["follow_up"]
    assert second["kind"] == "welfare_check"
    assert second["trigger"] == "second_attempt"
    assert second["due_at"] == "2026-03-11T02:30:00Z"
    assert response.json()["duty"]["status"] == "not_reached"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**SPOKE, "channel": "email"}, "channel"),
        ({**SPOKE, "risk_now": None}, "risk_now"),
        ({k: v for k, v in SPOKE.items() if k != "risk_now"}, "risk_now"),
        ({**SPOKE, "outcome": "maybe"}, "outcome"),
    ],
)
def test_the_api_refuses_naming_the_field_and_changes_nothing(
    officer_north, check, api_for, body, field
):
    before = _counts()
    body = {k: v for k, v in body.items() if v is not None}
    response = api_for(officer_north).post(
        _url(check, api=True), {**body, "made_at": "2026-03-10T10:00:00Z"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert _counts() == before
    check.refresh_from_db()
    assert (check.status, check.version) == (DutyStatus.OPEN, 1)


def test_the_api_says_how_late_a_check_was(clock, officer_north, check, api_for):
    clock.move_to(at(2026, 3, 16, 12, 0))
    response = api_for(officer_north).post(
        _url(check, api=True), {**SPOKE, "made_at": "2026-03-15T14:00:00Z"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["attempt"]["made_late_by_hours"] == 92
    assert response.json()["duty"]["made_late_by_hours"] == 92
    assert response.json()["duty"]["late_text"] == "made 92 hours late"


def test_the_log_contact_api_refuses_a_check(officer_north, check, api_for):
    before = _counts()
    response = api_for(officer_north).post(
        f"/api/v1/duties/{check.pk}/log-contact/",
        {"channel": "letter", "summary": "Letter with the Samaritans' number."},
        format="json",
    )
    assert response.status_code == 400
    assert f"/duties/{check.pk}/welfare-check/" in response.json()["errors"]["contact"][0]
    assert _counts() == before


def test_the_supervisor_records_what_was_done_through_the_api(
    officer_north, supervisor_north, check, suspect, api_for
):
    # given two attempts that could not reach him
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 9, 0),
    )
    second = Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_CHECK, status="open")
    welfare_check_record(
        actor=officer_north.user,
        duty=second,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 12, 0),
    )
    escalation = Duty.objects.get(party=suspect, kind=DutyKind.WELFARE_CHECK_ESCALATION)
    client = api_for(supervisor_north)
    # when the supervisor says nothing of what was done
    before = _counts()
    refused = client.post(
        _url(escalation, api=True), {"made_at": "2026-03-10T14:00:00Z"}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["action_taken"]
    assert _counts() == before
    # when they say it
    response = client.post(
        _url(escalation, api=True),
        {"action_taken": "Patrol visited: he is safe at home.", "made_at": "2026-03-10T14:00:00Z"},
        format="json",
    )
    # then
    assert response.status_code == 201
    assert response.json()["attempt"]["outcome"] == "action_recorded"
    assert response.json()["attempt"]["channel"] is None
    assert response.json()["duty"]["status"] == "met"
    assert response.json()["duty"]["responsible"] == "supervisor.north"
