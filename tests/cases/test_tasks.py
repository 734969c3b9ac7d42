"""Tasks: work on a case that no duty covers, given to a member of the agency,
through /api/v1/tasks/ and the services behind it."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from agencies.models import AccessLogEntry, Role
from cases.models import CaseStatus, Task, TaskStatus
from cases.selectors.tasks import task_list_for_assignee, task_list_for_case
from cases.services.tasks import task_cancel, task_complete, task_create
from common.errors import InvalidState, PreconditionFailed
from common.models import Notification
from tests.factories import CaseFactory, MembershipFactory, grant_case
from tests.helpers import ACCESS_LOG_QUERIES

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)  # a Monday

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

URL = "/api/v1/tasks/"


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, title="A case with work to do")


@pytest.fixture
def investigator_north(north, north_team):
    return MembershipFactory(
        agency=north,
        role=Role.SPECIALIST_INVESTIGATOR,
        team=north_team,
        user__username="investigator.north",
    )


def _task(case, actor, assignee, *, title="Chase the platform", due_on=date(2026, 6, 18)):
    return task_create(
        actor=actor.user, case=case, title=title, assignee=assignee.user, due_on=due_on
    )


def _create_body(case, assignee="officer.north", **extra) -> dict:
    return {
        "case": str(case.id),
        "title": "Chase the platform for subscriber details",
        "assignee": assignee,
        "due_on": "2026-06-18",
        "note": "The preservation request was acknowledged.",
        **extra,
    }


# --- Create and list


def test_a_task_created_through_the_api_is_in_the_assignees_list(
    case, officer_north, supervisor_north, api_for
):
    # when
    created = api_for(supervisor_north).post(URL, _create_body(case), format="json")
    # then
    assert created.status_code == 201
    task = Task.objects.get()
    assert created["Location"] == f"/api/v1/tasks/{task.id}/"
    assert created["ETag"] == '"1"'
    assert (task.agency_id, task.assignee_id, task.created_by_id, task.status) == (
        case.owning_agency_id,
        officer_north.user_id,
        supervisor_north.user_id,
        "open",
    )
    assert created.json()["case"] == {
        "id": str(case.id),
        "reference": case.reference,
        "title": "A case with work to do",
    }
    # the assignee is told, with no personal details
    notification = Notification.objects.get(user=officer_north.user)
    assert (notification.kind, notification.message, notification.link) == (
        "cases.task_assigned",
        "You have a new task, due 18 June 2026.",
        f"/cases/{case.id}/",
    )
    # when
    listed = api_for(officer_north).get(URL)
    # then
    assert listed.status_code == 200
    [item] = listed.json()["results"]
    assert {k: item[k] for k in ("id", "title", "note", "due_on", "status", "version")} == {
        "id": str(task.id),
        "title": "Chase the platform for subscriber details",
        "note": "The preservation request was acknowledged.",
        "due_on": "2026-06-18",
        "status": "open",
        "version": 1,
    }
    assert item["assignee"] == {
        "username": "officer.north",
        "full_name": item["assignee"]["full_name"],
    }
    assert item["created_by"]["username"] == "supervisor.north"
    # the supervisor has no tasks of their own
    assert api_for(supervisor_north).get(URL).json()["results"] == []


def test_my_tasks_are_the_open_ones_soonest_due_first(case, officer_north, supervisor_north):
    # given
    later = _task(case, supervisor_north, officer_north, title="Later", due_on=date(2026, 6, 30))
    sooner = _task(case, supervisor_north, officer_north, title="Sooner", due_on=date(2026, 6, 16))
    done = _task(case, supervisor_north, officer_north, title="Done", due_on=date(2026, 6, 15))
    task_complete(actor=officer_north.user, task=done)
    # when
    mine = list(task_list_for_assignee(actor=officer_north.user))
    finished = list(task_list_for_assignee(actor=officer_north.user, status=TaskStatus.DONE))
    # then
    assert mine == [sooner, later]
    assert [task.pk for task in finished] == [done.pk]
    assert list(task_list_for_case(actor=supervisor_north.user, case=case)) == [done, sooner, later]


def test_the_list_filter_is_validated_naming_the_field(officer_north, api_for):
    # when
    response = api_for(officer_north).get(URL, {"status": "finished"})
    # then
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_the_list_logs_the_access_and_pins_its_queries(
    case, officer_north, supervisor_north, api_for, django_assert_max_num_queries
):
    # given
    tasks = [
        _task(
            case, supervisor_north, officer_north, title=f"Task {n}", due_on=date(2026, 6, 16 + n)
        )
        for n in range(5)
    ]
    client = api_for(officer_north)
    client.get(URL)  # warm the caches a first request fills
    before = AccessLogEntry.objects.count()
    # when: one query for the page (each task joined to its case, owner and people,
    # the scope a subquery), whatever its length, and the access log's insert
    with django_assert_max_num_queries(1 + ACCESS_LOG_QUERIES):
        response = client.get(URL)
    # then
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["results"]] == [str(t.id) for t in tasks]
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert AccessLogEntry.objects.count() == before + 1
    assert (entry.username, entry.action, entry.outcome) == (
        "officer.north",
        "cases.task.listed",
        "allowed",
    )
    assert sorted(entry.record_ids) == sorted(f"task:{t.id}" for t in tasks)


# --- Refusals: nothing changes


def test_a_task_for_someone_outside_the_agency_is_refused_naming_the_assignee(
    case, supervisor_north, officer_south, api_for
):
    # when
    response = api_for(supervisor_north).post(
        URL, _create_body(case, assignee="officer.south"), format="json"
    )
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["assignee"]
    assert Task.objects.count() == 0
    assert Notification.objects.count() == 0


def test_the_service_refuses_an_assignee_of_another_agency(case, supervisor_north, officer_south):
    # when
    with pytest.raises(ValidationError) as refused:
        _task(case, supervisor_north, officer_south)
    # then
    assert refused.value.message_dict == {
        "assignee": ["Choose an active caseworker of your agency to do the task."]
    }
    assert Task.objects.count() == 0


def test_a_due_date_in_the_past_is_refused_naming_it(case, officer_north, api_for):
    # when
    response = api_for(officer_north).post(
        URL, _create_body(case, due_on="2026-06-14"), format="json"
    )
    # then
    assert response.status_code == 400
    assert response.json()["errors"] == {"due_on": ["The due date must be today or later."]}
    assert Task.objects.count() == 0


def test_a_case_out_of_scope_is_refused_naming_it(officer_north, south, api_for):
    # given
    elsewhere = CaseFactory(owning_agency=south)
    # when
    response = api_for(officer_north).post(URL, _create_body(elsewhere), format="json")
    # then
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["case"]
    assert Task.objects.count() == 0


def test_a_granted_agency_keeps_its_own_tasks_on_the_case(case, officer_south, officer_north):
    # given
    grant_case(case, officer_south.agency)
    # when
    theirs = _task(case, officer_south, officer_south)
    # then
    assert theirs.agency_id == officer_south.agency_id
    assert list(task_list_for_case(actor=officer_north.user, case=case)) == []
    assert list(task_list_for_case(actor=officer_south.user, case=case)) == [theirs]


# --- Done and cancelled


def test_the_assignee_marks_a_task_done(case, officer_north, supervisor_north, api_for):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    response = api_for(officer_north).post(f"{URL}{task.id}/complete/", HTTP_IF_MATCH='"1"')
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    task.refresh_from_db()
    assert (task.status, task.done_by_id, task.done_at, task.version) == (
        "done",
        officer_north.user_id,
        NOW,
        2,
    )
    assert task.history.first().history_change_reason == "task done"


def test_a_stale_if_match_is_refused_and_changes_nothing(
    case, officer_north, supervisor_north, api_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    response = api_for(officer_north).post(f"{URL}{task.id}/complete/", HTTP_IF_MATCH='"7"')
    # then
    assert response.status_code == 412
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)


@pytest.mark.parametrize(("if_match", "status"), [("", 428), ("*", 428), ("three", 400)])
def test_an_if_match_sent_must_name_a_version(
    case, officer_north, supervisor_north, api_for, if_match, status
):
    # given: If-Match is optional, but a header sent empty is not "not sent"
    task = _task(case, supervisor_north, officer_north)
    # when
    response = api_for(officer_north).post(f"{URL}{task.id}/complete/", HTTP_IF_MATCH=if_match)
    # then
    assert response.status_code == status
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)


def test_someone_else_in_the_agency_may_not_mark_it_done(
    case, officer_north, supervisor_north, investigator_north, api_for
):
    # given: the officer's own task, which an investigator may see but not change
    task = _task(case, officer_north, officer_north)
    # when
    response = api_for(investigator_north).post(f"{URL}{task.id}/complete/")
    # then
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.status == "open"
    # a supervisor of the agency may
    assert api_for(supervisor_north).post(f"{URL}{task.id}/complete/").status_code == 200


def test_cancelling_needs_a_reason(case, officer_north, supervisor_north, api_for):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    refused = api_for(officer_north).post(f"{URL}{task.id}/cancel/", {"reason": " "}, format="json")
    # then
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"reason": ["Say why the task is cancelled."]}
    task.refresh_from_db()
    assert (task.status, task.version) == ("open", 1)
    # when
    cancelled = api_for(officer_north).post(
        f"{URL}{task.id}/cancel/", {"reason": "The platform replied already."}, format="json"
    )
    # then
    assert cancelled.status_code == 200
    task.refresh_from_db()
    assert (task.status, task.cancel_reason, task.cancelled_by_id, task.version) == (
        "cancelled",
        "The platform replied already.",
        officer_north.user_id,
        2,
    )
    assert (
        task.history.first().history_change_reason
        == "task cancelled: The platform replied already."
    )


def test_cancelling_a_task_already_done_answers_409_naming_the_state(
    case, officer_north, supervisor_north, api_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    task_complete(actor=officer_north.user, task=task)
    # when
    response = api_for(officer_north).post(
        f"{URL}{task.id}/cancel/", {"reason": "Changed my mind."}, format="json"
    )
    # then
    assert response.status_code == 409
    assert response.json()["state"] == "done"
    task.refresh_from_db()
    assert (task.status, task.cancel_reason, task.version) == ("done", "", 2)


def test_the_services_refuse_a_second_move_and_a_stale_version(
    case, officer_north, supervisor_north
):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when / then
    with pytest.raises(PreconditionFailed):
        task_cancel(actor=officer_north.user, task=task, reason="Not needed", expected_version=3)
    task_cancel(actor=officer_north.user, task=task, reason="Not needed", expected_version=1)
    with pytest.raises(InvalidState) as refused:
        task_complete(actor=officer_north.user, task=task)
    assert refused.value.state == "cancelled"


# --- Other agencies


def test_another_agencys_user_gets_404_on_read_and_complete(
    case, officer_north, supervisor_north, officer_south, api_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    client = api_for(officer_south)
    # when
    read = client.get(f"{URL}{task.id}/")
    done = client.post(f"{URL}{task.id}/complete/")
    # then
    assert (read.status_code, done.status_code) == (404, 404)
    task.refresh_from_db()
    assert task.status == "open"
    assert list(task_list_for_assignee(actor=officer_south.user)) == []
    refusals = AccessLogEntry.objects.filter(username="officer.south", outcome="denied")
    assert refusals.count() == 2


def test_reading_one_task_is_logged_with_its_etag(case, officer_north, supervisor_north, api_for):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    response = api_for(officer_north).get(f"{URL}{task.id}/")
    # then
    assert response.status_code == 200
    assert response["ETag"] == '"1"'
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert (entry.username, entry.action, entry.object_id) == (
        "officer.north",
        "cases.task.viewed",
        str(task.id),
    )


# --- Retries


def test_a_retried_create_with_the_same_idempotency_key_creates_once(case, officer_north, api_for):
    # given
    client = api_for(officer_north)
    # when
    first = client.post(URL, _create_body(case), format="json", HTTP_IDEMPOTENCY_KEY="task-1")
    second = client.post(URL, _create_body(case), format="json", HTTP_IDEMPOTENCY_KEY="task-1")
    # then
    assert (first.status_code, second.status_code) == (201, 201)
    assert second["Idempotent-Replayed"] == "true"
    assert second.json()["id"] == first.json()["id"]
    assert Task.objects.count() == 1


# --- Tasks on the home page ("Your work today")


def test_the_home_page_lists_my_open_tasks_with_the_overdue_tagged_and_logs_them(
    case, officer_north, supervisor_north, browser_for, clock
):
    # given one task due on Wednesday and one due today; on Tuesday, the latter is overdue
    later = _task(case, supervisor_north, officer_north, title="Chase the platform")
    sooner = _task(
        case, supervisor_north, officer_north, title="Ring the school", due_on=NOW.date()
    )
    clock.shift(timedelta(days=1))
    # when
    home = browser_for(officer_north).get("/")
    # then
    html = home.content.decode()
    assert home.status_code == 200
    assert "Your work, most urgent first" in html
    assert html.index("Task: Ring the school<") < html.index("Task: Chase the platform<")
    assert html.count(">Overdue</strong>") == 1
    assert "Overdue: due Monday 15 June" in html and "Due Thursday 18 June" in html
    assert f'href="/cases/{case.id}/"' in html
    entry = AccessLogEntry.objects.order_by("-sequence").first()
    assert entry.username == "officer.north"
    assert {f"task:{sooner.id}", f"task:{later.id}"} <= set(entry.record_ids)


def test_the_home_page_says_when_nothing_is_due(officer_north, browser_for):
    # when
    html = browser_for(officer_north).get("/").content.decode()
    # then: no empty section, one sentence
    assert "Nothing is overdue, due today or due later this week." in html
    assert "Your work, most urgent first" not in html


def test_the_home_page_has_no_tasks_panel_for_an_admin(admin_north, browser_for):
    # when
    html = browser_for(admin_north).get("/").content.decode()
    # then
    assert "Your tasks" not in html


# --- A closed case


def test_a_closed_case_takes_no_new_task_but_its_tasks_can_still_be_done(
    case, officer_north, supervisor_north, api_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    case.status, case.closed_on, case.closing_reason = CaseStatus.CLOSED, NOW.date(), "no_crime"
    case.save(update_fields=["status", "closed_on", "closing_reason"])
    client = api_for(officer_north)
    # when
    refused = client.post(URL, _create_body(case), format="json")
    done = client.post(f"{URL}{task.id}/complete/")
    # then
    assert (refused.status_code, refused.json()["state"]) == (409, "closed")
    assert Task.objects.count() == 1
    assert done.status_code == 200
    task.refresh_from_db()
    assert task.status == "done"
