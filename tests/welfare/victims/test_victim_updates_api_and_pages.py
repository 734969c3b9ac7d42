"""The officer's list of victim updates (API and page), the care API, and the
home page: today's updates in one place, logged in two clicks."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CaseFactory, PartyFactory
from tests.welfare.victims.conftest import at
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, VictimCare
from welfare.services.duties import duty_open

NOW = at(2026, 3, 11, 10, 0)  # a Wednesday


def _duty(case, *, due_at, responsible, kind=DutyKind.VICTIM_UPDATE, victim=None):
    victim = victim or PartyFactory(case=case, role="victim")
    VictimCare.objects.get_or_create(
        party=victim, defaults={"case": case, "enhanced_reason": "under_18"}
    )
    with time_machine.travel(at(2026, 3, 9, 9, 0), tick=False):
        return _open(case, victim, kind, due_at, responsible)


def _open(case, victim, kind, due_at, responsible):
    return duty_open(
        actor=None,
        case=case,
        party=victim,
        kind=kind,
        trigger=DutyTrigger.EVENT,
        reason="Arrested (suspect), 10 March 2026",
        due_at=due_at,
        source_key=f"test:{victim.pk}:{kind}:{due_at.isoformat()}",
        responsible=responsible,
    )


@pytest.fixture
def owed(case, officer_north, supervisor_north):
    """Overdue, due today, due Friday, due next month (mine), and one of a colleague's."""
    me = officer_north.user
    return {
        "overdue": _duty(case, due_at=at(2026, 3, 10, 17, 0), responsible=me),
        "today": _duty(case, due_at=at(2026, 3, 11, 17, 0), responsible=me),
        "friday": _duty(case, due_at=at(2026, 3, 13, 17, 0), responsible=me),
        "later": _duty(case, due_at=at(2026, 4, 20, 17, 0), responsible=me),
        "colleague": _duty(case, due_at=at(2026, 3, 10, 12, 0), responsible=supervisor_north.user),
    }


def _ids(response):
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("due=today", ["overdue", "today"]),
        ("due=overdue", ["overdue"]),
        ("due=week", ["overdue", "today", "friday"]),
        ("", ["overdue", "today", "friday", "later"]),
        ("due=overdue&whose=team", ["colleague", "overdue"]),
    ],
)
def test_the_list_filters_and_orders_by_due(api_for, officer_north, owed, query, expected):
    with time_machine.travel(NOW, tick=False):
        response = api_for(officer_north).get(f"/api/v1/victim-updates/?{query}")
    assert response.status_code == 200
    assert _ids(response) == [str(owed[name].id) for name in expected]


def test_a_row_says_what_the_officer_needs(api_for, officer_north, owed):
    care = VictimCare.objects.get(party=owed["today"].party)
    care.spoken_for_by = "Mother, Jane Smith"
    care.save()
    with time_machine.travel(NOW, tick=False):
        rows = api_for(officer_north).get("/api/v1/victim-updates/?due=today").json()["results"]
    overdue, today = rows
    assert overdue["overdue"] is True and today["overdue"] is False
    assert today["spoken_for_by"] == "Mother, Jane Smith"
    assert today["service_level"] == "enhanced"
    assert today["case"]["reference"] == owed["today"].case.reference
    assert today["kind_label"] == "Update the victim"
    assert today["links"]["log_contact_page"] == f"/duties/{today['id']}/log-contact/"


