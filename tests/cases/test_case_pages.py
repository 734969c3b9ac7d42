"""The case pages: the list (filters, search, pages, the two-click contact), the case
page and its sections, and the forms that open, change and close a case and add
offences and key decisions."""

import html
import re
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies import access
from agencies.models import AccessLogEntry, Compartment, Role
from cases.models import (
    Case,
    CaseStatus,
    ContactLog,
    KeyDecision,
    MaterialSummary,
    Offence,
    Outcome,
)
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    MembershipFactory,
    PartyFactory,
    PersonFactory,
    TeamFactory,
    TOTPDeviceFactory,
    UserFactory,
    grant_case,
)
from tests.helpers import ACCESS_LOG_QUERIES

# A Monday in June 2026, mid-morning in London.
NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
SERVICE = " \N{EN DASH} Tideline"
# Each section of the case page and the tab (sub-page) that shows it (issue 18).
SECTIONS = {
    "summary": "",
    "parties": "parties/",
    "offences": "events/",
    "contacts": "contacts/",
    "decisions": "contacts/",
    "outcomes": "events/",
    "documents": "documents/",
    "history": "history/",
}


pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]


def _member(agency, role, username, team=None):
    membership = MembershipFactory(agency=agency, role=role, team=team, user__username=username)
    TOTPDeviceFactory(user=membership.user)
    return membership


@pytest.fixture
def investigator_north(north, north_team):
    return _member(north, Role.SPECIALIST_INVESTIGATOR, "investigator.north", north_team)


@pytest.fixture
def mash(db):
    return AgencyFactory(slug="northshire-mash", name="Northshire MASH", mash=True)


@pytest.fixture
def coordinator_mash(mash):
    return _member(mash, Role.MASH_COORDINATOR, "coordinator.mash")


def _title(response) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", response.content.decode()).group(1))


def _page(response) -> str:
    return html.unescape(response.content.decode())


def _listed(response) -> list[str]:
    return [case.reference for case in response.context["cases"]]


def _case(agency, **fields) -> Case:
    return CaseFactory(owning_agency=agency, **fields)


def _victim(case, first_name="Robin", last_name="Fictional", **person):
    return PartyFactory(
        case=case,
        role="victim",
        person=PersonFactory(
            recorded_by_agency=case.owning_agency,
            first_name=first_name,
            last_name=last_name,
            **person,
        ),
    )


# --- The list


def test_the_list_shows_the_agencys_cases_newest_received_first_and_no_other_forces(
    officer_north, north, south, browser_for
):
    # given
    older = _case(north, reference="NP-2026-000001", received_on=date(2026, 2, 1))
    newer = _case(north, reference="NP-2026-000002", received_on=date(2026, 5, 1))
    _case(south, reference="SP-2026-000001")
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/")
    # then
    assert response.status_code == 200
    assert _title(response) == "Cases" + SERVICE
    assert _listed(response) == [newer.reference, older.reference]
    assert "SP-2026-000001" not in response.content.decode()


def test_the_list_names_the_visible_victims_and_links_each_open_case_to_the_contact_form(
    officer_north, north, browser_for
):
    # given
    open_case = _case(north, reference="NP-2026-000010")
    _victim(open_case, "Robin", "Example")
    PartyFactory(case=open_case, role="suspect")
    closed_case = _case(
        north,
        reference="NP-2026-000011",
        status=CaseStatus.CLOSED,
        closing_reason="no_crime",
        closed_on=date(2026, 3, 3),
    )
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/", {"status": "all"})
    # then
    page = response.content.decode()
    assert "Robin Example" in page
    assert f'href="/cases/{open_case.id}/contacts/new/"' in page
    assert f'href="/cases/{closed_case.id}/contacts/new/"' not in page
    rows = {case.reference: case for case in response.context["cases"]}
    assert [v.person.full_name for v in rows["NP-2026-000010"].victims] == ["Robin Example"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "closed"}, ["NP-2026-000003"]),
        ({"status": "open"}, ["NP-2026-000002", "NP-2026-000001"]),
        ({"source": "school"}, ["NP-2026-000002"]),
        ({"received_from": "1/4/2026", "status": "all"}, ["NP-2026-000003", "NP-2026-000002"]),
        ({"received_to": "2026-03-31"}, ["NP-2026-000001"]),
        ({"received_from": "1/4/2026", "received_to": "30/4/2026"}, ["NP-2026-000002"]),
        ({"q": "np-2026-000001"}, ["NP-2026-000001"]),
        ({"q": "sextortion"}, ["NP-2026-000002"]),
        ({"q": "Quill", "status": "all"}, ["NP-2026-000003"]),
        ({"q": "Quill"}, []),
    ],
)
def test_the_list_filters_and_searches(officer_north, north, query, expected, browser_for):
    # given
    _case(north, reference="NP-2026-000001", title="Images report", received_on=date(2026, 3, 1))
    _case(
        north,
        reference="NP-2026-000002",
        title="Sextortion of a teenager",
        source="school",
        received_on=date(2026, 4, 10),
    )
    closed = _case(
        north,
        reference="NP-2026-000003",
        status=CaseStatus.CLOSED,
        closing_reason="no_crime",
        closed_on=date(2026, 5, 2),
        received_on=date(2026, 5, 1),
    )
    _victim(closed, "Ash", "Quill")
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/", query)
    # then
    assert response.status_code == 200
    assert _listed(response) == expected


