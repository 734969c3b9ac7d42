"""Fixes from the review of the suspect welfare issue: the IOPC referral of an
incident can be recorded on a page (not only through the API), and the 48-hour
checks list refuses an unknown `whose` instead of quietly reading it as "mine"."""

from datetime import date

import pytest

from cases.models import EventKind
from common.errors import ValidationError
from tests.factories import grant_case
from tests.welfare.suspects.conftest import at
from welfare.models import WelfareIncident
from welfare.selectors.suspects import welfare_check_list
from welfare.services.suspect_incidents import welfare_incident_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def death(clock, officer_north, case, suspect, record_event):
    """A death while released under investigation: an IOPC referral is outstanding."""
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 2, 7, 0))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 2, 18, 0))
    return welfare_incident_record(
        actor=officer_north.user,
        case=case,
        suspect=suspect,
        kind="death",
        stage="under_investigation",
        occurred_at=at(2026, 3, 6, 3, 0),
        serious_harm=False,
        description="Found dead at home.",
    )


def _url(incident) -> str:
    return f"/welfare-incidents/{incident.id}/iopc-referral/"


# --- The IOPC referral page


def test_the_panel_links_an_outstanding_referral_to_its_page(
    death, officer_north, case, browser_for
):
    page = browser_for(officer_north).get(f"/cases/{case.id}/welfare/").content.decode()
    assert "A referral to the Independent Office for Police Conduct is outstanding" in page
    assert f'href="{_url(death)}"' in page


def test_the_referral_is_recorded_on_its_page(death, officer_north, case, browser_for):
    # given
    browser = browser_for(officer_north)
    form = browser.get(_url(death))
    assert form.status_code == 200
    assert 'name="version" value="1"' in form.content.decode()
    # when
    done = browser.post(
        _url(death),
        {"iopc_reference": " 2026/000777 ", "iopc_referred_on": "6/3/2026", "version": "1"},
    )
    # then
    assert done.status_code == 302
    assert done["Location"] == f"/cases/{case.id}/welfare/#suspect-welfare"
    death.refresh_from_db()
    assert (death.iopc_reference, death.iopc_referred_on, death.version) == (
        "2026/000777",
        date(2026, 3, 6),
        2,
    )
    page = browser.get(f"/cases/{case.id}/welfare/").content.decode()
    assert "is outstanding" not in page
    assert "IOPC 2026/000777" in page


@pytest.mark.parametrize(
    ("form", "field", "message"),
    [
        ({"iopc_reference": "", "iopc_referred_on": "6/3/2026"}, "iopc_reference", "Enter the"),
        ({"iopc_reference": "2026/1", "iopc_referred_on": ""}, "iopc_referred_on", "Enter the"),
        (
            {"iopc_reference": "2026/1", "iopc_referred_on": "5/3/2026"},
            "iopc_referred_on",
            "Must not be before the incident.",
        ),
        (
            {"iopc_reference": "2026/1", "iopc_referred_on": "12/3/2026"},
            "iopc_referred_on",
            "",
        ),
    ],
)
def test_bad_input_is_shown_on_the_field_and_nothing_is_stored(
    death, officer_north, browser_for, form, field, message
):
    refused = browser_for(officer_north).post(_url(death), {**form, "version": "1"})
    page = refused.content.decode()
    assert refused.status_code == 200
    assert "govuk-error-summary" in page
    assert f'id="id_{field}-error"' in page
    assert message in page
    death.refresh_from_db()
    assert (death.iopc_reference, death.iopc_referred_on, death.version) == ("", None, 1)


def test_a_stale_form_is_refused_and_nothing_is_stored(death, officer_north, browser_for):
    refused = browser_for(officer_north).post(
        _url(death), {"iopc_reference": "2026/1", "iopc_referred_on": "6/3/2026", "version": "7"}
    )
    assert refused.status_code == 200
    assert "Someone else has changed this record" in refused.content.decode()
    death.refresh_from_db()
    assert death.iopc_reference == ""


@pytest.mark.parametrize(
    "persona",
    [
        "officer_south",
        "admin_north",
        "auditor_north",
        "caseworker_harbour",
        "caseworker_lighthouse",
    ],
)
def test_the_page_is_not_found_for_anyone_else(death, case, request, persona, browser_for):
    member = request.getfixturevalue(persona)
    grant_case(case, member.agency)
    browser = browser_for(member)
    assert browser.get(_url(death)).status_code == 404
    refused = browser.post(
        _url(death), {"iopc_reference": "2026/1", "iopc_referred_on": "6/3/2026", "version": "1"}
    )
    assert refused.status_code == 404
    assert WelfareIncident.objects.get().iopc_reference == ""


def test_an_unknown_incident_is_not_found(clock, officer_north, browser_for):
    missing = "/welfare-incidents/00000000-0000-0000-0000-000000000000/iopc-referral/"
    assert browser_for(officer_north).get(missing).status_code == 404


# --- The checks list


def test_the_checks_list_refuses_an_unknown_whose(clock, supervisor_north, api_for):
    with pytest.raises(ValidationError) as refused:
        welfare_check_list(actor=supervisor_north.user, filters={"whose": "everyone"})
    assert "whose" in refused.value.message_dict
    response = api_for(supervisor_north).get("/api/v1/suspect-welfare/checks/?whose=everyone")
    assert response.status_code == 400
    assert "whose" in response.json()["errors"]
    ok = api_for(supervisor_north).get("/api/v1/suspect-welfare/checks/?whose=mine")
    assert ok.status_code == 200
