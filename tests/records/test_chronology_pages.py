"""The Chronology tab and GET /api/v1/cases/{id}/chronology/ (issue 19): the same
entries as the reader may see them, filters without JavaScript, Newer and Older links,
one access-log entry naming what was listed, and a pinned number of queries whatever
the number of records."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from agencies.models import AccessLogEntry, Role
from cases.models import ContactLog
from tests.factories import AgencyFactory, MembershipFactory, TOTPDeviceFactory
from tests.factories_chronology import grant_parties, hour, story_case
from tests.helpers import ACCESS_LOG_QUERIES

NOW = datetime(2026, 5, 6, 12, 0, tzinfo=UTC)
pytestmark = [pytest.mark.clock(NOW, tick=True), pytest.mark.usefixtures("clock")]

# Measured on 7 December 2026: the tab's header (the key facts, as every tab) and its
# own reads (the parties once, then one query per source and one for the agencies of
# the people named); the API reads no header.
PAGE_QUERIES = 45
API_QUERIES = 27


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


def _page(client, case, query=""):
    response = client.get(f"/cases/{case.id}/chronology/{query}")
    assert response.status_code == 200
    return response.content.decode()


def _rows(page: str) -> list[str]:
    table = page.split('id="chronology-caption"', 1)[1].split("</table>", 1)[0]
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in table.split('<tr class="govuk-table__row">')[2:]
    ]


def test_the_tab_lists_the_story_newest_first_with_the_key_facts(
    investigator_north, north, mash, browser_for
):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    page = _page(browser_for(investigator_north), story.case)
    # then
    rows = _rows(page)
    assert len(rows) == 13
    assert rows[0].startswith("4 May 2026 22:00 Duty Deadline missed")
    assert rows[-1].startswith("2 Mar 2026 00:00 Case Case opened")
    assert "Material summary recorded" in page
    assert 'aria-label="Key facts"' in page
    assert re.search(r'href="/cases/[^"]+/chronology/" aria-current="page">Chronology<', page)
    assert "Olivia Northam" in page and "investigator.north" not in page.split("<main", 1)[1]


def test_an_officer_without_clearance_sees_no_material_on_the_tab_or_the_api(
    officer_north, investigator_north, north, mash, browser_for, api_for
):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    # when
    page = _page(browser_for(officer_north), story.case)
    answer = api_for(officer_north).get(f"/api/v1/cases/{story.case.id}/chronology/").json()
    # then
    assert "Material summary" not in page and 'value="material"' not in page
    assert len(_rows(page)) == 12
    assert [e for e in answer["results"] if e["compartment"] == "material"] == []
    assert len(answer["results"]) == 12


def test_a_hub_holding_the_child_sees_no_victim_or_suspect_entry(
    investigator_north, coordinator_mash, north, mash, browser_for, api_for
):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    grant_parties(story.case, mash, [story.child])
    # when
    page = _page(browser_for(coordinator_mash), story.case)
    answer = api_for(coordinator_mash).get(f"/api/v1/cases/{story.case.id}/chronology/").json()
    # then
    compartments = {entry["compartment"] for entry in answer["results"]}
    assert compartments == {"case", "family", "child_safeguarding"}
    for name in (story.victim.person.full_name, story.suspect.person.full_name):
        assert name not in page
        assert name not in str(answer)
    assert story.child.person.full_name in page


def test_a_charity_another_force_and_an_auditor_find_nothing(
    caseworker_harbour,
    officer_south,
    auditor_north,
    investigator_north,
    north,
    browser_for,
    api_for,
):
    # given
    story = story_case(north, investigator_north.user)
    before = ContactLog.objects.count()
    # when / then
    for member in (caseworker_harbour, officer_south, auditor_north):
        assert browser_for(member).get(f"/cases/{story.case.id}/chronology/").status_code == 404
        answer = api_for(member).get(f"/api/v1/cases/{story.case.id}/chronology/")
        assert answer.status_code == 404
        assert "Vera" not in answer.content.decode()
    assert ContactLog.objects.count() == before


def test_the_filters_work_as_a_plain_form(investigator_north, north, mash, browser_for):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    client = browser_for(investigator_north)
    # when
    page = _page(client, story.case, f"?kind=flag&kind=contact&party={story.victim.pk}")
    everything = _page(client, story.case, "?kind=&party=")
    # then
    rows = _rows(page)
    assert len(rows) == 1 and "Phone (we contacted them)" in rows[0]
    assert 'value="flag" checked' in page and 'value="contact" checked' in page
    assert f'<option value="{story.victim.pk}" selected>' in page
    assert "Clear the filters" in page
    assert len(_rows(everything)) == 13


def test_a_person_not_offered_is_an_error_naming_the_field(
    investigator_north, north, browser_for, api_for
):
    # given
    story = story_case(north, investigator_north.user)
    # when
    page = _page(browser_for(investigator_north), story.case, "?party=not-a-person")
    answer = api_for(investigator_north).get(
        f"/api/v1/cases/{story.case.id}/chronology/?party=00000000-0000-0000-0000-000000000000"
    )
    # then
    assert "There is a problem" in page and 'href="#id_party"' in page
    assert answer.status_code == 400
    assert answer.json()["errors"] == {"party": ["Choose a person in this case."]}


def test_newer_and_older_links_walk_the_pages(investigator_north, north, mash, browser_for):
    # given: more contacts than a page holds
    story = story_case(north, investigator_north.user, mash=mash)
    for n in range(50):
        ContactLog.objects.create(
            case=story.case,
            party=story.victim,
            contacted_at=hour(13) + timedelta(minutes=n),
            channel="text",
            made_by=investigator_north.user,
            summary=f"Text {n}",
        )
    client = browser_for(investigator_north)
    # when
    first = _page(client, story.case)
    older = re.search(r'href="\?cursor=([^"]+)" rel="next"', first).group(1)
    second = _page(client, story.case, f"?cursor={older}")
    newer = re.search(r'href="\?cursor=([^"]+)" rel="prev"', second).group(1)
    back = _page(client, story.case, f"?cursor={newer}")
    # then
    assert len(_rows(first)) == 50 and len(_rows(second)) == 13
    assert 'rel="prev"' not in first and 'rel="next"' not in second
    assert _rows(back) == _rows(first)
    assert "Text 49" in _rows(first)[0] and "Text 0" in _rows(first)[-1]


def test_the_api_pages_by_cursor_and_names_a_bad_one(investigator_north, north, mash, api_for):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    client = api_for(investigator_north)
    url = f"/api/v1/cases/{story.case.id}/chronology/"
    # when
    first = client.get(f"{url}?page_size=5").json()
    second = client.get(first["next"]).json()
    bad = client.get(f"{url}?cursor=made-up")
    kinds = client.get(f"{url}?kind=duty&kind=flag").json()
    unknown = client.get(f"{url}?kind=gossip")
    # then
    assert set(first) == {"next", "previous", "results"}
    assert first["previous"] is None and second["previous"] is not None
    assert [e["kind"] for e in first["results"]] == [
        "duty",
        "task",
        "outcome",
        "strategy",
        "material",
    ]
    assert [e["kind"] for e in second["results"]] == [
        "duty",
        "referral",
        "flag",
        "assessment",
        "event",
    ]
    entry = first["results"][0]
    assert entry["who"] == {"name": "Olivia Northam", "agency": "Northshire Police"}
    assert entry["party"]["id"] == str(story.suspect.pk) and entry["party"]["role"] == "Suspect"
    assert entry["url"].endswith(f"/cases/{story.case.id}/welfare/#family-support")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"cursor"}
    assert [e["kind"] for e in kinds["results"]] == ["duty", "duty", "flag"]
    assert unknown.status_code == 400 and set(unknown.json()["errors"]) == {"kind.0"}


def test_each_read_is_one_access_log_entry_naming_what_was_listed(
    investigator_north, north, mash, browser_for, api_for
):
    # given
    story = story_case(north, investigator_north.user, mash=mash)
    before = AccessLogEntry.objects.count()
    # when
    _page(browser_for(investigator_north), story.case, "?kind=contact")
    api_for(investigator_north).get(f"/api/v1/cases/{story.case.id}/chronology/?kind=flag")
    # then
    page_entry, api_entry = AccessLogEntry.objects.order_by("sequence")[before:]
    assert page_entry.object_id == str(story.case.pk)
    assert f"contact:{story.records['contact'].pk}" in page_entry.record_ids
    assert api_entry.action == "records.chronology.listed"
    assert api_entry.record_ids == [f"flag:{story.records['flag'].pk}"]


@pytest.mark.parametrize("extra", [0, 20])
def test_queries_do_not_grow_with_the_records(
    extra, investigator_north, north, mash, browser_for, api_for, django_assert_max_num_queries
):
    # given: the story, then `extra` more contacts
    story = story_case(north, investigator_north.user, mash=mash)
    for n in range(extra):
        ContactLog.objects.create(
            case=story.case,
            party=story.victim,
            contacted_at=hour(13) + timedelta(minutes=n),
            channel="text",
            made_by=investigator_north.user,
            summary=f"Text {n}",
        )
    page_client, api_client = browser_for(investigator_north), api_for(investigator_north)
    # when / then
    with django_assert_max_num_queries(PAGE_QUERIES + ACCESS_LOG_QUERIES):
        assert page_client.get(f"/cases/{story.case.id}/chronology/").status_code == 200
    with django_assert_max_num_queries(API_QUERIES + ACCESS_LOG_QUERIES):
        assert api_client.get(f"/api/v1/cases/{story.case.id}/chronology/").status_code == 200