def test_the_list_filters_by_lead_officer_and_team(officer_north, north, north_team, browser_for):
    # given
    mine = _case(north, reference="NP-2026-000001", lead_officer=officer_north.user)
    other_team = TeamFactory(agency=north, name="Response")
    theirs = _case(north, reference="NP-2026-000002", team=other_team)
    client = browser_for(officer_north)
    # when
    by_lead = client.get("/cases/", {"lead_officer": officer_north.user.pk})
    by_team = client.get("/cases/", {"team": str(other_team.id)})
    # then
    assert _listed(by_lead) == [mine.reference]
    assert _listed(by_team) == [theirs.reference]


def test_searching_finds_no_case_by_the_name_of_a_party_the_user_is_not_cleared_to_see(
    officer_north, north, browser_for, monkeypatch
):
    # given: generalist officers are, for this test, not cleared for suspects
    monkeypatch.setitem(
        access.ROLE_CLEARANCES,
        Role.GENERALIST_OFFICER,
        access.ROLE_CLEARANCES[Role.GENERALIST_OFFICER] - {Compartment.SUSPECT},
    )
    case = _case(north, reference="NP-2026-000001", title="Images report")
    _victim(case, "Robin", "Visible")
    PartyFactory(
        case=case,
        role="suspect",
        person=PersonFactory(recorded_by_agency=north, first_name="Hidden", last_name="Suspect"),
    )
    client = browser_for(officer_north)
    # when
    by_victim = client.get("/cases/", {"q": "Visible"})
    by_suspect = client.get("/cases/", {"q": "Suspect"})
    # The case page's People tab is where its parties are shown (issue 18).
    case_page = client.get(f"/cases/{case.id}/parties/")
    # then
    assert _listed(by_victim) == ["NP-2026-000001"]
    assert _listed(by_suspect) == []
    assert "Hidden Suspect" not in case_page.content.decode()
    assert [p.person.full_name for p in case_page.context["parties"]] == ["Robin Visible"]


def test_the_list_refuses_a_bad_date_with_an_error_summary(officer_north, browser_for):
    # given
    client = browser_for(officer_north)
    # when
    response = client.get("/cases/", {"received_from": "31/2/2026"})
    # then
    assert response.status_code == 200
    assert _title(response) == "Error: Cases" + SERVICE
    assert '<a href="#id_received_from">Enter a real date, for example 27/03/2026.</a>' in (
        response.content.decode()
    )
    assert response.context["cases"] == []


def test_the_list_pages_by_25(officer_north, north, browser_for):
    # given
    for number in range(1, 28):
        _case(north, reference=f"NP-2026-{number:06d}", received_on=date(2026, 3, number % 28 + 1))
    client = browser_for(officer_north)
    # when
    first = client.get("/cases/")
    second = client.get("/cases/", {"cursor": first.context["page"].next_cursor})
    # then
    assert len(first.context["cases"]) == 25
    assert len(second.context["cases"]) == 2
    assert 'rel="next"' in first.content.decode()
    assert set(_listed(first)).isdisjoint(_listed(second))


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/cases/")
    assert response.status_code == 200
    return len(queries)