@pytest.mark.parametrize("query", ["due=tomorrow", "whose=everyone"])
def test_a_bad_filter_is_named(api_for, officer_north, query):
    response = api_for(officer_north).get(f"/api/v1/victim-updates/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {query.split("=")[0]}


def test_an_unknown_kind_is_named(api_for, officer_north):
    response = api_for(officer_north).get("/api/v1/duties/?kind=victim_update,nonsense")
    assert response.status_code == 400
    assert "kind" in response.json()["errors"]


def test_other_forces_and_partners_see_nothing(api_for, officer_south, caseworker_harbour, owed):
    assert _ids(api_for(officer_south).get("/api/v1/victim-updates/?whose=team")) == []
    detail = api_for(officer_south).get(f"/api/v1/duties/{owed['today'].id}/")
    assert detail.status_code == 404
    assert api_for(caseworker_harbour).get("/api/v1/victim-updates/").status_code == 403
    assert api_for(caseworker_harbour).get(f"/api/v1/duties/{owed['today'].id}/").status_code == 404


def test_logging_a_contact_through_the_api(api_for, officer_north, owed):
    duty = owed["today"]
    with time_machine.travel(NOW, tick=False):
        response = api_for(officer_north).post(
            f"/api/v1/duties/{duty.id}/log-contact/",
            {"channel": "phone", "summary": "Told of the arrest."},
            format="json",
        )
        again = api_for(officer_north).post(
            f"/api/v1/duties/{duty.id}/log-contact/",
            {"channel": "phone", "summary": "Again."},
            format="json",
        )
    assert response.status_code == 200
    assert response.json()["status"] == "met"
    assert response.json()["resolution"]["contact"]
    assert again.status_code == 409 and again.json()["state"] == "met"


def test_the_care_api_changes_one_thing_at_a_time(api_for, officer_north, case, victim):
    client = api_for(officer_north)
    url = f"/api/v1/cases/{case.id}/victims/{victim.id}/care/"
    read = client.get(url)
    assert read.status_code == 200 and read["ETag"] == '"1"'
    assert client.patch(url, {"service_level": "standard"}, format="json").status_code == 428
    no_reason = client.patch(
        url,
        {"service_level": "standard", "enhanced_reason": ""},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    changed = client.patch(
        url,
        {"service_level": "standard", "enhanced_reason": "", "reason": "Reviewed: adult."},
        format="json",
        HTTP_IF_MATCH='"1"',
    )
    assert changed.status_code == 200 and changed.json()["service_level"] == "standard"
    stale = client.patch(url, {"spoken_for_by": "x"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    mixed = client.patch(
        url, {"spoken_for_by": "x", "service_level": "enhanced"}, format="json", HTTP_IF_MATCH='"2"'
    )
    assert mixed.status_code == 400


def test_the_list_api_has_a_query_ceiling(
    api_for, officer_north, case, django_assert_max_num_queries
):
    def count(n):
        Duty.objects.all().delete()
        for i in range(n):
            _duty(case, due_at=NOW + timedelta(hours=i + 1), responsible=officer_north.user)
        client = api_for(officer_north)
        with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(8):
            assert len(_ids(client.get("/api/v1/victim-updates/?due=week"))) == n

    count(1)
    count(10)


def test_the_page_lists_and_has_a_ceiling(
    browser_for, officer_north, owed, django_assert_max_num_queries
):
    client = browser_for(officer_north)
    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(20):
        page = client.get("/victim-updates/?due=today")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Victim updates owed" in html
    assert "1 working day late" in html
    assert "Due today 17:00" in html
    assert html.count("Log update") == 2


def test_the_home_page_shows_todays_update_and_logs_it_in_two_clicks(
    browser_for, officer_north, owed, suspect, django_assert_max_num_queries
):
    # given the family pack owed for the suspect
    duty_open(
        actor=None,
        case=owed["today"].case,
        party=suspect,
        kind=DutyKind.FAMILY_PACK,
        trigger=DutyTrigger.EVENT,
        reason="Arrested (suspect), 10 March 2026",
        due_at=at(2026, 3, 11, 17, 0),
        source_key="test:family-pack",
        responsible=officer_north.user,
    )
    client = browser_for(officer_north)
    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(30):
            home = client.get("/")
        html = home.content.decode()
        assert "Your work, most urgent first" in html and "family pack" in html
        assert f"/cases/{owed['today'].case_id}/family-support/" in html
        link = re.search(rf'href="(/duties/{owed["today"].id}/log-contact/[^"]*)"', html).group(1)
        # click 1: the form, already linked to the victim
        form = client.get(link.replace("&amp;", "&"))
        assert form.status_code == 200
        assert owed["today"].party.person.full_name in form.content.decode()
        # click 2: log it
        local = timezone.localtime(NOW)
        done = client.post(
            link.replace("&amp;", "&"),
            {
                "channel": "phone",
                "summary": "Told of the arrest.",
                "contacted_on": local.strftime("%d/%m/%Y"),
                "contacted_time": local.strftime("%H:%M"),
                "direction": "outbound",
                "next": "/",
            },
        )
    assert done.status_code == 302 and done["Location"] == "/"
    owed["today"].refresh_from_db()
    assert owed["today"].status == DutyStatus.MET


def test_the_home_page_query_count_does_not_grow(
    browser_for, officer_north, supervisor_north, case
):
    """Ten duties cost what one does (the ceiling also covers the other home panels)."""

    def count(n, member) -> int:
        Duty.objects.all().delete()
        for i in range(n):
            _duty(case, due_at=NOW - timedelta(hours=i + 1), responsible=officer_north.user)
        client = browser_for(member)
        with time_machine.travel(NOW, tick=False):
            client.get("/")  # warm the per-process calendar cache
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/").status_code == 200
        return len(queries.captured_queries)

    for member in (officer_north, supervisor_north):
        one, ten = count(1, member), count(10, member)
        assert ten <= one <= 35


def test_the_home_page_is_empty_for_partners(browser_for, caseworker_harbour):
    html = browser_for(caseworker_harbour).get("/").content.decode()
    assert "Victim updates owed today" not in html


def test_the_supervisor_sees_the_teams_overdue_updates(browser_for, supervisor_north, owed):
    with time_machine.travel(NOW, tick=False):
        html = browser_for(supervisor_north).get("/").content.decode()
    assert "Your team&#x27;s overdue duties" in html
    assert str(owed["overdue"].id) in html


def test_the_care_page_and_case_panel(browser_for, officer_north, supervisor_north, owed):
    duty = owed["today"]
    client = browser_for(officer_north)
    url = f"/cases/{duty.case_id}/victims/{duty.party_id}/care/"
    assert client.get(url).status_code == 200
    refused = client.post(
        url, {"form": "contact", "point_of_contact": str(supervisor_north.user.pk), "version": 1}
    )
    assert (
        refused.status_code == 200 and "Enter the reason for the change" in refused.content.decode()
    )
    changed = client.post(
        url,
        {
            "form": "contact",
            "point_of_contact": str(supervisor_north.user.pk),
            "reason": "Leave.",
            "version": 1,
        },
    )
    assert changed.status_code == 302
    case_page = client.get(f"/cases/{duty.case_id}/welfare/").content.decode()
    assert "Victims&#x27; Code" in case_page or "Victims' Code" in case_page


def test_a_case_with_no_victim_duties_shows_an_empty_panel_for_police_only(
    browser_for, officer_north, north
):
    case = CaseFactory(owning_agency=north)
    html = browser_for(officer_north).get(f"/cases/{case.id}/welfare/").content.decode()
    assert "No victims are recorded in this case." in html


def test_only_a_supervisor_lists_the_whole_agency(api_for, officer_north, supervisor_north, owed):
    refused = api_for(officer_north).get("/api/v1/victim-updates/?whose=agency")
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"whose"}
    allowed = api_for(supervisor_north).get("/api/v1/victim-updates/?whose=agency")
    assert allowed.status_code == 200
    assert str(owed["today"].id) in _ids(allowed)
