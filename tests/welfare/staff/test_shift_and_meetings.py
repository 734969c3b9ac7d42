"""Shift times (the member or their supervisor) and meetings (the supervisor of
the same team), in the services."""

from datetime import date, time

import pytest

from common.errors import AccessDenied, NotFound, ValidationError
from tests.welfare.staff.conftest import NOW
from welfare.models import StaffShift, WelfareMeeting
from welfare.selectors.staff_exposure import team_member_list
from welfare.selectors.staff_summaries import team_exposure_summary_list
from welfare.services.staff_welfare import staff_shift_set, welfare_meeting_record

pytestmark = pytest.mark.django_db


def test_a_supervisor_sets_a_team_members_shift(investigator_north, supervisor_north):
    shift = staff_shift_set(
        actor=supervisor_north.user,
        user=investigator_north.user,
        starts_at=time(7),
        ends_at=time(15),
        expected_version=1,
    )
    assert (shift.starts_at, shift.ends_at, shift.version) == (time(7), time(15), 2)
    assert shift.history.first().history_change_reason == "shift set by supervisor"


def test_a_supervisor_of_another_team_cannot_set_the_shift(investigator_north, supervisor_response):
    with pytest.raises(NotFound):
        staff_shift_set(
            actor=supervisor_response.user,
            user=investigator_north.user,
            starts_at=time(7),
            ends_at=time(15),
            expected_version=1,
        )
    assert not StaffShift.objects.filter(user=investigator_north.user, starts_at=time(7)).exists()


def test_a_reviewer_cannot_set_someone_elses_shift(investigator_north, supervisor_north):
    with pytest.raises(AccessDenied):
        staff_shift_set(
            actor=investigator_north.user,
            user=supervisor_north.user,
            starts_at=time(7),
            ends_at=time(15),
            expected_version=1,
        )


def test_a_meeting_for_someone_in_another_agency_is_not_found(supervisor_north, investigator_south):
    with pytest.raises(NotFound):
        welfare_meeting_record(
            actor=supervisor_north.user,
            user=investigator_south.user,
            kind="debrief",
            held_on=date(2026, 3, 1),
            now=NOW,
        )
    assert not WelfareMeeting.objects.exists()


def test_a_meeting_needs_a_kind_and_a_date(investigator_north, supervisor_north):
    with pytest.raises(ValidationError) as caught:
        welfare_meeting_record(
            actor=supervisor_north.user,
            user=investigator_north.user,
            kind="chat",
            held_on=None,
            now=NOW,
        )
    assert set(caught.value.message_dict) == {"kind", "held_on"}


def test_a_supervisor_without_a_team_sees_no_team(north, investigator_north):
    from agencies.models import Role
    from tests.factories import MembershipFactory

    lone = MembershipFactory(agency=north, role=Role.POLICE_SUPERVISOR, team=None)
    assert team_member_list(actor=lone.user) == []
    assert team_exposure_summary_list(actor=lone.user, now=NOW) == []


def test_the_team_is_every_police_officer_of_the_team_who_views_material(
    officer_north, investigator_north, supervisor_north, admin_north, investigator_response
):
    # given the north team's generalist, investigator and supervisor; an admin in no
    # team and an investigator of another team
    # when
    names = [m.user.username for m in team_member_list(actor=supervisor_north.user)]
    # then the generalist is in it too (issue 16)
    assert sorted(names) == ["investigator.north", "officer.north", "supervisor.north"]
