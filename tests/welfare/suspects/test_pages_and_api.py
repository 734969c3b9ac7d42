"""The suspect welfare panel, the supervisor's home list, the pages and the API:
what each role sees, countdowns, and query ceilings."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from calendars.sections import welfare_checks_section
from cases.models import EventKind
from safeguarding.models import FlagKind
from safeguarding.services.flags import flag_raise
from tests.factories import (
    PartyFactory,
    grant_case,
)
from tests.helpers import ACCESS_LOG_QUERIES
from tests.welfare.suspects.conftest import at
from welfare.case_panels.suspects import suspects_panels
from welfare.check_lateness import countdown
from welfare.models import Duty, DutyKind, WelfareIncident, WelfareScreening
from welfare.selectors.suspects import welfare_check_list

pytestmark = pytest.mark.django_db


def released_flagged(officer, case, suspect, record_event, released_at):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    flag_raise(
        actor=officer.user,
        case=case,
        party=suspect,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Said he would end it.",
        review_on=date(2026, 12, 1),
    )
    return record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, released_at)


def test_countdown_says_hours_left_or_missed_by():
    now = at(2026, 3, 11, 12, 0)
    assert countdown(at(2026, 3, 12, 19, 0), now) == ("31 hours left", False)
    assert countdown(at(2026, 3, 11, 9, 0), now) == ("Missed by 3 hours", True)
    assert countdown(at(2026, 3, 11, 12, 40), now) == ("40 minutes left", False)
    assert countdown(at(2026, 3, 11, 13, 0), now) == ("1 hour left", False)


@pytest.fixture
def checks(clock, officer_north, case, record_event):
    """Two checks: one missed (released 9 March 09:00), one due (released 10 March 19:00)."""
    missed = PartyFactory(case=case, role="suspect")
    due = PartyFactory(case=case, role="suspect")
    released_flagged(officer_north, case, missed, record_event, at(2026, 3, 9, 9, 0))
    released_flagged(officer_north, case, due, record_event, at(2026, 3, 10, 19, 0))
    return {"missed": missed, "due": due}


def test_the_supervisor_sees_the_teams_checks_soonest_first(checks, supervisor_north):
    listed = list(welfare_check_list(actor=supervisor_north.user))
    assert [d.party for d in listed] == [checks["missed"], checks["due"]]
    assert [
        d.party for d in welfare_check_list(actor=supervisor_north.user, filters={"status": "due"})
    ] == [checks["due"]]
    missed = welfare_check_list(actor=supervisor_north.user, filters={"status": "missed"})
    assert [d.party for d in missed] == [checks["missed"]]


def test_nobody_else_sees_the_checks(
    checks, officer_south, caseworker_harbour, caseworker_lighthouse, admin_north, auditor_north
):
    for member in (
        officer_south,
        caseworker_harbour,
        caseworker_lighthouse,
        admin_north,
        auditor_north,
    ):
        assert list(welfare_check_list(actor=member.user)) == []


def render_home(member):
    """Home's 48-hour checks (calendars.sections): a supervisor's team's, one card each."""
    section = welfare_checks_section(actor=member.user, now=timezone.now())
    if section is None:
        return ""
    return render_to_string("calendars/home/welfare_checks.html", {"section": section})


def test_the_home_list_shows_countdowns_in_constant_queries(
    checks, supervisor_north, officer_north, case, record_event, django_assert_max_num_queries
):
    html = render_home(supervisor_north)
    assert "owed a welfare check within 48 hours of release" in html
    assert "Missed by 3 hours" in html  # due 11 March 09:00, now 12:00
    assert "31 hours left" in html  # due 12 March 19:00
    assert html.index("Missed by 3 hours") < html.index("31 hours left")
    # more checks, the same number of queries
    for hour in (10, 11, 12):
        released_flagged(
            officer_north,
            case,
            PartyFactory(case=case, role="suspect"),
            record_event,
            at(2026, 3, 10, hour, 0),
        )
    supervisor_north.user._tideline_membership = False
    # Outside a request, the checks' access-log entry is written at once.
    with django_assert_max_num_queries(3 + ACCESS_LOG_QUERIES):
        assert render_home(supervisor_north).count('class="govuk-summary-card"') == 5


def test_the_home_list_is_empty_for_partners(checks, caseworker_lighthouse, admin_north):
    assert render_home(caseworker_lighthouse) == ""
    assert render_home(admin_north) == ""


def test_the_panel_shows_each_suspect_in_constant_queries(
    checks, officer_north, case, django_assert_max_num_queries
):
    [panel] = suspects_panels(officer_north.user, case)
    assert panel.anchor == "suspect-welfare"
    officer_north.user._tideline_membership = False
    with django_assert_max_num_queries(5):
        [panel] = suspects_panels(officer_north.user, case)
    rows = panel.context["suspect_welfare_rows"]
    by_suspect = {r.suspect: r.check_countdown for r in rows}
    assert by_suspect == {checks["missed"]: "Missed by 3 hours", checks["due"]: "31 hours left"}
    assert all(r.flagged for r in rows)


