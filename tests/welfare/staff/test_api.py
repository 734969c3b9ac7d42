"""The staff exposure API: the compartment (own, the supervisor's team without
notes, nobody else), the warn-then-confirm flow, meetings, shift times."""

from datetime import date

import pytest

from tests.helpers import ACCESS_LOG_QUERIES
from tests.welfare.staff.conftest import NOW, at
from welfare.models import ExposureSession, StaffShift, WelfareMeeting
from welfare.services.staff_sessions import exposure_session_log

pytestmark = pytest.mark.django_db
SESSIONS = "/api/v1/staff-exposure/sessions/"
SUMMARY = "/api/v1/staff-exposure/summary/"
MEETINGS = "/api/v1/staff-exposure/meetings/"
SHIFT = "/api/v1/staff-exposure/shift/"


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


def body(start, end, **extra):
    return {
        "started_at": start.isoformat(),
        "ended_at": end.isoformat(),
        "review_kind": "grading",
        **extra,
    }


# --- Logging


def test_a_breach_is_refused_with_a_warning_then_recorded_when_confirmed(
    clock, investigator_north, supervisor_north, api_for
):
    api = api_for(investigator_north)
    # when
    first = api.post(SESSIONS, body(at(4, 14, 30), at(4, 15, 30)), format="json")
    # then
    assert first.status_code == 400
    assert list(first.json()["errors"]) == ["confirm_breach"]
    assert "final hour of your shift" in first.json()["errors"]["confirm_breach"][0]
    assert not ExposureSession.objects.exists()
    # when confirmed
    second = api.post(
        SESSIONS, body(at(4, 14, 30), at(4, 15, 30), confirm_breach=True), format="json"
    )
    # then
    assert second.status_code == 201, second.content
    assert second.json()["breaches"] == ["final_hour"]
    assert second.json()["minutes"] == 60


def test_bad_input_names_the_field_and_stores_nothing(clock, investigator_north, api_for):
    api = api_for(investigator_north)
    assert api.post(SESSIONS, body(at(4, 11), at(4, 10)), format="json").json()["errors"] == {
        "ended_at": ["The end of the session must be after its start."]
    }
    logged(investigator_north, at(4, 9), at(4, 10))
    overlap = api.post(SESSIONS, body(at(4, 9, 30), at(4, 10, 30)), format="json")
    assert overlap.status_code == 400
    assert list(overlap.json()["errors"]) == ["started_at"]
    assert ExposureSession.objects.count() == 1


@pytest.mark.parametrize("who", ["coordinator_hub", "caseworker_lighthouse", "admin_north"])
def test_someone_who_is_not_a_police_officer_may_not_log(clock, request, api_for, who):
    # given a MASH coordinator, a family-support caseworker or an agency admin
    member = request.getfixturevalue(who)
    # when
    response = api_for(member).post(SESSIONS, body(at(4, 9), at(4, 10)), format="json")
    # then
    assert response.status_code == 403
    assert not ExposureSession.objects.exists()


# --- Reading: the compartment


def test_a_reviewer_reads_their_own_sessions_with_notes(
    clock, investigator_north, supervisor_north, api_for, django_assert_max_num_queries
):
    for day in (2, 3):
        logged(investigator_north, at(day, 9), at(day, 10), note="difficult series")
    logged(supervisor_north, at(3, 9), at(3, 10), note="the supervisor's own")
    with django_assert_max_num_queries(6):
        response = api_for(investigator_north).get(SESSIONS)
    results = response.json()["results"]
    assert [r["private_note"] for r in results] == ["difficult series", "difficult series"]
    assert results[0]["started_at"].startswith("2026-03-03T09:00")


def test_a_supervisor_reads_a_team_members_sessions_without_notes(
    clock, investigator_north, supervisor_north, api_for
):
    logged(investigator_north, at(3, 9), at(3, 10), note="difficult series")
    response = api_for(supervisor_north).get(SESSIONS, {"user": str(investigator_north.pk)})
    assert response.status_code == 200
    (session,) = response.json()["results"]
    assert "private_note" not in session
    assert session["minutes"] == 60
    assert b"difficult series" not in response.content


@pytest.mark.parametrize(
    "reader", ["investigator_north", "supervisor_response", "admin_north", "auditor_north"]
)
def test_nobody_else_reads_a_members_sessions(clock, request, investigator_north, api_for, reader):
    logged(investigator_north, at(3, 9), at(3, 10), note="difficult series")
    target = investigator_north
    if reader == "investigator_north":
        # a reviewer, not a supervisor, asking for someone else's
        target = request.getfixturevalue("supervisor_north")
    member = request.getfixturevalue(reader)
    response = api_for(member).get(SESSIONS, {"user": str(target.pk)})
    assert response.status_code in (403, 404)
    assert b"difficult series" not in response.content


def test_a_supervisor_of_another_agency_gets_404(clock, investigator_north, south, api_for):
    from agencies.models import Role
    from tests.factories import MembershipFactory

    supervisor_south = MembershipFactory(agency=south, role=Role.POLICE_SUPERVISOR)
    response = api_for(supervisor_south).get(SESSIONS, {"user": str(investigator_north.pk)})
    assert response.status_code == 404


# --- Summaries


