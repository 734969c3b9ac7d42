"""Issue 16: exposure limits for every officer who views material. A generalist
officer views abuse material in the course of investigations (in the force's
grading tools, outside Tideline), so they keep an exposure record under the same
limits as a specialist, and their supervisor sees it whatever the team. Those who
are not police officers still find nothing here."""

from datetime import date

import pytest

from common.models import Notification
from tests.welfare.staff.conftest import NOW, at
from welfare.demo_staff import seed_staff_exposure
from welfare.models import ExposureSession, StaffShift, WelfareMeeting
from welfare.services.staff_sessions import exposure_session_log
from welfare.staff_deadlines import staff_welfare_sweep

pytestmark = pytest.mark.django_db
MINE = "/staff-welfare/"
TEAM = "/staff-welfare/team/"
SHIFT = "/staff-welfare/shift/"
SESSIONS = "/api/v1/staff-exposure/sessions/"
SUMMARY = "/api/v1/staff-exposure/summary/"
MEETINGS = "/api/v1/staff-exposure/meetings/"


def body(start, end, **extra):
    return {
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "review_kind": "grading",
        **extra,
    }


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


# --- The generalist's own record


def test_a_generalist_logs_a_session_and_reads_their_own_record(clock, officer_north, api_for):
    api = api_for(officer_north)
    # when
    created = api.post(SESSIONS, body(at(4, 9), at(4, 10, 30), private_note="hard one"), "json")
    # then
    assert created.status_code == 201, created.content
    (session,) = api.get(SESSIONS).json()["results"]
    assert (session["minutes"], session["breaches"], session["private_note"]) == (
        90,
        [],
        "hard one",
    )
    (summary,) = api.get(SUMMARY).json()["results"]
    assert [d["minutes"] for d in summary["days"]] == [0, 0, 90, 0, 0, 0, 0]
    assert (summary["total_minutes"], summary["breach_count"]) == (90, 0)


def test_a_generalist_sees_their_week_and_minutes_today_on_the_pages(
    clock, officer_north, browser_for
):
    # given 90 minutes of grading today
    logged(officer_north, at(4, 9), at(4, 10, 30), note="my own words")
    browser = browser_for(officer_north)
    # when
    week = browser.get(MINE)
    home = browser.get("/").content.decode()
    # then
    assert week.status_code == 200
    assert "Week beginning Monday 2 March 2026" in week.content.decode()
    assert "my own words" in week.content.decode()
    assert "90 minutes of review today, against a limit of 240." in home
    assert browser.get(SHIFT).status_code == 200


def test_a_generalist_logs_on_the_page(clock, officer_north, browser_for):
    # when
    response = browser_for(officer_north).post(
        MINE,
        {
            "started_on": "4/3/2026",
            "starts_at": "09:00",
            "ends_at": "10:00",
            "review_kind": "grading",
            "private_note": "",
        },
    )
    # then
    assert response.status_code == 302
    session = ExposureSession.objects.get()
    assert (session.user, session.minutes, session.team) == (
        officer_north.user,
        60,
        officer_north.team,
    )


# --- Breaches, as for a specialist


@pytest.mark.parametrize("who", ["officer_north", "investigator_north"])
def test_the_final_hour_is_a_breach_warned_then_recorded(clock, request, api_for, who):
    member = request.getfixturevalue(who)
    api = api_for(member)
    # when a session runs into the final hour of the 08:00-16:00 shift
    warned = api.post(SESSIONS, body(at(3, 14, 30), at(3, 15, 30)), format="json")
    # then it is refused with the warning, nothing stored
    assert warned.status_code == 400
    assert list(warned.json()["errors"]) == ["confirm_breach"]
    assert not ExposureSession.objects.exists()
    # when confirmed
    done = api.post(
        SESSIONS, body(at(3, 14, 30), at(3, 15, 30), confirm_breach=True), format="json"
    )
    # then
    assert done.status_code == 201
    session = ExposureSession.objects.get()
    assert (session.user, session.breaches, session.has_breach) == (
        member.user,
        ["final_hour"],
        True,
    )


@pytest.mark.parametrize("who", ["officer_north", "investigator_north"])
def test_more_than_four_hours_a_day_is_a_breach_told_to_the_supervisor(
    clock, request, supervisor_north, who
):
    member = request.getfixturevalue(who)
    # given four hours on Monday morning
    logged(member, at(2, 8), at(2, 12))
    # when a further 30 minutes is logged and confirmed
    session = logged(member, at(2, 13), at(2, 13, 30), confirm=True)
    # then
    assert session.breaches == ["daily_limit"]
    told = Notification.objects.filter(kind="staff.exposure_breach")
    assert list(told.values_list("user__username", flat=True)) == ["supervisor.north"]


