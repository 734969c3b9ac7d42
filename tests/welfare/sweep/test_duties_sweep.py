"""The duties sweep: each notice at its boundary, to whom, and only once."""

from datetime import UTC, date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.case_tabs import case_section_url
from cases.models import CaseStatus, EventKind
from cases.services.events import investigation_event_record
from common.models import Notification
from tests.factories import CaseFactory, MembershipFactory, PartyFactory
from tests.welfare.sweep.clock import at
from welfare.deadlines import SWEEP_KINDS, duties_sweep
from welfare.models import Duty, DutyKind, DutyStatus
from welfare.services.duties import duties_close

NOTHING = {kind.split(".", 1)[1]: 0 for kind in SWEEP_KINDS} | {"notifications": 0}
# Tuesday 10 March 2026: the update is due by 17:00 today.
DUE = at(2026, 3, 10, 17, 0)


def _told(kind=None) -> list[tuple[str, str]]:
    rows = Notification.objects.all()
    if kind:
        rows = rows.filter(kind=kind)
    return sorted(rows.values_list("user__username", "kind"))


# --- Working-day duties


def test_a_duty_due_today_is_told_to_the_responsible_officer_only(case, victim, open_duty):
    # given
    duty = open_duty(victim, due_at=DUE)
    # when: 09:00 on the due day
    result = duties_sweep(now=at(2026, 3, 10, 9, 0))
    # then
    assert result == {**NOTHING, "victim_update_due_today": 1, "notifications": 1}
    notification = Notification.objects.get()
    assert notification.user.username == "officer.north"
    assert notification.kind == "welfare.victim_update_due_today"
    assert notification.message == "A victim update is due today (by 17:00)."
    assert notification.link == reverse("case-welfare", args=[case.id]) + "#victims-code"
    assert notification.dedupe_key == f"duty:{duty.id}:due_today:20260310T1700Z"


def test_a_duty_due_tomorrow_is_not_due_today_until_midnight(case, victim, open_duty):
    # given: due by 17:00 on Wednesday
    open_duty(victim, due_at=at(2026, 3, 11, 17, 0))
    # when / then: nothing on Tuesday, even late at night
    assert duties_sweep(now=at(2026, 3, 10, 9, 0)) == NOTHING
    assert duties_sweep(now=at(2026, 3, 10, 23, 59)) == NOTHING
    # when / then: from midnight it is due today
    result = duties_sweep(now=at(2026, 3, 11, 0, 0))
    assert result["victim_update_due_today"] == 1


def test_at_its_deadline_a_duty_is_still_due_today_and_a_minute_later_overdue_to_the_supervisor(
    case, victim, open_duty
):
    # given
    duty = open_duty(victim, due_at=DUE)
    # when / then: at 17:00 exactly, not yet overdue
    assert duties_sweep(now=DUE) == {
        **NOTHING,
        "victim_update_due_today": 1,
        "notifications": 1,
    }
    # when / then: at 17:01, overdue to the officer and their supervisor
    result = duties_sweep(now=DUE + timedelta(minutes=1))
    assert result == {**NOTHING, "victim_update_overdue": 2, "notifications": 2}
    assert _told("welfare.victim_update_overdue") == [
        ("officer.north", "welfare.victim_update_overdue"),
        ("supervisor.north", "welfare.victim_update_overdue"),
    ]
    overdue = Notification.objects.filter(kind="welfare.victim_update_overdue").first()
    assert overdue.message == (
        "A victim update was due by 17:00 on 10 March 2026 and is not recorded as done."
    )
    assert overdue.dedupe_key == f"duty:{duty.id}:overdue:20260310T1700Z"


def test_a_duty_first_seen_after_its_deadline_is_only_overdue(case, victim, open_duty):
    # given
    open_duty(victim, due_at=DUE)
    # when: the sweep first runs the next morning
    result = duties_sweep(now=at(2026, 3, 11, 9, 0))
    # then: no "due today" for a day that has passed
    assert result == {**NOTHING, "victim_update_overdue": 2, "notifications": 2}


