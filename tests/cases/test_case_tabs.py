"""The case page as a summary and tabs (issue 18): the key facts above every tab, one
tab marked current, each tab reading and logging only what it shows in a pinned number
of queries, names (never usernames), and forms landing on the tab they changed."""

import re
from datetime import UTC, datetime

import pytest

from agencies.models import AccessLogEntry, Role
from cases.case_tabs import TABS, case_section_url
from cases.models import Case, ContactLog, KeyDecision
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    TOTPDeviceFactory,
    UserFactory,
    grant_case,
)
from tests.helpers import ACCESS_LOG_QUERIES

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]

# Each tab's ceiling, as measured on 7 December 2026 for an officer of the owning force
# with a case of two of everything (the one page took 43): the header's facts (the
# level, the flags, the next duty, who else holds it) and the tab's own reads.
CEILINGS = {
    "summary": 24,
    "parties": 22,
    "contacts": 22,
    "risk": 28,
    "strategy": 24,
    "referrals": 26,
    "events": 26,
    "welfare": 28,
    "documents": 21,
    # The chronology reads each of its sources once (records.selectors.chronology).
    "chronology": 45,
    "history": 27,
}


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_mash(mash):
    membership = MembershipFactory(agency=mash, role=Role.MASH_COORDINATOR, user__username="c.m")
    TOTPDeviceFactory(user=membership.user)
    return membership


def _case(north, officer):
    lead = officer.user
    lead.first_name, lead.last_name = "Olivia", "Northam"
    lead.save(update_fields=["first_name", "last_name"])
    case = CaseFactory(
        owning_agency=north, reference="NP-2026-000042", title="Sextortion", lead_officer=lead
    )
    for number in range(2):
        victim = PartyFactory(case=case, role="victim")
        PartyFactory(case=case, role="suspect")
        ContactLog.objects.create(
            case=case,
            party=victim,
            contacted_at=datetime(2026, 6, 1, 10, number, tzinfo=UTC),
            channel="phone",
            made_by=lead,
            summary="Update",
        )
        KeyDecision.objects.create(
            case=case,
            decision=f"Decision {number}",
            rationale="Because.",
            decided_by=lead,
            decided_at=datetime(2026, 6, 1, 10, number, tzinfo=UTC),
        )
    return case


def _tab_url(case, slug):
    return f"/cases/{case.id}/" if slug == "summary" else f"/cases/{case.id}/{slug}/"


@pytest.mark.parametrize("slug", [tab.slug for tab in TABS])
def test_each_tab_runs_in_its_ceiling_of_queries_and_marks_itself_current(
    slug, officer_north, north, browser_for, django_assert_max_num_queries
):
    # given
    case = _case(north, officer_north)
    client = browser_for(officer_north)
    # when
    with django_assert_max_num_queries(CEILINGS[slug] + ACCESS_LOG_QUERIES):
        response = client.get(_tab_url(case, slug))
    # then: one link is the current page, and it is this tab's
    page = response.content.decode()
    assert response.status_code == 200
    current = re.findall(
        r'<a class="tl-case-tabs__link govuk-link" href="([^"]+)" aria-current="page">', page
    )
    assert current == [_tab_url(case, slug)]
    # the key facts are above every tab
    assert 'aria-label="Key facts"' in page
    assert "Olivia Northam" in page
    assert "Next duty due" in page


def test_each_tab_logs_the_read_of_the_case_and_only_the_people_it_shows(
    officer_north, north, browser_for
):
    # given
    case = _case(north, officer_north)
    client = browser_for(officer_north)
    # when
    client.get(f"/cases/{case.id}/documents/")
    client.get(f"/cases/{case.id}/parties/")
    # then: both reads of the case are logged; the people only by the tab that lists them
    documents, parties = AccessLogEntry.objects.filter(
        action="cases.case.viewed", object_id=str(case.id)
    ).order_by("sequence")
    assert not [shown for shown in documents.record_ids if shown.startswith("party:")]
    assert sorted(shown for shown in parties.record_ids if shown.startswith("party:")) == sorted(
        f"party:{party.id}" for party in case.parties.all()
    )