@pytest.mark.parametrize(
    "persona",
    [
        "caseworker_harbour",
        "caseworker_lighthouse",
        "admin_north",
        "auditor_north",
        "officer_south",
    ],
)
def test_the_panel_is_never_shown_outside_police_casework(checks, case, request, persona):
    member = request.getfixturevalue(persona)
    assert suspects_panels(member.user, case) == []


def test_a_granted_agency_never_sees_suspect_welfare(
    checks, case, lighthouse, caseworker_lighthouse
):
    grant_case(case, lighthouse)
    assert suspects_panels(caseworker_lighthouse.user, case) == []


def test_the_case_page_shows_the_panel_to_the_officer(checks, officer_north, case, browser_for):
    response = browser_for(officer_north).get(f"/cases/{case.id}/welfare/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="suspect-welfare"' in html
    assert "Missed by 3 hours" in html
    for check in Duty.objects.filter(kind=DutyKind.WELFARE_CHECK):
        assert f"/duties/{check.id}/welfare-check/" in html
        assert f"/duties/{check.id}/log-contact/" not in html


# --- API


def test_the_checks_api_lists_due_or_missed(checks, supervisor_north, api_for):
    client = api_for(supervisor_north)
    response = client.get("/api/v1/suspect-welfare/checks/?status=missed")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["countdown"] == "Missed by 3 hours"
    assert row["missed"] is True
    assert client.get("/api/v1/suspect-welfare/checks/?status=late").status_code == 400


def test_a_screening_through_the_api(clock, officer_north, case, suspect, record_event, api_for):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 10, 7, 0))
    client = api_for(officer_north)
    body = {
        "suspect": str(suspect.id),
        "screened_at": "2026-03-10T08:00:00Z",
        "thoughts_of_suicide": "yes",
        "previous_attempts": "no",
        "mental_health_concerns": "unknown",
        "support_around_them": "no",
        "result": "not_at_risk",
    }
    refused = client.post(
        f"/api/v1/cases/{case.id}/suspect-welfare/screenings/", body, format="json"
    )
    assert refused.status_code == 400
    assert "result" in str(refused.json())
    assert WelfareScreening.objects.count() == 0
    created = client.post(
        f"/api/v1/cases/{case.id}/suspect-welfare/screenings/",
        {**body, "result": "at_risk"},
        format="json",
    )
    assert created.status_code == 201
    assert created.json()["flag_raised"] is True
    listed = client.get(f"/api/v1/cases/{case.id}/suspect-welfare/screenings/")
    assert len(listed.json()["results"]) == 1


def test_an_incident_and_its_iopc_referral_through_the_api(
    clock, officer_north, case, suspect, record_event, api_for
):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 2, 7, 0))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 2, 18, 0))
    client = api_for(officer_north)
    url = f"/api/v1/cases/{case.id}/suspect-welfare/incidents/"
    body = {
        "suspect": str(suspect.id),
        "kind": "death",
        "stage": "in_custody",
        "occurred_at": "2026-03-06T03:00:00Z",
        "description": "Found dead at home.",
    }
    refused = client.post(url, body, format="json")
    assert refused.status_code == 400
    assert "stage" in str(refused.json())
    assert WelfareIncident.objects.count() == 0
    created = client.post(url, {**body, "stage": "under_investigation"}, format="json")
    assert created.status_code == 201
    assert created.json()["iopc_referral_outstanding"] is True
    referral_url = f"/api/v1/welfare-incidents/{created.json()['id']}/iopc-referral/"
    referral = {"iopc_reference": "2026/000777", "iopc_referred_on": "2026-03-06"}
    assert client.post(referral_url, referral, format="json").status_code == 428
    assert (
        client.post(referral_url, referral, format="json", HTTP_IF_MATCH='"9"').status_code == 412
    )
    done = client.post(referral_url, referral, format="json", HTTP_IF_MATCH='"1"')
    assert done.status_code == 200
    assert done["ETag"] == '"2"'
    assert done.json()["iopc_referral_outstanding"] is False


def test_pages_record_a_screening_with_errors_on_the_form(
    clock, officer_north, case, suspect, record_event, browser_for
):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 10, 7, 0))
    browser = browser_for(officer_north)
    url = f"/cases/{case.id}/suspect-welfare/screening/new/"
    form = {
        "suspect": str(suspect.id),
        "screened_on": "10/3/2026",
        "screened_time": "08:00",
        "thoughts_of_suicide": "yes",
        "previous_attempts": "no",
        "mental_health_concerns": "no",
        "support_around_them": "yes",
        "result": "not_at_risk",
    }
    refused = browser.post(url, form)
    assert refused.status_code == 200
    assert "govuk-error-summary" in refused.content.decode()
    assert WelfareScreening.objects.count() == 0
    done = browser.post(url, {**form, "result": "at_risk"})
    assert done.status_code == 302
    assert done["Location"].endswith("#suspect-welfare")
    assert WelfareScreening.objects.get().result == "at_risk"
