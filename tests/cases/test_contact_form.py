"""Logging a contact: /cases/{id}/contacts/new/, the short form a generalist officer
fills in many times a day."""

import html
import re
from datetime import UTC, date, datetime

import pytest

from agencies.models import AccessLogEntry, Role
from cases.models import ContactLog
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    TOTPDeviceFactory,
    grant_case,
)

# A Monday in June 2026, 10:30 in London (British Summer Time).
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
SERVICE = " \N{EN DASH} Tideline"


pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, reference="NP-2026-000042")


@pytest.fixture
def victim(case):
    return PartyFactory(
        case=case,
        role="victim",
        person=PersonFactory(recorded_by_agency=case.owning_agency, first_name="Robin"),
    )


@pytest.fixture
def suspect(case):
    return PartyFactory(case=case, role="suspect")


def _url(case) -> str:
    return f"/cases/{case.id}/contacts/new/"


def _title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode()).group(1))


def test_the_form_offers_the_visible_parties_victims_first_and_picks_the_only_victim(
    officer_north, case, suspect, victim, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get(_url(case))
    # then
    assert response.status_code == 200
    assert _title(response) == "Log a contact on NP-2026-000042" + SERVICE
    form = response.context["form"]
    assert [value for value, _ in form.fields["party"].choices] == [str(victim.id), str(suspect.id)]
    assert form["party"].value() == str(victim.id)
    page = response.content.decode()
    assert f'id="id_party" name="party" type="radio" value="{victim.id}" checked' in page
    assert '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">How?</legend>' in page
    assert '<details class="govuk-details">' in page
    # The time defaults to now, in London.
    assert form["contacted_on"].value() == date(2026, 6, 15)
    assert form["contacted_time"].value() == "10:30"


def test_the_party_in_the_link_is_chosen(officer_north, case, victim, suspect, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get(f"{_url(case)}?party={suspect.id}")
    # then
    assert response.context["form"]["party"].value() == str(suspect.id)


def test_with_two_victims_nobody_is_chosen_for_the_officer(officer_north, case, browser_for):
    # given
    PartyFactory(case=case, role="victim")
    PartyFactory(case=case, role="victim")
    client = browser_for(officer_north)
    # when
    response = client.get(_url(case))
    # then
    assert response.context["form"]["party"].value() == ""


def test_logging_a_contact_returns_to_the_case_with_a_banner(
    officer_north, case, victim, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(
        _url(case),
        {"party": str(victim.id), "channel": "phone", "summary": "Explained the next steps."},
        follow=True,
    )
    # then
    assert response.redirect_chain == [(f"/cases/{case.id}/contacts/#contacts", 302)]
    contact = ContactLog.objects.get()
    assert (contact.party, contact.channel, contact.direction, contact.contacted_at) == (
        victim,
        "phone",
        "outbound",
        NOW,
    )
    assert contact.made_by == officer_north.user
    page = html.unescape(response.content.decode())
    assert f"Contact with {victim.person.full_name} logged on NP-2026-000042." in page
    assert "Explained the next steps." in page
    assert AccessLogEntry.objects.filter(action="cases.contact.logged").count() == 1


def test_the_more_details_are_recorded(officer_north, case, victim, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(
        _url(case),
        {
            "party": str(victim.id),
            "channel": "visit",
            "summary": "Home visit.",
            "contacted_on": "12/6/2026",
            "contacted_time": "16:45",
            "direction": "inbound",
            "next_contact_on": "19/6/2026",
            "next_contact_note": "Call after school",
        },
    )
    # then
    assert response.status_code == 302
    contact = ContactLog.objects.get()
    # 16:45 in London in June is 15:45 UTC.
    assert contact.contacted_at == datetime(2026, 6, 12, 15, 45, tzinfo=UTC)
    assert (contact.direction, contact.next_contact_on, contact.next_contact_note) == (
        "inbound",
        date(2026, 6, 19),
        "Call after school",
    )


def test_missing_answers_are_named_in_the_error_summary_and_nothing_is_logged(
    officer_north, case, victim, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(_url(case), {"party": "", "channel": "", "summary": ""})
    # then
    assert response.status_code == 200
    assert _title(response) == "Error: Log a contact on NP-2026-000042" + SERVICE
    page = response.content.decode()
    assert '<a href="#id_party">Select who the contact was with.</a>' in page
    assert '<a href="#id_channel">Select how the contact was made.</a>' in page
    assert '<a href="#id_summary">Enter what was said or agreed.</a>' in page
    assert 'class="govuk-form-group govuk-form-group--error"><fieldset' in page
    assert ContactLog.objects.count() == 0


def test_a_contact_in_the_future_is_refused_on_its_date_and_the_details_stay_open(
    officer_north, case, victim, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(
        _url(case),
        {
            "party": str(victim.id),
            "channel": "phone",
            "summary": "x",
            "contacted_on": "16/6/2026",
            "contacted_time": "09:00",
        },
    )
    # then
    page = response.content.decode()
    assert '<a href="#id_contacted_on">Must not be in the future.</a>' in page
    assert '<details class="govuk-details" open>' in page
    assert ContactLog.objects.count() == 0


def test_a_date_without_a_time_asks_for_the_time(officer_north, case, victim, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post(
        _url(case),
        {"party": str(victim.id), "channel": "phone", "summary": "x", "contacted_on": "1/6/2026"},
    )
    # then
    assert (
        '<a href="#id_contacted_time">Enter the time of the contact, for example 14:30.</a>'
        in response.content.decode()
    )
    assert ContactLog.objects.count() == 0


def test_a_party_of_another_case_cannot_be_chosen(officer_north, north, case, victim, browser_for):
    # given
    elsewhere = PartyFactory(case=CaseFactory(owning_agency=north), role="victim")
    client = browser_for(officer_north)
    # when
    response = client.post(
        _url(case), {"party": str(elsewhere.id), "channel": "phone", "summary": "x"}
    )
    # then
    assert response.status_code == 200
    assert (
        '<a href="#id_party">Select someone who is a party to this case.</a>'
        in response.content.decode()
    )
    assert ContactLog.objects.count() == 0


def test_a_case_with_nobody_in_it_points_to_adding_a_person(officer_north, case, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get(_url(case))
    # then
    page = response.content.decode()
    assert "Nobody is recorded in this case yet." in page
    assert f'href="/cases/{case.id}/parties/new/"' in page


def test_an_agency_granted_the_case_may_log_a_contact(case, victim, browser_for):
    # given
    mash = AgencyFactory(slug="northshire-mash", mash=True)
    coordinator = MembershipFactory(agency=mash, role=Role.MASH_COORDINATOR)
    TOTPDeviceFactory(user=coordinator.user)
    grant_case(case, mash)
    client = browser_for(coordinator)
    # when
    response = client.post(
        _url(case), {"party": str(victim.id), "channel": "email", "summary": "x"}
    )
    # then
    assert response.status_code == 302
    assert ContactLog.objects.get().made_by == coordinator.user


def test_another_force_cannot_log_a_contact(officer_south, case, victim, browser_for):
    # given
    client = browser_for(officer_south)
    # when
    response = client.post(
        _url(case), {"party": str(victim.id), "channel": "phone", "summary": "x"}
    )
    # then
    assert response.status_code == 404
    assert ContactLog.objects.count() == 0


def test_an_auditor_cannot_log_a_contact(auditor_north, case, victim, browser_for):
    # given
    client = browser_for(auditor_north)
    # when
    response = client.post(
        _url(case), {"party": str(victim.id), "channel": "phone", "summary": "x"}
    )
    # then
    assert response.status_code == 404
    assert ContactLog.objects.count() == 0