def test_the_list_takes_the_same_number_of_queries_for_5_or_25_cases(
    officer_north, north, browser_for, django_assert_max_num_queries
):
    # given
    client = browser_for(officer_north)
    for _ in range(5):
        case = _case(north)
        _victim(case)
        PartyFactory(case=case, role="suspect")
    with_five = _list_queries(client)
    for _ in range(20):
        case = _case(north)
        _victim(case)
        _victim(case, "Sam", "Second")
        PartyFactory(case=case, role="suspect")
    # when / then
    with django_assert_max_num_queries(with_five):
        response = client.get("/cases/")
    assert len(response.context["cases"]) == 25
    # 14, the risk level and next duty columns' reads (levels, duties, calendar: 3),
    # and the one access-log entry naming the cases and duties on the page
    assert with_five <= 17 + ACCESS_LOG_QUERIES


def test_a_generalist_officer_logs_a_victim_contact_from_the_list_in_two_clicks(
    officer_north, north, browser_for
):
    # given
    case = _case(north, reference="NP-2026-000042")
    victim = _victim(case, "Robin", "Example")
    PartyFactory(case=case, role="suspect")
    client = browser_for(officer_north)
    listing = client.get("/cases/").content.decode()
    link = re.search(r'href="([^"]+)">Log contact', listing).group(1)
    # when: click 1, the "Log contact" link; click 2, the form's button
    form_page = client.get(link)
    response = client.post(link, {"party": str(victim.id), "channel": "phone", "summary": "Update"})
    # then
    assert form_page.status_code == 200
    assert form_page.context["form"]["party"].value() == str(victim.id)
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/contacts/#contacts"
    contact = ContactLog.objects.get(case=case)
    assert (contact.party, contact.channel, contact.summary, contact.made_by) == (
        victim,
        "phone",
        "Update",
        officer_north.user,
    )
    assert contact.direction == "outbound"
    follow = client.get(response["Location"])
    assert "Contact with Robin Example logged on NP-2026-000042." in _page(follow)


# --- The case page


def _full_case(agency):
    case = _case(agency, reference="NP-2026-000042", title="Sextortion of a teenager")
    victim = _victim(case, "Robin", "Example", date_of_birth=date(2010, 9, 1))
    suspect = PartyFactory(
        case=case,
        role="suspect",
        person=PersonFactory(
            recorded_by_agency=agency, first_name="Sol", last_name="Suspect", date_of_birth=None
        ),
    )
    offence = Offence.objects.create(
        case=case,
        offence_type="sexual_extortion",
        committed_from=date(2026, 1, 10),
        platform="ChatApp",
        created_by=UserFactory(),
    )
    offence.parties.set([victim, suspect])
    ContactLog.objects.create(
        case=case,
        party=victim,
        contacted_at=datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
        channel="visit",
        made_by=UserFactory(),
        summary="Explained the next steps.",
    )
    KeyDecision.objects.create(
        case=case,
        decision="Seize the devices",
        rationale="Risk of further offending.",
        decided_by=UserFactory(),
        decided_at=datetime(2026, 6, 2, 10, 0, tzinfo=UTC),
    )
    MaterialSummary.objects.create(
        case=case, category_a_count=3, ncmec_report_id="CT-123", updated_by=UserFactory()
    )
    return case, victim, suspect


def test_the_case_page_shows_every_section_but_material_to_a_generalist_officer(
    officer_north, north, browser_for
):
    # given
    case, _, _ = _full_case(north)
    client = browser_for(officer_north)
    # when
    response = client.get(f"/cases/{case.id}/")
    tabs = {tab: client.get(f"/cases/{case.id}/{tab}") for tab in set(SECTIONS.values())}
    events = tabs["events/"]
    # then
    assert response.status_code == 200
    assert _title(response) == "NP-2026-000042: Sextortion of a teenager" + SERVICE
    for section, tab in SECTIONS.items():
        assert tabs[tab].status_code == 200
        assert f'id="{section}"' in _page(tabs[tab]), section
    assert 'id="material"' not in _page(events)
    assert "CT-123" not in _page(events)
    assert "Sexual extortion" in _page(events)
    assert "ChatApp" in _page(events)
    assert "Explained the next steps." in _page(tabs["contacts/"])
    assert "Seize the devices" in _page(tabs["contacts/"])
    assert events.context["material"] == {"cleared": False}


