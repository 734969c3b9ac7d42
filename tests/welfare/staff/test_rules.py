"""The rules of exposure at their boundaries, and the bad input that is refused
with nothing stored."""

from datetime import time

import pytest

from common.errors import ValidationError
from common.models import Notification
from tests.welfare.staff.conftest import NOW, at
from welfare.models import ExposureBreach, ExposureSession, StaffShift
from welfare.services.staff_sessions import exposure_session_log

pytestmark = pytest.mark.django_db


def log(member, start, end, *, confirm=False, note=""):
    return exposure_session_log(
        actor=member.user,
        started_at=start,
        ended_at=end,
        review_kind="grading",
        private_note=note,
        confirm_breach=confirm,
        now=NOW,
    )


def refusal(member, start, end, **kwargs) -> dict:
    before = ExposureSession.objects.count()
    with pytest.raises(ValidationError) as caught:
        log(member, start, end, **kwargs)
    assert ExposureSession.objects.count() == before
    return caught.value.message_dict


# --- The daily limit


def test_exactly_four_hours_in_a_day_is_allowed(investigator_north):
    # given two hours in the morning
    log(investigator_north, at(3, 8), at(3, 10))
    # when two more hours take the day to exactly 240 minutes
    session = log(investigator_north, at(3, 11), at(3, 13))
    # then it is recorded without a breach
    assert session.minutes == 120
    assert session.breaches == []
    assert session.has_breach is False


def test_four_hours_and_one_minute_is_a_breach_that_warns_first(investigator_north):
    # given
    log(investigator_north, at(3, 8), at(3, 10))
    # when the day would reach 241 minutes
    errors = refusal(investigator_north, at(3, 11), at(3, 13, 1))
    # then it is refused with a warning on confirm_breach, and nothing is stored
    assert errors == {
        "confirm_breach": [
            "This session takes you past 4 hours of review on Tuesday 3 March 2026. "
            "Confirm to record it with the breach marked."
        ]
    }


def test_a_confirmed_breach_is_recorded_with_the_breach_marked(investigator_north):
    log(investigator_north, at(3, 8), at(3, 10))
    session = log(investigator_north, at(3, 11), at(3, 13, 1), confirm=True)
    assert session.breaches == [ExposureBreach.DAILY_LIMIT]
    assert session.has_breach is True
    assert session.minutes == 121


def test_the_warning_says_today_for_a_session_today(investigator_north):
    errors = refusal(investigator_north, at(4, 9), at(4, 13, 1))
    assert errors["confirm_breach"][0].startswith(
        "This session takes you past 4 hours of review today."
    )


def test_a_session_across_midnight_counts_towards_each_day(investigator_north, supervisor_north):
    # given a night shift, and three and a half hours on the 2nd
    StaffShift.objects.create(user=investigator_north.user, starts_at=time(18), ends_at=time(6))
    log(investigator_north, at(2, 19), at(2, 22, 30))
    # when a session runs from 23:00 to 01:00: 60 minutes on each day
    errors = refusal(investigator_north, at(2, 23), at(3, 1))
    # then only the 2nd passes the limit (210 + 60 = 270)
    assert errors["confirm_breach"] == [
        "This session takes you past 4 hours of review on Monday 2 March 2026. "
        "Confirm to record it with the breach marked."
    ]
    # and 30 minutes before midnight do not (210 + 30 = 240)
    session = log(investigator_north, at(2, 23, 30), at(3, 1))
    assert session.minutes == 90
    assert session.breaches == []


# --- The final hour of the shift


def test_ending_exactly_when_the_final_hour_starts_is_allowed(investigator_north):
    session = log(investigator_north, at(3, 14), at(3, 15))
    assert session.breaches == []


def test_a_minute_into_the_final_hour_is_a_breach(investigator_north):
    errors = refusal(investigator_north, at(3, 14), at(3, 15, 1))
    assert errors == {
        "confirm_breach": [
            "This session is in the final hour of your shift, which ends at 16:00. "
            "Confirm to record it with the breach marked."
        ]
    }
    session = log(investigator_north, at(3, 14), at(3, 15, 1), confirm=True)
    assert session.breaches == [ExposureBreach.FINAL_HOUR]


def test_after_the_shift_has_ended_is_not_the_final_hour(investigator_north):
    assert log(investigator_north, at(3, 16), at(3, 17)).breaches == []