def test_the_own_summary_of_the_week(
    clock, investigator_north, api_for, django_assert_max_num_queries
):
    # given Monday 2nd: 4h, Tuesday 3rd: 4h01 with a breach, and a debrief on 1 February
    logged(investigator_north, at(2, 9), at(2, 13))
    logged(investigator_north, at(3, 9), at(3, 13, 1), confirm=True)
    WelfareMeeting.objects.create(
        user=investigator_north.user,
        agency=investigator_north.agency,
        team=investigator_north.team,
        kind="debrief",
        held_on=date(2026, 2, 1),
        recorded_by=investigator_north.user,
    )
    with django_assert_max_num_queries(6):
        response = api_for(investigator_north).get(SUMMARY)
    (summary,) = response.json()["results"]
    assert summary["week_start"] == "2026-03-02"
    assert [d["minutes"] for d in summary["days"]] == [240, 241, 0, 0, 0, 0, 0]
    assert [d["over_limit"] for d in summary["days"]][:2] == [False, True]
    assert summary["days"][1]["breaches"] == ["daily_limit"]
    assert summary["breach_count"] == 1
    assert summary["total_minutes"] == 481
    assert summary["debrief"] == {
        "last_held_on": "2026-02-01",
        "due_on": "2026-03-01",
        "overdue": True,
    }
    # joined on 1 January, no review yet: due six months on
    assert summary["welfare_review"]["due_on"] == "2026-07-01"
    assert summary["welfare_review"]["overdue"] is False


def test_the_team_summary_has_each_member_without_notes_in_constant_queries(
    clock,
    investigator_north,
    supervisor_north,
    north,
    north_team,
    api_for,
    django_assert_max_num_queries,
):
    from agencies.models import Role
    from tests.factories import MembershipFactory

    logged(investigator_north, at(3, 14, 30), at(3, 15, 30), note="private", confirm=True)
    for _ in range(5):
        extra = MembershipFactory(agency=north, team=north_team, role=Role.SPECIALIST_INVESTIGATOR)
        logged(extra, at(3, 9), at(3, 10))
    # and the one access-log entry naming the members whose exposure was read
    with django_assert_max_num_queries(8 + ACCESS_LOG_QUERIES):
        response = api_for(supervisor_north).get(SUMMARY, {"team": "1"})
    results = response.json()["results"]
    assert len(results) == 7  # six reviewers and the supervisor
    mine = next(r for r in results if r["member"] == str(investigator_north.pk))
    assert mine["breach_count"] == 1
    assert mine["days"][1]["breaches"] == ["final_hour"]
    assert b"private" not in response.content


# --- Debriefs and welfare reviews


def test_a_supervisor_records_a_debrief_and_the_next_one_becomes_due(
    clock, investigator_north, supervisor_north, api_for
):
    api = api_for(supervisor_north)
    response = api.post(
        MEETINGS,
        {"user": str(investigator_north.pk), "kind": "debrief", "held_on": "2026-03-04"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["kind"] == "debrief"
    summary = api_for(investigator_north).get(SUMMARY).json()["results"][0]
    assert summary["debrief"] == {
        "last_held_on": "2026-03-04",
        "due_on": "2026-04-04",
        "overdue": False,
    }


def test_a_meeting_in_the_future_is_refused(clock, investigator_north, supervisor_north, api_for):
    response = api_for(supervisor_north).post(
        MEETINGS,
        {"user": str(investigator_north.pk), "kind": "welfare_review", "held_on": "2026-03-05"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"held_on": ["The date cannot be in the future."]}
    assert not WelfareMeeting.objects.exists()


def test_a_supervisor_of_another_team_cannot_record_for_the_member(
    clock, investigator_north, supervisor_response, api_for
):
    response = api_for(supervisor_response).post(
        MEETINGS,
        {"user": str(investigator_north.pk), "kind": "debrief", "held_on": "2026-03-04"},
        format="json",
    )
    assert response.status_code == 404
    assert not WelfareMeeting.objects.exists()


def test_a_reviewer_cannot_record_meetings(clock, investigator_north, api_for):
    response = api_for(investigator_north).post(
        MEETINGS,
        {"user": str(investigator_north.pk), "kind": "debrief", "held_on": "2026-03-04"},
        format="json",
    )
    assert response.status_code == 403
    assert not WelfareMeeting.objects.exists()


# --- Shift times


def test_the_shift_is_read_and_changed_with_if_match(clock, investigator_north, api_for):
    api = api_for(investigator_north)
    read = api.get(SHIFT)
    assert read.json() == {"starts_at": "08:00", "ends_at": "16:00", "version": 1}
    assert read["ETag"] == '"1"'
    new = {"starts_at": "22:00", "ends_at": "06:00"}
    assert api.put(SHIFT, new, format="json").status_code == 428
    assert api.put(SHIFT, new, format="json", HTTP_IF_MATCH='"7"').status_code == 412
    changed = api.put(SHIFT, new, format="json", HTTP_IF_MATCH='"1"')
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'
    shift = StaffShift.objects.get(user=investigator_north.user)
    assert (shift.starts_at.hour, shift.ends_at.hour, shift.version) == (22, 6, 2)


def test_a_shift_that_starts_and_ends_at_once_is_refused(clock, investigator_north, api_for):
    api = api_for(investigator_north)
    api.get(SHIFT)
    response = api.put(
        SHIFT, {"starts_at": "08:00", "ends_at": "08:00"}, format="json", HTTP_IF_MATCH='"1"'
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["ends_at"]
