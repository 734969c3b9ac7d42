"""The staff welfare sweep (once per due date) and the demo's seeder (idempotent)."""

from datetime import date

import pytest
from django.contrib.auth.models import User

from agencies.models import Role
from common.models import Notification
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory
from tests.welfare.staff.conftest import NOW, at
from welfare.demo_staff import seed_staff_exposure
from welfare.models import ExposureRules, ExposureSession, StaffShift, WelfareMeeting
from welfare.staff_deadlines import staff_welfare_sweep

pytestmark = pytest.mark.django_db


def meeting(member, kind, held_on):
    return WelfareMeeting.objects.create(
        user=member.user,
        agency=member.agency,
        team=member.team,
        kind=kind,
        held_on=held_on,
        recorded_by=member.user,
    )


def test_an_overdue_debrief_is_told_to_the_member_and_supervisor_once(
    investigator_north, supervisor_north
):
    # given a debrief on 1 February (due 1 March) and a welfare review on 1 December
    meeting(investigator_north, "debrief", date(2026, 2, 1))
    meeting(investigator_north, "welfare_review", date(2025, 12, 1))
    meeting(supervisor_north, "debrief", date(2026, 3, 1))
    meeting(supervisor_north, "welfare_review", date(2026, 3, 1))
    # when
    first = staff_welfare_sweep(now=NOW)
    second = staff_welfare_sweep(now=NOW)
    # then
    assert first == {"staff.debrief_due": 2, "staff.welfare_review_due": 0}
    assert second == {"staff.debrief_due": 0, "staff.welfare_review_due": 0}
    to_member = Notification.objects.get(user=investigator_north.user)
    assert to_member.message == "Your debrief is due (due on 1 March 2026)."
    assert to_member.link == "/staff-welfare/"
    to_supervisor = Notification.objects.get(user=supervisor_north.user)
    assert to_supervisor.message == (
        "A member of your team is due a debrief (due on 1 March 2026)."
    )
    assert to_supervisor.link == "/staff-welfare/team/"


def test_a_debrief_due_today_is_told_and_one_due_tomorrow_is_not(investigator_north):
    meeting(investigator_north, "welfare_review", date(2026, 1, 10))
    meeting(investigator_north, "debrief", date(2026, 2, 4))
    assert staff_welfare_sweep(now=NOW)["staff.debrief_due"] == 1
    Notification.objects.all().delete()
    meeting(investigator_north, "debrief", date(2026, 2, 5))
    assert staff_welfare_sweep(now=NOW)["staff.debrief_due"] == 0


def test_a_new_due_date_is_a_new_notice(investigator_north):
    meeting(investigator_north, "welfare_review", date(2026, 1, 10))
    meeting(investigator_north, "debrief", date(2026, 1, 1))
    assert staff_welfare_sweep(now=NOW)["staff.debrief_due"] == 1
    meeting(investigator_north, "debrief", date(2026, 1, 20))  # due 20 February
    assert staff_welfare_sweep(now=NOW)["staff.debrief_due"] == 1


def test_the_sweep_ignores_those_who_are_not_police_officers(admin_north):
    # given an admin of the force, and a coordinator of a hub, who joined long ago
    hub = AgencyFactory(kind="safeguarding_hub", slug="hub")
    coordinator = MembershipFactory(agency=hub, role=Role.MASH_COORDINATOR)
    type(coordinator).objects.filter(pk__in=[coordinator.pk, admin_north.pk]).update(
        created_at=at(1, 9, month=1)
    )
    assert staff_welfare_sweep(now=NOW) == {
        "staff.debrief_due": 0,
        "staff.welfare_review_due": 0,
    }


def test_the_sweep_is_constant_in_queries(north, django_assert_max_num_queries):
    team = TeamFactory(agency=north)
    ExposureRules.objects.create(agency=north)
    for _ in range(5):
        MembershipFactory(agency=north, team=team, role=Role.SPECIALIST_INVESTIGATOR)
    # nobody due yet: joined today
    with django_assert_max_num_queries(4):
        staff_welfare_sweep()


# --- The demo


def test_the_demo_seeder_is_idempotent(investigator_north, supervisor_north, clock):
    # when
    first = seed_staff_exposure()
    second = seed_staff_exposure()
    # then
    assert first == "11 review session(s) and 2 debrief/welfare review(s) created"
    assert second == "0 review session(s) and 0 debrief/welfare review(s) created"
    sessions = ExposureSession.objects.filter(user=investigator_north.user)
    assert sessions.count() == 11
    assert [s.breaches for s in sessions if s.has_breach] == [["final_hour"]]
    assert (
        StaffShift.objects.filter(
            user__in=User.objects.filter(username__in=["investigator.north", "supervisor.north"])
        ).count()
        == 2
    )
    assert set(
        WelfareMeeting.objects.filter(user=investigator_north.user).values_list("kind", "held_on")
    ) == {("debrief", date(2026, 2, 4)), ("welfare_review", date(2025, 10, 4))}