def test_running_twice_tells_nobody_twice(case, victim, suspect, open_duty):
    # given
    open_duty(victim, due_at=DUE)
    open_duty(suspect, DutyKind.WELFARE_CHECK, at(2026, 3, 10, 12, 0), clock=True)
    now = at(2026, 3, 10, 17, 30)
    first = duties_sweep(now=now)
    # when
    second = duties_sweep(now=now)
    # then
    assert first["notifications"] == 4
    assert second == NOTHING
    assert Notification.objects.count() == 4


def test_a_duty_whose_deadline_moved_is_news_again(case, victim, open_duty):
    # given: told it was overdue
    duty = open_duty(victim, due_at=DUE)
    duties_sweep(now=DUE + timedelta(minutes=1))
    # when: its deadline moves to Thursday, and that is missed too
    Duty.objects.filter(pk=duty.pk).update(due_at=at(2026, 3, 12, 17, 0))
    assert duties_sweep(now=at(2026, 3, 11, 9, 0)) == NOTHING
    result = duties_sweep(now=at(2026, 3, 12, 17, 1))
    # then: a new deadline, missed, is told again
    assert result == {**NOTHING, "victim_update_overdue": 2, "notifications": 2}
    assert Notification.objects.filter(dedupe_key__contains="20260312T1700Z").count() == 2


@pytest.mark.parametrize(
    ("kind", "family", "section"),
    [
        (DutyKind.VICTIM_SUPPORT_REFERRAL, "victim_support_referral", "victims-code"),
        (DutyKind.FAMILY_PACK, "family_duty", "family-support"),
        (DutyKind.CHILDREN_SAFEGUARDING_REFERRAL, "family_duty", "family-support"),
        (DutyKind.WELFARE_SCREENING, "suspect_welfare", "suspect-welfare"),
        (DutyKind.WELFARE_CONTACT, "suspect_welfare", "suspect-welfare"),
    ],
)
def test_each_family_of_duty_has_its_kind_and_links_to_its_section(
    case, victim, suspect, open_duty, kind, family, section
):
    # given
    party = victim if section == "victims-code" else suspect
    open_duty(party, kind, DUE)
    # when
    result = duties_sweep(now=DUE + timedelta(minutes=1))
    # then
    assert result == {**NOTHING, f"{family}_overdue": 2, "notifications": 2}
    link = case_section_url(case.id, section)
    assert set(Notification.objects.values_list("link", flat=True)) == {link}


def test_messages_name_nobody(case, victim, suspect, open_duty):
    # given
    for kind in DutyKind.values:
        open_duty(
            victim if kind in {"victim_update", "victim_support_referral"} else suspect, kind, DUE
        )
    # when
    duties_sweep(now=at(2026, 3, 10, 9, 0))
    duties_sweep(now=DUE + timedelta(minutes=1))
    # then
    names = {victim.person.first_name, victim.person.last_name, suspect.person.last_name}
    messages = list(Notification.objects.values_list("message", flat=True))
    assert len(messages) == len(DutyKind.values) * 3
    assert not any(name in message for name in names for message in messages)


# --- The 48-hour check


RELEASED = at(2026, 3, 10, 22, 30)
CHECK_DUE = RELEASED + timedelta(hours=48)  # 22:30 on Thursday 12 March


def test_the_48_hour_check_is_due_soon_from_six_hours_before(case, suspect, open_duty):
    # given
    duty = open_duty(suspect, DutyKind.WELFARE_CHECK, CHECK_DUE, clock=True)
    # when / then: 6 hours and a minute before, nothing
    assert duties_sweep(now=CHECK_DUE - timedelta(hours=6, minutes=1)) == NOTHING
    # when / then: exactly 6 hours before, the responsible officer only
    result = duties_sweep(now=CHECK_DUE - timedelta(hours=6))
    assert result == {**NOTHING, "welfare_check_due_soon": 1, "notifications": 1}
    notification = Notification.objects.get()
    assert notification.user.username == "officer.north"
    assert notification.message == (
        "A 48-hour welfare check on a suspect is due by 22:30 on 12 March 2026."
    )
    assert notification.link == reverse("case-welfare", args=[case.id]) + "#suspect-welfare"
    assert notification.dedupe_key == f"duty:{duty.id}:due_soon:20260312T2230Z"