# --- The supervisor's team, whatever its kind


def test_the_supervisor_of_a_response_team_sees_its_generalist(
    clock,
    officer_response,
    investigator_response,
    supervisor_response,
    investigator_north,
    browser_for,
    api_for,
):
    # given the generalist of the response team logged a breach with a private note
    logged(officer_response, at(3, 14, 30), at(3, 15, 30), note="zebra-note", confirm=True)
    # when
    page = browser_for(supervisor_response).get(TEAM)
    results = api_for(supervisor_response).get(SUMMARY, {"team": "1"}).json()["results"]
    # then the generalist is listed, with the breach and without the note; the
    # investigator of another team is not
    assert page.status_code == 200
    text = page.content.decode()
    assert officer_response.full_name in text
    assert investigator_north.full_name not in text
    assert "zebra-note" not in text
    by_member = {r["member"]: r for r in results}
    assert set(by_member) == {
        str(officer_response.pk),
        str(supervisor_response.pk),
        str(investigator_response.pk),
    }
    assert by_member[str(officer_response.pk)]["breach_count"] == 1
    assert by_member[str(officer_response.pk)]["days"][1]["breaches"] == ["final_hour"]


def test_the_supervisor_records_a_debrief_for_a_generalist(
    clock, officer_north, supervisor_north, api_for
):
    # when
    response = api_for(supervisor_north).post(
        MEETINGS,
        {"user": str(officer_north.pk), "kind": "debrief", "held_on": "2026-03-04"},
        format="json",
    )
    # then
    assert response.status_code == 201, response.content
    meeting = WelfareMeeting.objects.get()
    assert (meeting.user, meeting.recorded_by, meeting.held_on) == (
        officer_north.user,
        supervisor_north.user,
        date(2026, 3, 4),
    )


def test_a_generalists_overdue_debrief_is_told_to_them_and_their_supervisor(
    officer_north, supervisor_north
):
    # given both joined on 1 January, with no debrief since (due 1 February)
    type(officer_north).objects.filter(pk__in=[officer_north.pk, supervisor_north.pk]).update(
        created_at=at(1, 9, month=1)
    )
    # when
    created = staff_welfare_sweep(now=NOW)
    # then
    assert created == {"staff.debrief_due": 3, "staff.welfare_review_due": 0}
    told = Notification.objects.filter(
        kind="staff.debrief_due", dedupe_key__startswith=f"staff:{officer_north.user_id}:"
    )
    assert sorted(told.values_list("user__username", "message")) == [
        ("officer.north", "Your debrief is due (due on 1 February 2026)."),
        ("supervisor.north", "A member of your team is due a debrief (due on 1 February 2026)."),
    ]


# --- Not police: still nothing here


@pytest.mark.parametrize("who", ["caseworker_lighthouse", "coordinator_hub"])
def test_someone_who_is_not_police_finds_nothing(clock, request, browser_for, api_for, who):
    member = request.getfixturevalue(who)
    browser, api = browser_for(member), api_for(member)
    # when
    pages = [browser.get(MINE), browser.get(TEAM), browser.get(SHIFT)]
    posted = browser.post(MINE, {"started_on": "4/3/2026", "starts_at": "09:00"})
    listed = api.get(SESSIONS)
    logged_api = api.post(SESSIONS, body(at(4, 9), at(4, 10)), format="json")
    # then
    assert [p.status_code for p in pages] == [404, 404, 404]
    assert posted.status_code == 404
    assert listed.status_code in (403, 404)
    assert logged_api.status_code == 403
    assert "review today" not in browser.get("/").content.decode()
    assert not ExposureSession.objects.exists()
    assert not StaffShift.objects.filter(user=member.user).exists()


# --- The demo


def test_the_demo_gives_the_generalist_two_sessions_once(
    investigator_north, supervisor_north, officer_north, clock
):
    # when
    first = seed_staff_exposure()
    second = seed_staff_exposure()
    # then
    assert first == "13 review session(s) and 2 debrief/welfare review(s) created"
    assert second == "0 review session(s) and 0 debrief/welfare review(s) created"
    sessions = ExposureSession.objects.filter(user=officer_north.user).order_by("started_at")
    assert [(s.minutes, s.review_kind, s.breaches) for s in sessions] == [
        (60, "grading", []),
        (45, "grading", []),
    ]
    # the last two working days before Wednesday 4 March
    assert [s.started_at.date() for s in sessions] == [date(2026, 3, 2), date(2026, 3, 3)]
    assert StaffShift.objects.filter(user=officer_north.user).count() == 1
