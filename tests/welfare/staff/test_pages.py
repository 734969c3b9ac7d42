"""The pages: my week with the log form (warning, then confirm), the team view,
and the home page's part."""

import pytest

from tests.helpers import ACCESS_LOG_QUERIES
from tests.welfare.staff.conftest import NOW, at
from welfare.models import ExposureSession, WelfareMeeting
from welfare.services.staff_sessions import exposure_session_log

pytestmark = pytest.mark.django_db
MINE = "/staff-welfare/"
TEAM = "/staff-welfare/team/"


def logged(member, start, end, note="", confirm=False):
    return exposure_session_log(
        actor=member.user,
        started_at=start,
        ended_at=end,
        review_kind="grading",
        private_note=note,
        confirm_breach=confirm,
        now=NOW,
    )


def form(**extra):
    return {
        "started_on": "4/3/2026",
        "starts_at": "14:30",
        "ends_at": "15:30",
        "review_kind": "grading",
        "private_note": "",
        **extra,
    }


def test_my_week_shows_minutes_per_day_and_my_notes(
    clock, investigator_north, browser_for, django_assert_max_num_queries
):
    logged(investigator_north, at(2, 9), at(2, 13, 30), note="my own words", confirm=True)
    client = browser_for(investigator_north)
    with django_assert_max_num_queries(20):
        response = client.get(MINE)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Week beginning Monday 2 March 2026" in page
    assert "Over the limit by 30 minutes" in page
    assert "my own words" in page


def test_logging_a_breach_warns_then_records_when_confirmed(clock, investigator_north, browser_for):
    client = browser_for(investigator_north)
    # when
    warned = client.post(MINE, form())
    # then the form comes back with the warning and the checkbox, nothing stored
    page = warned.content.decode()
    assert warned.status_code == 200
    assert "govuk-warning-text" in page
    assert "final hour of your shift" in page
    assert 'name="confirm_breach"' in page
    assert not ExposureSession.objects.exists()
    # when confirmed
    done = client.post(MINE, form(confirm_breach="on"))
    # then
    assert done.status_code == 302
    session = ExposureSession.objects.get()
    assert session.breaches == ["final_hour"]


def test_an_end_before_the_start_is_shown_on_the_end_time(clock, investigator_north, browser_for):
    response = browser_for(investigator_north).post(MINE, form(starts_at="11:00", ends_at="10:00"))
    page = response.content.decode()
    assert "The end of the session must be after its start." in page
    assert 'href="#id_ends_at"' in page
    assert 'name="confirm_breach"' not in page
    assert not ExposureSession.objects.exists()


def test_the_team_page_shows_each_member_without_notes(
    clock,
    investigator_north,
    supervisor_north,
    north,
    north_team,
    browser_for,
    django_assert_max_num_queries,
):
    from agencies.models import Role
    from tests.factories import MembershipFactory

    logged(
        investigator_north, at(3, 14, 30), at(3, 15, 30), note="zebra-crossing-note", confirm=True
    )
    for _ in range(4):
        MembershipFactory(agency=north, team=north_team, role=Role.SPECIALIST_INVESTIGATOR)
    client = browser_for(supervisor_north)
    with django_assert_max_num_queries(20):
        response = client.get(TEAM)
    page = response.content.decode()
    assert response.status_code == 200
    assert investigator_north.full_name in page
    assert "Final hour" in page
    assert "zebra-crossing-note" not in page


def test_the_supervisor_records_a_debrief_on_the_team_page(
    clock, investigator_north, supervisor_north, browser_for
):
    response = browser_for(supervisor_north).post(
        TEAM, {"member": str(investigator_north.pk), "kind": "debrief", "held_on": "3/3/2026"}
    )
    assert response.status_code == 302
    meeting = WelfareMeeting.objects.get()
    assert (meeting.user, meeting.recorded_by) == (investigator_north.user, supervisor_north.user)


# --- The home page


def test_the_supervisors_home_shows_the_teams_breaches(
    clock, investigator_north, supervisor_north, browser_for
):
    logged(investigator_north, at(3, 14, 30), at(3, 15, 30), confirm=True)
    page = browser_for(supervisor_north).get("/").content.decode()
    assert "Exposure breaches in your team" in page
    assert "1</strong> review session in the last 7 days broke a rule" in page


def test_the_reviewers_home_shows_minutes_today(clock, investigator_north, browser_for):
    logged(investigator_north, at(4, 9), at(4, 10, 30))
    page = browser_for(investigator_north).get("/").content.decode()
    assert "90 minutes of review today, against a limit of 240." in page
    assert "Exposure breaches in your team" not in page


def test_the_home_part_is_constant_in_queries(
    clock,
    investigator_north,
    supervisor_north,
    north,
    north_team,
    browser_for,
    django_assert_max_num_queries,
):
    from agencies.models import Role
    from tests.factories import MembershipFactory
    from welfare.selectors.staff_summaries import team_exposure_alerts_get

    for _ in range(6):
        extra = MembershipFactory(agency=north, team=north_team, role=Role.SPECIALIST_INVESTIGATOR)
        logged(extra, at(3, 14, 30), at(3, 15, 30), confirm=True)
    # Outside a request, the read of the overdue members is logged at once.
    with django_assert_max_num_queries(5 + ACCESS_LOG_QUERIES):
        alerts = team_exposure_alerts_get(actor=supervisor_north.user)
    assert alerts.breach_sessions == 6
    assert alerts.members_with_breaches == 6


def test_a_refused_session_leaves_the_focus_to_the_error_summary(
    clock, investigator_north, browser_for
):
    # A fragment on the form's action (#log) would move the browser to the form after
    # the post and take the focus from the error summary that GOV.UK Frontend gives it.
    client = browser_for(investigator_north)
    response = client.post(MINE, form(starts_at="15:30", ends_at="14:30"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-module="govuk-error-summary"' in page
    assert f'action="{MINE}"' in page
    assert "#log" not in page
    assert "autofocus" not in page
    assert ExposureSession.objects.count() == 0


def test_the_tables_reflow_on_a_phone(clock, investigator_north, browser_for):
    logged(investigator_north, at(2, 9), at(2, 10), note="notes", confirm=True)
    page = browser_for(investigator_north).get(MINE).content.decode()
    assert page.count('<table class="govuk-table tl-table-reflow">') == 2
    assert 'data-label="Against the limit"' in page
    assert 'data-label="Your note"' in page
