"""The supervisor's Team duties page and API: every open duty of the teams they
cover, overdue first, never another team's covered by its own supervisor nor another
force's; a keyset page at a time, for the same queries however many; each read logged."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import AccessLogEntry, Role
from tests.conftest import _member
from tests.factories import CaseFactory, PartyFactory, TeamFactory
from tests.welfare.routing.conftest import NOW, at
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger
from welfare.services.duties import duty_open

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

_counter = iter(range(10**6))


def _duty(case, party, holder, due_at, kind=DutyKind.WELFARE_SCREENING):
    return duty_open(
        actor=None,
        case=case,
        party=party,
        kind=kind,
        trigger=DutyTrigger.EVENT,
        reason="Test duty",
        due_at=due_at,
        source_key=f"test:team:{next(_counter)}",
        responsible=holder,
    )


@pytest.fixture
def world(
    north,
    south,
    case,
    suspect,
    victim,
    officer_north,
    investigator_north,
    officer_forensics,
    officer_south,
    supervisor_north,
):
    """Duties of supervisor.north's team, of a team with no supervisor, of a team with
    its own supervisor, and of another force."""
    east = TeamFactory(agency=north, slug="east", name="East Team")
    _member(north, Role.POLICE_SUPERVISOR, "supervisor.east", east)
    officer_east = _member(north, Role.GENERALIST_OFFICER, "officer.east", east)
    east_case = CaseFactory(owning_agency=north, team=east, lead_officer=officer_east.user)
    east_suspect = PartyFactory(case=east_case, role="suspect")
    south_case = CaseFactory(owning_agency=south, lead_officer=officer_south.user)
    south_suspect = PartyFactory(case=south_case, role="suspect")
    return {
        "later": _duty(case, suspect, officer_north.user, at(2026, 3, 12, 17, 0)),
        "overdue": _duty(case, suspect, investigator_north.user, at(2026, 3, 11, 9, 0)),
        "victim": _duty(
            case, victim, officer_north.user, at(2026, 3, 11, 17, 0), DutyKind.VICTIM_UPDATE
        ),
        # on an east case, held by an officer of a team with no supervisor: covered
        "forensics": _duty(east_case, east_suspect, officer_forensics.user, at(2026, 3, 10, 17, 0)),
        "east": _duty(east_case, east_suspect, officer_east.user, at(2026, 3, 9, 17, 0)),
        "south": _duty(south_case, south_suspect, officer_south.user, at(2026, 3, 9, 17, 0)),
        "met": Duty.objects.filter(pk=_duty(case, suspect, officer_north.user, NOW).pk).update(
            status=DutyStatus.MET, resolved_at=NOW
        ),
    }


def test_the_api_lists_the_covered_teams_open_duties_overdue_first(
    api_for, world, supervisor_north
):
    response = api_for(supervisor_north).get("/api/v1/team-duties/")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [
        str(world[name].pk) for name in ("forensics", "overdue", "victim", "later")
    ]
    assert [row["overdue"] for row in rows] == [True, True, False, False]
    assert [row["responsible"]["username"] for row in rows] == [
        "officer.forensics",
        "investigator.north",
        "officer.north",
        "officer.north",
    ]


def test_another_team_with_its_own_supervisor_sees_its_own(api_for, world, north):
    supervisor_east = north.memberships.get(user__username="supervisor.east")
    rows = api_for(supervisor_east).get("/api/v1/team-duties/").json()["results"]
    # its own team's, and the team without a supervisor's: never north's or south's
    assert {row["id"] for row in rows} == {str(world["east"].pk), str(world["forensics"].pk)}


@pytest.mark.parametrize("who", ["officer_north", "investigator_north", "admin_north"])
def test_only_a_supervisor_has_team_duties(request, api_for, browser_for, world, who):
    member = request.getfixturevalue(who)
    assert api_for(member).get("/api/v1/team-duties/").status_code == 403
    assert browser_for(member).get("/team-duties/").status_code == 404


def test_the_page_lists_them_with_reassign_links_and_logs_the_read(
    browser_for, world, supervisor_north
):
    response = browser_for(supervisor_north).get("/team-duties/")
    assert response.status_code == 200
    html = response.content.decode()
    order = [
        html.index(f"/duties/{world[name].pk}/reassign/")
        for name in ("forensics", "overdue", "victim", "later")
    ]
    assert order == sorted(order)
    for name in ("east", "south"):
        assert str(world[name].pk) not in html
    assert html.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong><br>') == 2
    [logged] = AccessLogEntry.objects.filter(user=supervisor_north.user, endpoint="/team-duties/")
    assert sorted(logged.record_ids) == sorted(
        f"duty:{world[name].pk}" for name in ("forensics", "overdue", "victim", "later")
    )


def _page_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/team-duties/")
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_3_or_30_duties(
    browser_for, case, suspect, officer_north, supervisor_north, django_assert_max_num_queries
):
    client = browser_for(supervisor_north)
    counts = {}
    for n in (3, 30):
        Duty.objects.all().delete()
        for i in range(n):
            # Spread over the same week for both, so the calendar is read alike.
            _duty(case, suspect, officer_north.user, NOW + timedelta(hours=i * 143 // (n - 1) - 2))
        client.get("/")
        with django_assert_max_num_queries(12):
            counts[n] = _page_queries(client)
    assert counts[3] == counts[30]


def test_the_menu_offers_team_duties_to_supervisors_and_my_duties_to_the_others(
    browser_for, supervisor_north, officer_north
):
    supervisor_menu = browser_for(supervisor_north).get("/").content.decode()
    officer_menu = browser_for(officer_north).get("/").content.decode()
    assert 'href="/team-duties/"' in supervisor_menu
    assert 'href="/team-duties/"' not in officer_menu
    assert 'href="/my-duties/"' in officer_menu


def test_my_duties_lists_the_readers_own_of_every_kind_overdue_first(
    browser_for, world, investigator_north, officer_north
):
    html = browser_for(officer_north).get("/my-duties/").content.decode()
    order = [html.index(f"/duties/{world[name].pk}/reassign/") for name in ("victim", "later")]
    assert order == sorted(order)
    for name in ("overdue", "forensics", "east", "south"):
        assert str(world[name].pk) not in html
    html = browser_for(investigator_north).get("/my-duties/").content.decode()
    assert f"/duties/{world['overdue'].pk}/reassign/" in html
    assert "Screen the suspect for suicide risk" in html


def test_each_listed_duty_links_to_where_it_is_met(browser_for, world, investigator_north):
    # given: the investigator's own overdue screening
    screening = world["overdue"]
    # when
    html = browser_for(investigator_north).get("/my-duties/").content.decode()
    # then: its name leads to the screening form, not to a contact form
    assert (
        f'<a class="govuk-link" href="/cases/{screening.case_id}/suspect-welfare/screening/new/">'
        "Screen the suspect for suicide risk</a>"
    ) in html
    assert f"/duties/{screening.pk}/log-contact/" not in html