def test_the_case_page_shows_the_material_summary_to_an_investigator(
    investigator_north, north, browser_for
):
    # given
    case, _, _ = _full_case(north)
    client = browser_for(investigator_north)
    # when
    response = client.get(f"/cases/{case.id}/events/")
    # then
    page = _page(response)
    assert 'id="material"' in page
    assert "CT-123" in page
    assert response.context["material"]["summary"].category_a_count == 3


def test_the_case_page_shows_age_at_the_offence_and_marks_children(
    officer_north, north, browser_for
):
    # given: born 1 Sep 2010, offence on 10 Jan 2026: 15 at the time
    case, victim, suspect = _full_case(north)
    client = browser_for(officer_north)
    # when
    response = client.get(f"/cases/{case.id}/parties/")
    # then
    ages = {p.person.full_name: p.age_at_offence for p in response.context["parties"]}
    assert ages == {"Robin Example": 15, "Sol Suspect": None}
    row = re.search(
        rf'<tr class="govuk-table__row" id="party-{victim.id}">(.*?)</tr>',
        response.content.decode(),
        re.S,
    ).group(1)
    assert '<strong class="govuk-tag govuk-tag--pink">Child</strong>' in row
    suspect_row = re.search(
        rf'<tr class="govuk-table__row" id="party-{suspect.id}">(.*?)</tr>',
        response.content.decode(),
        re.S,
    ).group(1)
    assert "Child" not in suspect_row
    assert "Not known" in suspect_row


def test_the_case_page_shows_a_correction_beside_what_it_corrects(
    officer_north, north, browser_for
):
    # given
    case = _case(north)
    original = KeyDecision.objects.create(
        case=case,
        decision="No further action",
        rationale="Nothing found.",
        decided_by=UserFactory(),
        decided_at=datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
    )
    KeyDecision.objects.create(
        case=case,
        decision="Seize the devices",
        rationale="New intelligence.",
        decided_by=UserFactory(),
        decided_at=datetime(2026, 6, 2, 10, 0, tzinfo=UTC),
        corrects=original,
    )
    client = browser_for(officer_north)
    # when
    page = client.get(f"/cases/{case.id}/contacts/").content.decode()
    # then
    assert f'href="#decision-{original.id}">the decision of 1 Jun 2026, 11:00</a>' in page
    assert "Corrected</strong>" in page
    assert f"?corrects={original.id}" not in page


def test_a_conditional_caution_unmet_by_its_date_needs_a_prosecution_decision(
    officer_north, north, browser_for
):
    # given
    case = _case(north)
    suspect = PartyFactory(case=case, role="suspect")
    Outcome.objects.create(
        case=case,
        suspect=suspect,
        code="3",
        outcome_on=date(2026, 3, 1),
        rationale="Diversion.",
        is_conditional_caution=True,
        caution_conditions="Attend the course",
        conditions_due_on=date(2026, 6, 1),
        recorded_by=UserFactory(),
    )
    client = browser_for(officer_north)
    # when
    response = client.get(f"/cases/{case.id}/events/")
    # then
    page = _page(response)
    assert "Prosecution decision needed" in page
    assert "3: Caution – adults" in page  # noqa: RUF001 (the official title)
    assert [o.prosecution_decision_needed for o in response.context["outcomes"]] == [True]


def test_every_read_of_the_case_page_is_in_the_access_log(officer_north, north, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_north)
    # when
    client.get(f"/cases/{case.id}/")
    client.get(f"/cases/{case.id}/")
    # then
    views = AccessLogEntry.objects.filter(action="cases.case.viewed", object_id=str(case.id))
    assert views.count() == 2
    assert set(views.values_list("username", flat=True)) == {"officer.north"}


PAGES = [
    "/cases/{id}/",
    "/cases/{id}/parties/",
    "/cases/{id}/contacts/",
    "/cases/{id}/risk/",
    "/cases/{id}/strategy/",
    "/cases/{id}/referrals/",
    "/cases/{id}/events/",
    "/cases/{id}/welfare/",
    "/cases/{id}/documents/",
    "/cases/{id}/history/",
    "/cases/{id}/change/",
    "/cases/{id}/close/",
    "/cases/{id}/contacts/new/",
    "/cases/{id}/parties/new/",
    "/cases/{id}/offences/new/",
    "/cases/{id}/decisions/new/",
]


