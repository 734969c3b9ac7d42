"""The task pages: the case page's Tasks section, the form that gives a task, and the
pages that mark one done or cancel it (issue 16)."""

from datetime import UTC, date, datetime

import pytest

from cases.models import Case, CaseStatus, Task, TaskStatus
from cases.services.tasks import task_create
from tests.factories import CaseFactory, MembershipFactory, TOTPDeviceFactory, grant_case

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)  # a Monday

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north, title="A case with work to do")


def _task(case, actor, assignee, *, title="Chase the platform", due_on=date(2026, 6, 18)):
    return task_create(
        actor=actor.user, case=case, title=title, assignee=assignee.user, due_on=due_on
    )


def _form(assignee, **extra) -> dict:
    return {
        "title": "Chase the platform for subscriber details",
        "assignee": str(assignee.user_id),
        "due_on": "18/6/2026",
        "note": "The preservation request was acknowledged.",
        **extra,
    }


def _snapshot(task) -> tuple:
    task.refresh_from_db()
    return (task.status, task.version, task.done_at, task.cancelled_at, task.cancel_reason)


# --- The case page


def test_the_case_page_lists_the_agencys_open_tasks_with_links(
    case, officer_north, supervisor_north, browser_for
):
    # given
    overdue = _task(case, supervisor_north, officer_north, title="Call the school")
    Task.objects.filter(pk=overdue.pk).update(due_on=date(2026, 6, 12))
    today = _task(case, supervisor_north, officer_north, title="Chase the platform")
    Task.objects.filter(pk=today.pk).update(due_on=date(2026, 6, 15))
    done = _task(case, supervisor_north, officer_north, title="Already done")
    Task.objects.filter(pk=done.pk).update(status=TaskStatus.DONE)
    # when
    response = browser_for(officer_north).get(f"/cases/{case.id}/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    section = page[page.index('<section id="tasks"') :]
    section = section[: section.index("</section>")]
    assert section.count('<tr class="govuk-table__row">') == 3  # the header and two tasks
    assert section.index("Call the school") < section.index("Chase the platform")
    assert "Already done" not in section
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in section
    assert '<strong class="govuk-tag govuk-tag--yellow">Due today</strong>' in section
    assert f'href="/cases/{case.id}/tasks/new/"' in section
    assert f'href="/tasks/{overdue.id}/complete/"' in section
    assert f'href="/tasks/{today.id}/cancel/"' in section
    # the tasks are on the summary, the tab marked current
    assert f'href="/cases/{case.id}/" aria-current="page">Summary</a>' in page


def test_the_case_page_shows_no_tasks_of_another_agency(
    case, officer_north, supervisor_north, officer_south, browser_for
):
    # given
    grant_case(case, officer_south.agency)
    _task(case, supervisor_north, officer_north, title="North's own work")
    # when
    response = browser_for(officer_south).get(f"/cases/{case.id}/")
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "North&#x27;s own work" not in page
    assert "North's own work" not in page
    assert "Your agency has no open tasks on this case." in page


def test_the_home_page_links_to_marking_a_task_done(
    case, officer_north, supervisor_north, browser_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    response = browser_for(officer_north).get("/")
    # then
    page = response.content.decode()
    assert f'href="/tasks/{task.id}/complete/"' in page


# --- Giving a task


def test_the_form_gives_a_task_and_returns_to_the_case(
    case, officer_north, supervisor_north, browser_for
):
    # given
    client = browser_for(supervisor_north)
    form = client.get(f"/cases/{case.id}/tasks/new/")
    # when
    response = client.post(f"/cases/{case.id}/tasks/new/", _form(officer_north), follow=True)
    # then
    assert form.status_code == 200
    assert f'<option value="{officer_north.user_id}">' in form.content.decode()
    task = Task.objects.get()
    assert (
        task.case_id,
        task.agency_id,
        task.title,
        task.assignee_id,
        task.due_on,
        task.note,
        task.created_by_id,
        task.status,
    ) == (
        case.id,
        case.owning_agency_id,
        "Chase the platform for subscriber details",
        officer_north.user_id,
        date(2026, 6, 18),
        "The preservation request was acknowledged.",
        supervisor_north.user_id,
        "open",
    )
    assert response.redirect_chain == [(f"/cases/{case.id}/#tasks", 302)]
    page = response.content.decode()
    assert "govuk-notification-banner--success" in page
    assert "Task added." in page


def test_a_due_date_in_the_past_reshows_the_form_naming_the_field(
    case, officer_north, supervisor_north, browser_for
):
    # when
    response = browser_for(supervisor_north).post(
        f"/cases/{case.id}/tasks/new/", _form(officer_north, due_on="12/6/2026")
    )
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert '<a href="#id_due_on">The due date must be today or later.</a>' in page
    assert (
        '<p id="id_due_on-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> The due date must be today or later.</p>"
    ) in page
    assert Task.objects.count() == 0


def test_an_assignee_of_another_agency_reshows_the_form_naming_the_field(
    case, officer_south, supervisor_north, browser_for
):
    # when
    response = browser_for(supervisor_north).post(
        f"/cases/{case.id}/tasks/new/", _form(officer_south)
    )
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        '<a href="#id_assignee">Choose an active caseworker of your agency to do the task.</a>'
    ) in page
    assert 'id="id_assignee-error"' in page
    assert Task.objects.count() == 0


def test_a_missing_title_and_date_are_named(case, officer_north, supervisor_north, browser_for):
    # when
    response = browser_for(supervisor_north).post(
        f"/cases/{case.id}/tasks/new/", _form(officer_north, title="", due_on="")
    )
    # then
    page = response.content.decode()
    error = "Enter the date the task is due, for example 27/03/2026."
    assert f'<a href="#id_due_on">{error}</a>' in page
    assert Task.objects.count() == 0


# --- Marking a task done or cancelling it


def test_the_assignee_marks_a_task_done(case, officer_north, supervisor_north, browser_for):
    # given
    task = _task(case, supervisor_north, officer_north)
    client = browser_for(officer_north)
    confirm = client.get(f"/tasks/{task.id}/complete/")
    # when
    response = client.post(f"/tasks/{task.id}/complete/", follow=True)
    # then
    assert confirm.status_code == 200
    assert "Chase the platform" in confirm.content.decode()
    assert "18 June 2026" in confirm.content.decode()
    task.refresh_from_db()
    assert (task.status, task.done_by_id, task.done_at) == ("done", officer_north.user_id, NOW)
    assert response.redirect_chain == [(f"/cases/{case.id}/#tasks", 302)]
    assert "Task marked as done." in response.content.decode()


def test_a_task_already_done_is_refused_409_naming_its_state(
    case, officer_north, supervisor_north, browser_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    client = browser_for(officer_north)
    client.post(f"/tasks/{task.id}/complete/")
    before = _snapshot(task)
    # when
    response = client.post(f"/tasks/{task.id}/complete/")
    # then
    assert response.status_code == 409
    assert "This task is already done." in response.content.decode()
    assert _snapshot(task) == before


def test_the_confirmation_page_carries_the_version_it_showed(
    case, officer_north, supervisor_north, browser_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    page = browser_for(officer_north).get(f"/tasks/{task.id}/cancel/").content.decode()
    # then
    assert f'<input type="hidden" name="version" value="{task.version}" id="id_version">' in page


@pytest.mark.parametrize(
    ("action", "data"), [("complete", {}), ("cancel", {"reason": "The platform replied."})]
)
def test_a_task_changed_since_the_page_was_read_is_refused_412(
    case, officer_north, supervisor_north, browser_for, action, data
):
    # given: the page was read at version 1, and the task changed since
    task = _task(case, supervisor_north, officer_north)
    Task.objects.filter(pk=task.pk).update(version=2)
    task.refresh_from_db()
    before = _snapshot(task)
    # when
    response = browser_for(officer_north).post(
        f"/tasks/{task.id}/{action}/", {"version": "1", **data}
    )
    # then
    assert response.status_code == 412
    assert 'class="govuk-error-summary"' in response.content.decode()
    assert _snapshot(task) == before


def test_the_assignee_cancels_a_task_with_a_reason(
    case, officer_north, supervisor_north, browser_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    # when
    response = browser_for(officer_north).post(
        f"/tasks/{task.id}/cancel/", {"reason": "The platform replied."}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/cases/{case.id}/#tasks"
    task.refresh_from_db()
    assert (task.status, task.cancelled_by_id, task.cancel_reason) == (
        "cancelled",
        officer_north.user_id,
        "The platform replied.",
    )


def test_cancelling_without_a_reason_is_refused_naming_the_field(
    case, officer_north, supervisor_north, browser_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    before = _snapshot(task)
    # when
    response = browser_for(officer_north).post(f"/tasks/{task.id}/cancel/", {"reason": "  "})
    # then
    assert response.status_code == 200
    assert '<a href="#id_reason">Say why the task is cancelled.</a>' in response.content.decode()
    assert _snapshot(task) == before


def test_another_agencys_user_gets_404_and_changes_nothing(
    case, officer_north, supervisor_north, officer_south, browser_for
):
    # given
    task = _task(case, supervisor_north, officer_north)
    before = _snapshot(task)
    client = browser_for(officer_south)
    # when
    shown = client.get(f"/tasks/{task.id}/complete/")
    posted = client.post(f"/tasks/{task.id}/complete/")
    cancelled = client.post(f"/tasks/{task.id}/cancel/", {"reason": "Not ours."})
    # then
    assert (shown.status_code, posted.status_code, cancelled.status_code) == (404, 404, 404)
    assert _snapshot(task) == before


def test_a_colleague_who_is_neither_assignee_nor_creator_gets_404(
    case, north, north_team, officer_north, supervisor_north, browser_for
):
    # given
    colleague = MembershipFactory(agency=north, role="generalist_officer", team=north_team)
    TOTPDeviceFactory(user=colleague.user)
    task = _task(case, supervisor_north, officer_north)
    before = _snapshot(task)
    # when
    response = browser_for(colleague).post(f"/tasks/{task.id}/complete/")
    # then
    assert response.status_code == 404
    assert _snapshot(task) == before


def test_a_closed_case_offers_no_new_task_and_refuses_one(
    case, officer_north, supervisor_north, browser_for
):
    # given
    Case.objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closing_reason="no_crime", closed_on=date(2026, 6, 15)
    )
    client = browser_for(supervisor_north)
    # when
    page = client.get(f"/cases/{case.id}/").content.decode()
    response = client.post(f"/cases/{case.id}/tasks/new/", _form(officer_north), follow=True)
    # then
    assert f'href="/cases/{case.id}/tasks/new/"' not in page
    assert response.redirect_chain == [(f"/cases/{case.id}/#summary", 302)]
    assert "govuk-notification-banner" in response.content.decode()
    assert Task.objects.count() == 0
