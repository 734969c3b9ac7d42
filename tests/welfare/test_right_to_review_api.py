"""The Victims' Right to Review (docs/adr/0017) through its API and pages: a request
recorded, assigned and decided over /api/v1/; refusals naming the field; another
force finds nothing; the section on the case's Welfare tab; the request form; the
demo's request."""

from datetime import UTC, date, datetime

import pytest

from agencies.models import Role
from cases.models import PartyRole
from tests.factories import CaseFactory, PartyFactory
from tests.factories_vrr import decision_record, member
from welfare.models import Duty, DutyKind, ReviewRequest

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def investigator_north(north, north_team):
    return member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)


@pytest.fixture
def decided(north, north_team, officer_north, supervisor_north):
    case = CaseFactory(
        owning_agency=north,
        team=north_team,
        lead_officer=officer_north.user,
        received_on=date(2026, 3, 2),
    )
    victim = PartyFactory(case=case, role=PartyRole.VICTIM)
    suspect = PartyFactory(case=case, role=PartyRole.SUSPECT)
    outcome = decision_record(officer_north.user, case, suspect)
    return case, victim, outcome


def _body(victim, outcome, **more):
    return {
        "victim": str(victim.id),
        "decision": str(outcome.id),
        "received_on": "2026-06-15",
        "requested_by": "victim",
    } | more


def test_the_api_records_assigns_and_decides_a_request(
    api_for, decided, officer_north, supervisor_north, investigator_north
):
    case, victim, outcome = decided
    # when recorded
    created = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/review-requests/", _body(victim, outcome), format="json"
    )
    # then
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["scheme"], body["window_ends_on"]) == (
        "requested",
        "police",
        "2026-09-15",
    )
    assert body["review_due_at"] == "2026-07-27T17:00:00+01:00"
    request_id = body["id"]
    # when assigned to an officer who worked the case: refused naming the field
    refused = api_for(supervisor_north).post(
        f"/api/v1/review-requests/{request_id}/assign/",
        {"reviewer": "officer.north"},
        format="json",
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["reviewer"]
    # when assigned to one who did not
    assigned = api_for(supervisor_north).post(
        f"/api/v1/review-requests/{request_id}/assign/",
        {"reviewer": "investigator.north"},
        format="json",
    )
    assert assigned.status_code == 200, assigned.content
    assert assigned.json()["reviewer"]["username"] == "investigator.north"
    # when decided
    decided_answer = api_for(investigator_north).post(
        f"/api/v1/review-requests/{request_id}/decide/",
        {"result": "upheld", "reason": "The evidential test is still not met."},
        format="json",
    )
    assert decided_answer.status_code == 200, decided_answer.content
    assert decided_answer.json()["status"] == "upheld"
    assert Duty.objects.filter(party=victim, kind=DutyKind.RIGHT_TO_REVIEW_RESULT).count() == 1


def test_the_api_names_the_decision_that_is_not_one(api_for, decided, officer_north):
    case, victim, _ = decided
    answer = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/review-requests/",
        _body(victim, type("Missing", (), {"id": "00000000-0000-0000-0000-000000000000"})()),
        format="json",
    )
    assert answer.status_code == 400
    assert list(answer.json()["errors"]) == ["decision"]
    assert ReviewRequest.objects.count() == 0


def test_another_force_finds_nothing(api_for, decided, officer_north, officer_south):
    case, victim, outcome = decided
    created = api_for(officer_north).post(
        f"/api/v1/cases/{case.id}/review-requests/", _body(victim, outcome), format="json"
    )
    request_id = created.json()["id"]
    assert api_for(officer_south).get(f"/api/v1/review-requests/{request_id}/").status_code == 404
    assert (
        api_for(officer_south).get(f"/api/v1/cases/{case.id}/review-requests/").status_code == 404
    )


def test_the_welfare_tab_shows_the_duty_and_the_form_records_a_request(
    browser_for, decided, officer_north
):
    case, victim, outcome = decided
    browser = browser_for(officer_north)
    # the Welfare tab
    tab = browser.get(f"/cases/{case.id}/welfare/")
    assert tab.status_code == 200
    page = tab.content.decode()
    assert 'id="right-to-review"' in page
    assert "Tell the victim of their right to review the decision not to charge" in page
    # the form, posted without a date: the field is named, nothing stored
    form_url = f"/cases/{case.id}/right-to-review/new/"
    empty = browser.post(
        form_url, {"victim": str(victim.id), "outcome": str(outcome.id), "requested_by": "victim"}
    )
    assert empty.status_code == 200
    assert "Enter the date the request was received." in empty.content.decode()
    assert ReviewRequest.objects.count() == 0
    # and with it
    done = browser.post(
        form_url,
        {
            "victim": str(victim.id),
            "outcome": str(outcome.id),
            "requested_by": "victim",
            "received_on": "15/06/2026",
        },
    )
    assert done.status_code == 302
    request = ReviewRequest.objects.get()
    assert done["Location"] == f"/right-to-review/{request.id}/"
    detail = browser.get(done["Location"])
    assert "Not yet assigned" in detail.content.decode()