@pytest.mark.parametrize("path", PAGES)
def test_another_force_finds_none_of_the_case_pages(officer_south, north, path, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_south)
    # when
    response = client.get(path.format(id=case.id))
    posted = client.post(path.format(id=case.id), {"summary": "x", "title": "x"})
    # then
    assert response.status_code == 404
    # The case page and its tabs take no POST (405, before anything is looked up).
    assert posted.status_code == (
        404 if path.endswith("new/") or "/change/" in path or "/close/" in path else 405
    )
    assert Case.objects.get(pk=case.pk).version == 1
    assert ContactLog.objects.count() == 0
    assert KeyDecision.objects.count() == 0


def test_a_granted_agency_reads_the_case_but_cannot_change_it(
    coordinator_mash, mash, north, browser_for
):
    # given
    case = _case(north, reference="NP-2026-000042")
    grant_case(case, mash)
    client = browser_for(coordinator_mash)
    # when
    listing = client.get("/cases/")
    page = client.get(f"/cases/{case.id}/")
    contacts = client.get(f"/cases/{case.id}/contacts/")
    change = client.get(f"/cases/{case.id}/change/")
    # then
    assert _listed(listing) == ["NP-2026-000042"]
    assert page.status_code == 200
    assert f'href="/cases/{case.id}/change/"' not in page.content.decode()
    assert f'href="/cases/{case.id}/contacts/new/"' in page.content.decode()
    assert f'href="/cases/{case.id}/contacts/new/"' in contacts.content.decode()
    assert change.status_code == 404


def _page_queries(client, case, tab: str = "") -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/cases/{case.id}/{tab}")
    assert response.status_code == 200
    return len(queries)


def _add_parties_and_contacts(case, count: int):
    for number in range(count):
        victim = _victim(case, "Victim", f"Number{number}", date_of_birth=date(2011, 1, 1))
        suspect = PartyFactory(case=case, role="suspect")
        PartyFactory(case=case, role="family_member", related_to=suspect, relationship="partner")
        offence = Offence.objects.create(
            case=case,
            offence_type="sexual_communication",
            committed_from=date(2026, 1, 1),
            created_by=UserFactory(),
        )
        offence.parties.set([victim, suspect])
        ContactLog.objects.create(
            case=case,
            party=victim,
            contacted_at=datetime(2026, 6, 1, 10, number, tzinfo=UTC),
            channel="phone",
            made_by=UserFactory(),
            summary="Update",
        )
        KeyDecision.objects.create(
            case=case,
            decision=f"Decision {number}",
            rationale="Because.",
            decided_by=UserFactory(),
            decided_at=datetime(2026, 6, 1, 10, number, tzinfo=UTC),
        )
        Outcome.objects.create(
            case=case,
            suspect=suspect,
            code="1",
            outcome_on=date(2026, 6, 1),
            rationale="Charged.",
            recorded_by=UserFactory(),
        )


@pytest.mark.parametrize("persona", ["officer_north", "investigator_north"])
@pytest.mark.parametrize("tab", ["", "parties/", "contacts/", "events/", "history/"])
def test_each_case_tab_takes_the_same_number_of_queries_for_2_or_20_parties_and_contacts(
    persona, tab, request, north, browser_for, django_assert_max_num_queries
):
    # given
    client = browser_for(request.getfixturevalue(persona))
    small, large = _case(north), _case(north)
    _add_parties_and_contacts(small, 2)
    _add_parties_and_contacts(large, 20)
    with_two = _page_queries(client, small, tab)
    # when / then: constant, whatever the size (the tabs' ceilings: test_case_tabs.py)
    with django_assert_max_num_queries(with_two):
        response = client.get(f"/cases/{large.id}/{tab}")
    if tab == "contacts/":
        assert len(response.context["contacts"]) == 20
    if tab == "parties/":
        assert len(response.context["parties"]) == 60


# --- Opening, changing and closing a case


def _new_case(**overrides) -> dict:
    return {
        "title": "Images report from NCMEC",
        "source": "nca_industry_report",
        "source_reference": "CT-99",
        "received_on": "2/6/2026",
        "summary": "",
        "lead_officer": "",
        "team": "",
        **overrides,
    }


