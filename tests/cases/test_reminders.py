"""The reminders sweep: a contact's next contact date, reminded to whoever logged
it, and a task due today or overdue, reminded to its assignee; each once."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import CaseStatus, ContactLog, Task, TaskStatus
from cases.reminders import SWEEP_KINDS, reminders_sweep
from common.models import Notification
from tests.factories import CaseFactory, PartyFactory
from tests.welfare.sweep.clock import at

NOTHING = {kind.split(".", 1)[1]: 0 for kind in SWEEP_KINDS} | {"notifications": 0}
# Tuesday 10 March 2026, mid-morning (GMT).
NOW = at(2026, 3, 10, 10, 0)
TODAY = date(2026, 3, 10)
# When the contacts of these tests were made: a week before.
LAST_WEEK = at(2026, 3, 3, 14, 0)


@pytest.fixture
def case(north):
    return CaseFactory(owning_agency=north)


@pytest.fixture
def party(case):
    return PartyFactory(case=case)


@pytest.fixture
def contact(case, party, officer_north):
    def make(*, contacted_at=LAST_WEEK, next_contact_on=TODAY, made_by=None, to=None):
        return ContactLog.objects.create(
            case=case,
            party=to or party,
            contacted_at=contacted_at,
            channel="phone",
            made_by=made_by or officer_north.user,
            summary="Spoke about the next steps.",
            next_contact_on=next_contact_on,
        )

    return make


@pytest.fixture
def task(case, north, officer_north, supervisor_north):
    def make(*, due_on=TODAY, status=TaskStatus.OPEN):
        return Task.objects.create(
            case=case,
            agency=north,
            title="Chase the platform",
            assignee=officer_north.user,
            due_on=due_on,
            status=status,
            created_by=supervisor_north.user,
        )

    return make


def _told() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("user__username", "kind"))


# --- Contacts


def test_a_next_contact_due_today_reminds_its_logger_once(case, party, contact, supervisor_north):
    # given
    logged = contact()
    # when
    first = reminders_sweep(now=NOW)
    second = reminders_sweep(now=NOW + timedelta(minutes=15))
    # then
    assert first == {**NOTHING, "next_contact_due": 1, "notifications": 1}
    assert second == NOTHING
    notification = Notification.objects.get()
    assert notification.user.username == "officer.north"
    assert notification.kind == "cases.next_contact_due"
    assert notification.message == (
        f"Case {case.reference}: a follow-up contact you planned is due today."
    )
    assert notification.link == reverse("case-contacts", args=[case.id]) + "#contacts"
    assert notification.dedupe_key == f"contact:{logged.id}:next:2026-03-10"
    # No person's name: neither the party's nor the officer's.
    person = party.person
    for name in (person.first_name, person.last_name, "officer.north"):
        assert name not in notification.message
        assert name not in notification.link


def test_a_later_contact_with_the_same_party_means_no_reminder(contact, supervisor_north):
    # given: the follow-up was made (by someone else, inbound or not), setting no date
    contact()
    contact(contacted_at=at(2026, 3, 9, 11, 0), next_contact_on=None, made_by=supervisor_north.user)
    # when / then
    assert reminders_sweep(now=NOW) == NOTHING
    assert _told() == []


def test_a_later_contact_with_another_party_still_reminds(case, contact):
    # given
    contact()
    contact(contacted_at=at(2026, 3, 9, 11, 0), next_contact_on=None, to=PartyFactory(case=case))
    # when / then
    assert reminders_sweep(now=NOW)["next_contact_due"] == 1


def test_an_earlier_contact_logged_afterwards_is_not_a_follow_up(contact):
    # given: an older call, written up after this contact was logged
    contact()
    contact(contacted_at=at(2026, 3, 2, 9, 0), next_contact_on=None)
    # when / then
    assert reminders_sweep(now=NOW)["next_contact_due"] == 1


def test_a_next_contact_in_the_future_reminds_nobody_yet(contact):
    # given
    contact(next_contact_on=date(2026, 3, 11))
    # when / then: not on Tuesday, even at 23:59; from midnight, yes
    assert reminders_sweep(now=NOW) == NOTHING
    assert reminders_sweep(now=at(2026, 3, 10, 23, 59)) == NOTHING
    assert reminders_sweep(now=at(2026, 3, 11, 0, 0))["next_contact_due"] == 1


def test_a_missed_day_is_caught_up_but_an_old_follow_up_is_not(contact):
    # given: due yesterday (the sweep did not run), and due eight days ago
    contact(next_contact_on=date(2026, 3, 9))
    contact(next_contact_on=date(2026, 3, 2))
    # when
    result = reminders_sweep(now=NOW)
    # then
    assert result == {**NOTHING, "next_contact_due": 1, "notifications": 1}
    assert Notification.objects.get().message.endswith(
        "a follow-up contact you planned was due on 9 March 2026 and none is logged yet."
    )


def test_a_closed_case_reminds_nobody(case, contact, task):
    # given
    contact()
    task()
    case.status, case.closed_on, case.closing_reason = CaseStatus.CLOSED, TODAY, "duplicate"
    case.save(update_fields=["status", "closed_on", "closing_reason"])
    # when / then: the contact is not reminded; an open task still is (it can be cleared)
    assert reminders_sweep(now=NOW) == {**NOTHING, "task_due_today": 1, "notifications": 1}


def test_a_logger_who_has_left_is_replaced_by_their_supervisor(
    contact, officer_north, supervisor_north
):
    # given
    contact()
    officer_north.user.is_active = False
    officer_north.user.save(update_fields=["is_active"])
    # when
    reminders_sweep(now=NOW)
    # then
    assert _told() == [("supervisor.north", "cases.next_contact_due")]


# --- Tasks


def test_a_task_due_today_reminds_its_assignee_once_and_again_once_overdue(case, task):
    # given
    due = task()
    # when / then: on the day, once
    assert reminders_sweep(now=NOW) == {**NOTHING, "task_due_today": 1, "notifications": 1}
    assert reminders_sweep(now=at(2026, 3, 10, 16, 0)) == NOTHING
    told = Notification.objects.get()
    assert (told.user.username, told.message, told.link, told.dedupe_key) == (
        "officer.north",
        f"Case {case.reference}: a task of yours is due today.",
        reverse("case-detail", args=[case.id]),
        f"task:{due.id}:due_today:2026-03-10",
    )
    # when / then: the next day, overdue, once
    assert reminders_sweep(now=at(2026, 3, 11, 9, 0)) == {
        **NOTHING,
        "task_overdue": 1,
        "notifications": 1,
    }
    assert reminders_sweep(now=at(2026, 3, 12, 9, 0)) == NOTHING
    overdue = Notification.objects.get(kind="cases.task_overdue")
    assert overdue.message == (
        f"Case {case.reference}: a task of yours was due on 10 March 2026 and is still open."
    )
    assert _told() == [
        ("officer.north", "cases.task_due_today"),
        ("officer.north", "cases.task_overdue"),
    ]


@pytest.mark.parametrize("status", [TaskStatus.DONE, TaskStatus.CANCELLED])
def test_a_done_or_cancelled_task_reminds_nobody(task, status):
    # given
    task(status=status)
    task(due_on=date(2026, 3, 9), status=status)
    # when / then
    assert reminders_sweep(now=NOW) == NOTHING


def test_a_task_overdue_past_the_catch_up_week_is_not_read_again(task):
    # given: overdue since yesterday (the sweep did not run), and for eight days
    task(due_on=date(2026, 3, 9))
    task(due_on=date(2026, 3, 2))
    # when
    result = reminders_sweep(now=NOW)
    # then: the week-old one was told on its day; the sweep reads only the last week
    assert result == {**NOTHING, "task_overdue": 1, "notifications": 1}
    assert "was due on 9 March 2026" in Notification.objects.get().message


def test_a_task_due_later_reminds_nobody(task):
    task(due_on=date(2026, 3, 11))
    assert reminders_sweep(now=NOW) == NOTHING


# --- The local day, across midnight and the clock change


def test_the_day_is_londons_across_midnight_in_summer_time(contact, task):
    # given: Sunday 25 October 2026, the day the clocks go back
    contact(next_contact_on=date(2026, 10, 25), contacted_at=at(2026, 10, 20, 10, 0))
    # when / then: 23:30 on Saturday in London (22:30 UTC) is still Saturday
    assert reminders_sweep(now=at(2026, 10, 24, 23, 30)) == NOTHING
    # when / then: 00:30 on Sunday in London is 23:30 on Saturday in UTC: already Sunday
    assert reminders_sweep(now=at(2026, 10, 25, 0, 30))["next_contact_due"] == 1


def test_a_task_due_on_the_clock_change_day_is_overdue_at_londons_midnight(task):
    # given
    task(due_on=date(2026, 10, 25))
    # when / then: 23:30 on the Sunday (now GMT) is still its due day
    assert reminders_sweep(now=at(2026, 10, 25, 23, 30))["task_due_today"] == 1
    assert reminders_sweep(now=at(2026, 10, 25, 23, 59)) == NOTHING
    # when / then: midnight makes it overdue
    assert reminders_sweep(now=at(2026, 10, 26, 0, 0))["task_overdue"] == 1


# --- Bounded


@pytest.mark.parametrize("count", [1, 20])
def test_a_second_run_reads_a_fixed_number_of_queries(
    contact, task, django_assert_max_num_queries, count
):
    # given
    for _ in range(count):
        contact()
        task()
    # when: the first run, which stores 2 notifications for each contact and task
    with CaptureQueriesContext(connection) as first:
        assert reminders_sweep(now=NOW)["notifications"] == 2 * count
    # then: three reads, plus what notify() costs for each one stored
    assert len(first) <= 3 + 4 * 2 * count
    # when / then: the contacts, the tasks, and who was already told
    with django_assert_max_num_queries(3):
        assert reminders_sweep(now=NOW) == NOTHING


def test_the_beat_task_runs_the_sweep(contact):
    # given: the Celery task takes no arguments and reads the clock itself
    from cases.tasks import reminders_sweep as beat_task

    contact(next_contact_on=None)
    # when / then
    assert beat_task() == NOTHING