def test_the_final_hour_of_a_shift_that_runs_past_midnight(investigator_north):
    StaffShift.objects.create(user=investigator_north.user, starts_at=time(22), ends_at=time(6))
    assert log(investigator_north, at(3, 4), at(3, 5)).breaches == []
    errors = refusal(investigator_north, at(3, 5), at(3, 5, 30))
    assert "final hour" in errors["confirm_breach"][0]


def test_both_rules_broken_are_both_marked(investigator_north):
    log(investigator_north, at(3, 9), at(3, 13))
    session = log(investigator_north, at(3, 14, 30), at(3, 15, 30), confirm=True)
    assert session.breaches == [ExposureBreach.DAILY_LIMIT, ExposureBreach.FINAL_HOUR]


# --- Bad input


def test_a_session_that_ends_before_it_starts_is_refused(investigator_north):
    errors = refusal(investigator_north, at(3, 11), at(3, 10))
    assert errors == {"ended_at": ["The end of the session must be after its start."]}


def test_a_session_that_ends_when_it_starts_is_refused(investigator_north):
    assert "ended_at" in refusal(investigator_north, at(3, 11), at(3, 11))


def test_a_session_in_the_future_is_refused(investigator_north):
    errors = refusal(investigator_north, at(4, 17), at(4, 18, 1))
    assert errors == {"ended_at": ["A session cannot end in the future."]}


def test_a_session_longer_than_twelve_hours_is_refused(investigator_north):
    assert log(investigator_north, at(1, 6), at(1, 18), confirm=True).minutes == 720
    errors = refusal(investigator_north, at(2, 6), at(2, 18, 1), confirm=True)
    assert list(errors) == ["ended_at"]


def test_an_overlapping_session_is_refused_naming_the_other(investigator_north):
    # given
    log(investigator_north, at(3, 9), at(3, 10))
    # when / then
    errors = refusal(investigator_north, at(3, 9, 30), at(3, 10, 30))
    assert errors == {
        "started_at": [
            "This session overlaps one you already logged, from 09:00 on 3 March 2026 "
            "to 10:00 on 3 March 2026."
        ]
    }


def test_back_to_back_sessions_do_not_overlap(investigator_north):
    log(investigator_north, at(3, 9), at(3, 10))
    assert log(investigator_north, at(3, 10), at(3, 11)).minutes == 60


def test_another_persons_session_at_the_same_time_is_no_overlap(
    investigator_north, supervisor_north
):
    log(investigator_north, at(3, 9), at(3, 10))
    assert log(supervisor_north, at(3, 9), at(3, 10)).minutes == 60


def test_an_unknown_kind_of_review_is_refused(investigator_north):
    with pytest.raises(ValidationError) as caught:
        exposure_session_log(
            actor=investigator_north.user,
            started_at=at(3, 9),
            ended_at=at(3, 10),
            review_kind="watching",
            now=NOW,
        )
    assert list(caught.value.message_dict) == ["review_kind"]
    assert not ExposureSession.objects.exists()


def test_seconds_are_dropped_so_minutes_are_exact(investigator_north):
    session = log(investigator_north, at(3, 9).replace(second=59), at(3, 10).replace(second=1))
    assert session.minutes == 60


# --- Who is told


def test_supervisors_are_told_of_a_breach_without_personal_details(
    investigator_north, supervisor_north
):
    session = log(investigator_north, at(3, 14), at(3, 15, 30), confirm=True, note="hard day")
    told = Notification.objects.get(user=supervisor_north.user)
    assert told.message == (
        "A member of your team logged a review session that breaks the final-hour rule."
    )
    assert told.link == "/staff-welfare/team/"
    assert told.dedupe_key == f"exposure:{session.pk}:breach"
    assert "investigator" not in told.message
    assert not Notification.objects.filter(user=investigator_north.user).exists()


def test_no_one_is_told_of_a_session_without_a_breach(investigator_north, supervisor_north):
    log(investigator_north, at(3, 9), at(3, 10))
    assert not Notification.objects.exists()


def test_minutes_are_true_minutes_across_the_clock_change():
    from welfare.selectors.staff_exposure import minutes_by_day

    # 29 March 2026: the clocks go forward at 01:00, so 00:00 to 04:00 is three hours.
    assert minutes_by_day(at(29, 0), at(29, 4)) == {at(29, 0).date(): 180}
    # 25 October 2026: they go back, so 00:00 to 04:00 is five hours.
    assert minutes_by_day(at(25, 0, month=10), at(25, 4, month=10)) == {
        at(25, 0, month=10).date(): 300
    }