def test_the_header_says_who_else_holds_the_case(
    officer_north, coordinator_mash, mash, north, browser_for
):
    # given
    case = _case(north, officer_north)
    grant_case(case, mash)
    # when
    owner_view = browser_for(officer_north).get(f"/cases/{case.id}/").content.decode()
    granted_view = browser_for(coordinator_mash).get(f"/cases/{case.id}/").content.decode()
    # then
    assert "Northshire MASH (granted)" in owner_view
    assert "Northshire Police (owner)" in granted_view
    assert "Northshire MASH (granted)" not in granted_view


def test_history_names_people_not_usernames(officer_north, north, browser_for):
    # given: a change made by a named officer
    case = _case(north, officer_north)
    case.title = "Renamed"
    case._history_user = officer_north.user
    case.save(update_fields=["title"])
    # when
    page = browser_for(officer_north).get(f"/cases/{case.id}/history/").content.decode()
    # then
    history = page.split('id="history"')[1]
    assert "Olivia Northam" in history
    assert "officer.north" not in history


def test_a_decision_recorded_lands_on_the_tab_that_shows_it(officer_north, north, browser_for):
    # given
    case = _case(north, officer_north)
    # when
    response = browser_for(officer_north).post(
        f"/cases/{case.id}/decisions/new/",
        {"decision": "No further action", "rationale": "Nothing found."},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/contacts/#decisions"


def test_a_section_link_goes_to_the_tab_that_shows_it():
    case_id = "3f1c7a52-0000-4000-8000-000000000001"
    assert case_section_url(case_id, "contacts") == f"/cases/{case_id}/contacts/#contacts"
    assert case_section_url(case_id, "victims-code") == f"/cases/{case_id}/welfare/#victims-code"
    assert case_section_url(case_id, "flags") == f"/cases/{case_id}/risk/#flags"
    assert case_section_url(case_id, "party-1") == f"/cases/{case_id}/parties/#party-1"
    assert case_section_url(case_id, "summary") == f"/cases/{case_id}/#summary"
    assert case_section_url(case_id) == f"/cases/{case_id}/"


@pytest.mark.parametrize("slug", [tab.slug for tab in TABS])
def test_another_force_finds_no_tab(slug, officer_south, north, browser_for):
    # given
    case = CaseFactory(owning_agency=north)
    # when
    response = browser_for(officer_south).get(_tab_url(case, slug))
    # then
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).version == 1


def test_no_tab_of_a_case_shows_a_username(officer_north, north, browser_for):
    # given: every record made by a named person
    case = _case(north, officer_north)
    UserFactory(username="someone.else")
    client = browser_for(officer_north)
    for tab in TABS:
        # when
        page = client.get(_tab_url(case, tab.slug)).content.decode()
        main = page.split("<main", 1)[1]
        # then
        assert "officer.north" not in main, tab.slug


def test_the_summary_is_the_case_page_of_old(officer_north, north, browser_for):
    # given
    case = _case(north, officer_north)
    # when
    response = browser_for(officer_north).get(f"/cases/{case.id}/")
    # then
    assert response.status_code == 200
    assert 'id="summary"' in response.content.decode()


def test_the_investigation_tab_explains_outcome_21_where_it_shows_it(
    officer_north, north, browser_for
):
    # given
    from cases.models import Outcome
    from common.glossary import term_explanation

    case = _case(north, officer_north)
    suspect = case.parties.filter(role="suspect").first()
    Outcome.objects.create(
        case=case,
        suspect=suspect,
        code="21",
        outcome_on=datetime(2026, 6, 1, tzinfo=UTC).date(),
        rationale="Youth-produced imagery.",
        recorded_by=officer_north.user,
    )
    client = browser_for(officer_north)
    # when
    events = client.get(f"/cases/{case.id}/events/").content.decode()
    summary = client.get(f"/cases/{case.id}/").content.decode()
    # then: beside the outcome, and not on a tab that does not show it
    assert term_explanation("outcome_21") in events
    assert term_explanation("outcome_21") not in summary


def test_the_people_tab_links_each_name_to_the_persons_page(officer_north, north, browser_for):
    # given
    case = _case(north, officer_north)
    # when
    page = browser_for(officer_north).get(f"/cases/{case.id}/parties/").content.decode()
    # then: every person in the case, by name, to their page (parts, duplicates, merges)
    for party in case.parties.select_related("person"):
        assert f'href="/persons/{party.person_id}/">{party.person.full_name}</a>' in page
    # and the page opens for the same reader
    first = case.parties.first()
    assert browser_for(officer_north).get(f"/persons/{first.person_id}/").status_code == 200