def test_a_missed_48_hour_check_escalates_to_the_supervisor(case, suspect, open_duty):
    # given
    open_duty(suspect, DutyKind.WELFARE_CHECK, CHECK_DUE, clock=True)
    # when / then: at the deadline it is not yet missed
    assert duties_sweep(now=CHECK_DUE)["welfare_check_missed"] == 0
    # when / then: a minute after, missed: the officer and the supervisor
    result = duties_sweep(now=CHECK_DUE + timedelta(minutes=1))
    assert result == {**NOTHING, "welfare_check_missed": 2, "notifications": 2}
    assert _told("welfare.welfare_check_missed") == [
        ("officer.north", "welfare.welfare_check_missed"),
        ("supervisor.north", "welfare.welfare_check_missed"),
    ]


def test_the_48_hour_check_counts_real_hours_across_the_clock_change(case, suspect, open_duty):
    # given: released at 23:30 on Friday 27 March 2026 (GMT); the clocks go forward
    # at 01:00 on Sunday 29 March, so 48 real hours end at 00:30 BST on Monday 30 March
    released = at(2026, 3, 27, 23, 30)
    due = released.astimezone(UTC) + timedelta(hours=48)
    open_duty(suspect, DutyKind.WELFARE_CHECK, due, clock=True)
    # when / then: due soon from 18:30 BST on Sunday, six real hours before
    assert duties_sweep(now=at(2026, 3, 29, 18, 29))["welfare_check_due_soon"] == 0
    assert duties_sweep(now=at(2026, 3, 29, 18, 30))["welfare_check_due_soon"] == 1
    assert Notification.objects.get().message == (
        "A 48-hour welfare check on a suspect is due by 00:30 on 30 March 2026."
    )
    # when / then: missed from 00:31
    assert duties_sweep(now=at(2026, 3, 30, 0, 30))["welfare_check_missed"] == 0
    assert duties_sweep(now=at(2026, 3, 30, 0, 31))["welfare_check_missed"] == 2


def test_a_missed_check_nobody_answers_for_goes_to_the_case_teams_supervisors(
    north, north_team, supervisor_north, open_duty
):
    # given: a case with no lead officer
    case = CaseFactory(owning_agency=north, team=north_team, lead_officer=None)
    suspect = PartyFactory(case=case, role="suspect")
    duty = open_duty(suspect, DutyKind.WELFARE_CHECK, CHECK_DUE, clock=True)
    assert duty.responsible is None
    # when
    result = duties_sweep(now=CHECK_DUE + timedelta(minutes=1))
    # then
    assert result["welfare_check_missed"] == 1
    assert _told() == [("supervisor.north", "welfare.welfare_check_missed")]


def test_an_officer_who_left_is_not_told_but_their_supervisor_is(
    case, victim, officer_north, open_duty
):
    # given
    open_duty(victim, due_at=DUE)
    officer_north.user.is_active = False
    officer_north.user.save()
    # when
    duties_sweep(now=at(2026, 3, 10, 9, 0))
    # then: somebody who can act is told
    assert _told() == [("supervisor.north", "welfare.victim_update_due_today")]


# --- Closed duties and cases


@pytest.mark.parametrize(
    "status", [DutyStatus.MET, DutyStatus.CANCELLED, DutyStatus.NOT_NEEDED, DutyStatus.DECLINED]
)
def test_closed_duties_are_never_told(case, victim, open_duty, status):
    # given
    duty = open_duty(victim, due_at=DUE)
    duties_close(Duty.objects.filter(pk=duty.pk), actor=None, status=status, note="Done.")
    # when / then
    assert duties_sweep(now=at(2026, 3, 10, 9, 0)) == NOTHING
    assert duties_sweep(now=DUE + timedelta(days=3)) == NOTHING


def test_an_opted_out_update_is_never_told(case, victim, open_duty):
    # given: the victim asked not to be updated
    open_duty(victim, due_at=DUE, closed_as=DutyStatus.OPTED_OUT, closed_note="No updates.")
    # when / then
    assert duties_sweep(now=at(2026, 3, 10, 9, 0)) == NOTHING
    assert duties_sweep(now=DUE + timedelta(days=3)) == NOTHING