def test_an_officer_opens_a_case_and_lands_on_its_page(
    officer_north, north, north_team, browser_for
):
    # given
    client = browser_for(officer_north)
    form = client.get("/cases/new/")
    # when
    response = client.post(
        "/cases/new/",
        _new_case(lead_officer=str(officer_north.user.pk), team=str(north_team.id)),
    )
    # then
    assert form.context["form"]["lead_officer"].value() == str(officer_north.user.pk)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/"
    assert (case.title, case.source, case.source_reference, case.received_on) == (
        "Images report from NCMEC",
        "nca_industry_report",
        "CT-99",
        date(2026, 6, 2),
    )
    assert (case.lead_officer, case.team, case.owning_agency) == (
        officer_north.user,
        north_team,
        north,
    )


def test_opening_a_case_with_bad_input_shows_an_error_summary_naming_each_field(
    officer_north, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post("/cases/new/", _new_case(title="", source="", received_on="1/7/2026"))
    # then
    assert response.status_code == 200
    assert _title(response) == "Error: Open a case" + SERVICE
    page = response.content.decode()
    assert '<a href="#id_title">Enter a title for the case.</a>' in page
    assert '<a href="#id_source">Select how the case reached you.</a>' in page
    assert 'id="id_source" name="source" type="radio"' in page
    assert Case.objects.count() == 0


def test_a_date_received_in_the_future_is_refused_by_the_service_on_its_field(
    officer_north, browser_for
):
    # given
    client = browser_for(officer_north)
    # when
    response = client.post("/cases/new/", _new_case(received_on="1/7/2026"))
    # then
    assert '<a href="#id_received_on">Must not be in the future.</a>' in response.content.decode()
    assert Case.objects.count() == 0


def _change(case, **overrides) -> dict:
    return {
        "title": case.title,
        "source": case.source,
        "source_reference": case.source_reference,
        "received_on": case.received_on.strftime("%d/%m/%Y"),
        "summary": case.summary,
        "lead_officer": "",
        "team": "",
        "reason": "Clearer title",
        "version": case.version,
        **overrides,
    }


def test_an_officer_changes_a_case_with_a_reason(officer_north, north, browser_for):
    # given
    case = _case(north, title="Old title")
    client = browser_for(officer_north)
    # when
    response = client.post(f"/cases/{case.id}/change/", _change(case, title="New title"))
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/#summary"
    case.refresh_from_db()
    assert (case.title, case.version) == ("New title", 2)
    assert case.history.first().history_change_reason == "Clearer title"


def test_a_stale_change_is_refused_and_nothing_changes(officer_north, north, browser_for):
    # given
    case = _case(north, title="Old title")
    client = browser_for(officer_north)
    stale = _change(case, title="Mine")
    Case.objects.filter(pk=case.pk).update(version=2, title="Theirs")
    # when
    response = client.post(f"/cases/{case.id}/change/", stale)
    # then
    assert response.status_code == 200
    assert "Someone else has changed this record since you read it" in _page(response)
    case.refresh_from_db()
    assert (case.title, case.version) == ("Theirs", 2)


def test_an_officer_closes_a_case(officer_north, north, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_north)
    # when
    response = client.post(f"/cases/{case.id}/close/", {"closing_reason": "no_crime", "note": ""})
    # then
    assert response["Location"] == f"/cases/{case.id}/#summary"
    case.refresh_from_db()
    assert (case.status, case.closing_reason, case.closed_on) == (
        "closed",
        "no_crime",
        date(2026, 6, 15),
    )


def test_closing_for_another_reason_needs_a_note(officer_north, north, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_north)
    # when
    response = client.post(f"/cases/{case.id}/close/", {"closing_reason": "other", "note": ""})
    # then
    assert '<a href="#id_note">Explain why the case is closed.</a>' in response.content.decode()
    case.refresh_from_db()
    assert case.status == "open"


def test_a_closed_case_cannot_be_closed_or_changed_again(officer_north, north, browser_for):
    # given
    case = _case(
        north, status=CaseStatus.CLOSED, closing_reason="no_crime", closed_on=date(2026, 3, 3)
    )
    client = browser_for(officer_north)
    # when
    close = client.post(f"/cases/{case.id}/close/", {"closing_reason": "other", "note": "x"})
    change = client.post(f"/cases/{case.id}/change/", _change(case, title="New"))
    # then
    assert close.status_code == 302
    assert change.status_code == 302
    banner = _page(client.get(close["Location"]))
    assert f"{case.reference} is already closed." in banner
    case.refresh_from_db()
    assert (case.closing_reason, case.version) == ("no_crime", 1)


# --- Offences and key decisions


def test_an_officer_records_an_offence_concerning_some_parties(officer_north, north, browser_for):
    # given
    case = _case(north)
    victim = _victim(case)
    PartyFactory(case=case, role="suspect")
    client = browser_for(officer_north)
    # when
    response = client.post(
        f"/cases/{case.id}/offences/new/",
        {
            "offence_type": "sexual_communication",
            "committed_from": "3/1/2026",
            "committed_to": "2026-01-20",
            "platform": "ChatApp",
            "parties": [str(victim.id)],
        },
    )
    # then
    assert response["Location"] == f"/cases/{case.id}/events/#offences"
    offence = Offence.objects.get(case=case)
    assert (offence.committed_from, offence.committed_to, offence.platform) == (
        date(2026, 1, 3),
        date(2026, 1, 20),
        "ChatApp",
    )
    assert list(offence.parties.all()) == [victim]


def test_offence_dates_out_of_order_are_refused_on_their_field(officer_north, north, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_north)
    # when
    response = client.post(
        f"/cases/{case.id}/offences/new/",
        {"offence_type": "other", "committed_from": "3/1/2026", "committed_to": "1/1/2026"},
    )
    # then
    page = response.content.decode()
    assert '<a href="#id_committed_to">Must not be before committed_from.</a>' in page
    assert '<a href="#id_description">Describe the offence.</a>' in page
    assert Offence.objects.count() == 0


def test_an_officer_records_and_then_corrects_a_decision(officer_north, north, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_north)
    client.post(
        f"/cases/{case.id}/decisions/new/",
        {"decision": "No further action", "rationale": "Nothing found."},
    )
    original = KeyDecision.objects.get()
    # when
    form = client.get(f"/cases/{case.id}/decisions/new/?corrects={original.id}")
    response = client.post(
        f"/cases/{case.id}/decisions/new/",
        {"decision": "Seize devices", "rationale": "New intelligence.", "corrects": original.id},
    )
    # then
    assert "No further action" in _page(form)
    assert response["Location"] == f"/cases/{case.id}/contacts/#decisions"
    correction = KeyDecision.objects.exclude(pk=original.pk).get()
    assert (correction.corrects, correction.decided_by) == (original, officer_north.user)
    original.refresh_from_db()
    assert original.decision == "No further action"


def test_a_decision_without_a_rationale_is_refused(officer_north, north, browser_for):
    # given
    case = _case(north)
    client = browser_for(officer_north)
    # when
    response = client.post(f"/cases/{case.id}/decisions/new/", {"decision": "Arrest"})
    # then
    assert _title(response) == f"Error: Record a decision on {case.reference}" + SERVICE
    assert (
        '<a href="#id_rationale">Enter the rationale: why this decision was made.</a>'
        in response.content.decode()
    )
    assert KeyDecision.objects.count() == 0


def test_correcting_a_decision_of_another_case_is_not_found(officer_north, north, browser_for):
    # given
    case, elsewhere = _case(north), _case(north)
    other = KeyDecision.objects.create(
        case=elsewhere,
        decision="x",
        rationale="y",
        decided_by=UserFactory(),
        decided_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    client = browser_for(officer_north)
    logged = AccessLogEntry.objects.count()
    # when
    response = client.get(f"/cases/{case.id}/decisions/new/?corrects={other.id}")
    # then
    assert response.status_code == 404
    # and the request wrote nothing to the access log but its refusal: nothing was read
    written = AccessLogEntry.objects.order_by("sequence")[logged:]
    assert {entry.outcome for entry in written} <= {"denied"}


def test_a_decision_already_corrected_cannot_be_corrected_again(officer_north, north, browser_for):
    # given
    case = _case(north)
    original = KeyDecision.objects.create(
        case=case,
        decision="No further action",
        rationale="Nothing found.",
        decided_by=UserFactory(),
        decided_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    KeyDecision.objects.create(
        case=case,
        decision="Seize devices",
        rationale="New intelligence.",
        decided_by=UserFactory(),
        decided_at=datetime(2026, 6, 2, tzinfo=UTC),
        corrects=original,
    )
    client = browser_for(officer_north)
    # when
    response = client.post(
        f"/cases/{case.id}/decisions/new/",
        {"decision": "Arrest", "rationale": "Because.", "corrects": original.id},
    )
    # then
    assert response.status_code == 409
    assert "That decision has already been corrected; correct the latest one." in _page(response)
    assert KeyDecision.objects.count() == 2