def test_a_duty_still_owed_when_its_case_has_closed_is_told(case, victim, open_duty):
    """The update about the outcome is owed after the case closes: it is swept."""
    # given
    open_duty(victim, due_at=DUE)
    type(case).objects.filter(pk=case.pk).update(
        status=CaseStatus.CLOSED, closed_on=date(2026, 3, 9), closing_reason="outcome_recorded"
    )
    # when
    result = duties_sweep(now=DUE + timedelta(minutes=1))
    # then
    assert result["victim_update_overdue"] >= 1


# --- From the event, through the handlers


def test_an_arrest_makes_a_victim_update_due_the_next_working_day_and_told_that_day(
    case, victim, suspect, officer_north
):
    # given: an arrest on Friday 13 March 2026 at 10:00; enhanced: 1 working day
    with time_machine.travel(at(2026, 3, 13, 10, 30), tick=False):
        investigation_event_record(
            actor=officer_north.user,
            case=case,
            suspect=suspect,
            kind=EventKind.ARRESTED,
            occurred_at=at(2026, 3, 13, 10, 0),
        )
    duty = Duty.objects.get(kind=DutyKind.VICTIM_UPDATE)
    assert duty.due_at == at(2026, 3, 16, 17, 0)
    # when / then: nothing over the weekend; due today on Monday
    assert duties_sweep(now=at(2026, 3, 15, 12, 0))["victim_update_due_today"] == 0
    assert duties_sweep(now=at(2026, 3, 16, 8, 0))["victim_update_due_today"] == 1
    assert ("officer.north", "welfare.victim_update_due_today") in _told()


# --- Bounded


def _queries(now) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as queries:
        result = duties_sweep(now=now)
    return len(queries), result


@pytest.mark.parametrize("count", [1, 20])
def test_the_sweep_reads_a_bounded_number_of_queries(
    case, victim, open_duty, django_assert_max_num_queries, count
):
    # given
    for _ in range(count):
        open_duty(victim, due_at=DUE)
    now = DUE + timedelta(minutes=1)
    # when: the first run, which stores 2 notifications a duty
    first, result = _queries(now)
    # then: a fixed number of reads, plus what notify() costs for each one stored
    assert result["notifications"] == 2 * count
    assert first <= 5 + 4 * result["notifications"]
    # when / then: a second run stores nothing, in as many queries for 20 as for 1
    with django_assert_max_num_queries(5):
        assert duties_sweep(now=now) == NOTHING


def test_a_second_run_costs_the_same_for_one_duty_as_for_twenty(case, victim, open_duty):
    # given
    open_duty(victim, due_at=DUE)
    now = DUE + timedelta(minutes=1)
    duties_sweep(now=now)
    one, _ = _queries(now)
    for _ in range(19):
        open_duty(victim, due_at=DUE)
    duties_sweep(now=now)
    # when
    twenty, result = _queries(now)
    # then
    assert result == NOTHING
    assert twenty == one


def test_the_task_runs_the_sweep(case, victim, open_duty, django_capture_on_commit_callbacks):
    # given
    from welfare.tasks import duties_sweep as duties_sweep_task

    open_duty(victim, due_at=DUE)
    # when
    with time_machine.travel(DUE + timedelta(minutes=1), tick=False):
        result = duties_sweep_task()
    # then
    assert result["victim_update_overdue"] == 2


def test_a_supervisor_of_another_team_is_not_told(case, victim, north, open_duty):
    # given: a supervisor of another team in the same force
    from agencies.models import Role
    from tests.factories import TeamFactory

    other = TeamFactory(agency=north, slug="other-team", name="Other Team")
    MembershipFactory(
        agency=north, team=other, role=Role.POLICE_SUPERVISOR, user__username="other.sup"
    )
    open_duty(victim, due_at=DUE)
    # when
    duties_sweep(now=DUE + timedelta(minutes=1))
    # then
    assert [name for name, _ in _told()] == ["officer.north", "supervisor.north"]
