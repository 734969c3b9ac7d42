"""The working-day calendar: weekends, England and Wales bank holidays with their
substitute days, the 17:00 end of the working day, clock changes and closure days."""

from datetime import UTC, date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from agencies.models import AccessLogEntry, ClosureDay
from agencies.services.calendar import closure_day_add, closure_day_remove
from agencies.working_days import (
    add_working_days,
    is_working_day,
    next_working_day,
    working_days_between,
    working_days_late,
)

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def run_closure_day(*args: str) -> str:
    out = StringIO()
    call_command("closure_day", *args, stdout=out)
    return out.getvalue()


# is_working_day


@pytest.mark.django_db
def test_an_ordinary_weekday_is_a_working_day():
    # given Tuesday 9 June 2026, with no holiday
    day = date(2026, 6, 9)
    # when / then
    assert is_working_day(day) is True


def test_saturday_and_sunday_are_not_working_days():
    # given / when / then
    assert is_working_day(date(2026, 6, 13)) is False
    assert is_working_day(date(2026, 6, 14)) is False


def test_england_bank_holidays_of_2026_are_not_working_days():
    # given the bank holidays that fall on weekdays in 2026
    bank_holidays = [
        date(2026, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 5, 25),
        date(2026, 8, 31),
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day substitute
    ]
    # when
    results = [is_working_day(day) for day in bank_holidays]
    # then
    assert results == [False] * 8


@pytest.mark.django_db
def test_christmas_2027_substitute_days_are_not_working_days():
    # given Christmas Day and Boxing Day 2027 fall on Saturday and Sunday
    # when / then the Monday and Tuesday after are the bank holidays
    assert is_working_day(date(2027, 12, 27)) is False
    assert is_working_day(date(2027, 12, 28)) is False
    assert is_working_day(date(2027, 12, 29)) is True


@pytest.mark.django_db
def test_a_closure_day_is_not_a_working_day():
    # given
    ClosureDay.objects.create(date=date(2026, 6, 10), reason="National day of mourning")
    # when / then
    assert is_working_day(date(2026, 6, 10)) is False
    assert is_working_day(date(2026, 6, 11)) is True


def test_a_datetime_is_refused_where_a_date_is_expected():
    # given a datetime on Christmas Day, which would never match the holiday dates
    moment = london(2026, 12, 25, 10)
    # when / then
    with pytest.raises(TypeError):
        is_working_day(moment)


# next_working_day


@pytest.mark.django_db
def test_next_working_day_skips_the_weekend_and_the_boxing_day_substitute():
    # given Thursday 24 December 2026
    # when
    result = next_working_day(date(2026, 12, 24))
    # then Friday 25, Saturday 26, Sunday 27 and Monday 28 (substitute) are skipped
    assert result == date(2026, 12, 29)


@pytest.mark.django_db
def test_next_working_day_is_strictly_after_the_day():
    # given / when / then
    assert next_working_day(date(2026, 6, 8)) == date(2026, 6, 9)


# add_working_days: the end of the working day


@pytest.mark.django_db
def test_one_working_day_after_an_ordinary_weekday_morning_is_the_end_of_the_next_day():
    # given Tuesday 9 June 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 6, 9, 10), 1)
    # then Wednesday 10 June, 17:00 British Summer Time
    assert deadline == london(2026, 6, 10, 17)
    assert deadline == utc(2026, 6, 10, 16)
    assert deadline.tzinfo == LONDON


@pytest.mark.django_db
def test_friday_plus_one_working_day_is_monday():
    # given Friday 12 June 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 6, 12, 10), 1)
    # then
    assert deadline == london(2026, 6, 15, 17)


@pytest.mark.django_db
def test_an_event_at_1659_counts_from_that_day():
    # given Monday 8 June 2026, 16:59
    # when
    deadline = add_working_days(london(2026, 6, 8, 16, 59), 1)
    # then
    assert deadline == london(2026, 6, 9, 17)


@pytest.mark.django_db
def test_an_event_at_exactly_1700_counts_from_the_next_working_day():
    # given Monday 8 June 2026, 17:00
    # when
    deadline = add_working_days(london(2026, 6, 8, 17), 1)
    # then
    assert deadline == london(2026, 6, 10, 17)


@pytest.mark.django_db
def test_an_event_at_1701_counts_from_the_next_working_day():
    # given Monday 8 June 2026, 17:01
    # when
    deadline = add_working_days(london(2026, 6, 8, 17, 1), 1)
    # then
    assert deadline == london(2026, 6, 10, 17)


@pytest.mark.django_db
def test_an_event_after_1700_on_friday_counts_from_monday():
    # given Friday 12 June 2026, 18:30
    # when
    deadline = add_working_days(london(2026, 6, 12, 18, 30), 1)
    # then Monday is the start day and Tuesday the deadline
    assert deadline == london(2026, 6, 16, 17)


@pytest.mark.django_db
def test_an_event_on_saturday_counts_from_monday():
    # given Saturday 13 June 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 6, 13, 10), 1)
    # then
    assert deadline == london(2026, 6, 16, 17)


@pytest.mark.django_db
def test_zero_working_days_is_the_end_of_the_start_day():
    # given Monday 8 June 2026, 09:00
    # when
    deadline = add_working_days(london(2026, 6, 8, 9), 0)
    # then
    assert deadline == london(2026, 6, 8, 17)


@pytest.mark.django_db
def test_zero_working_days_after_1700_is_the_end_of_the_next_working_day():
    # given Friday 12 June 2026, 17:30
    # when
    deadline = add_working_days(london(2026, 6, 12, 17, 30), 0)
    # then
    assert deadline == london(2026, 6, 15, 17)


@pytest.mark.django_db
def test_zero_working_days_on_sunday_is_the_end_of_monday():
    # given Sunday 14 June 2026, 11:00
    # when
    deadline = add_working_days(london(2026, 6, 14, 11), 0)
    # then
    assert deadline == london(2026, 6, 15, 17)


@pytest.mark.django_db
def test_a_utc_moment_is_read_in_london_time():
    # given 16:30 UTC on Monday 8 June 2026, which is 17:30 in London (summer time)
    # when
    summer = add_working_days(utc(2026, 6, 8, 16, 30), 0)
    # then the London working day has ended
    assert summer == london(2026, 6, 9, 17)


@pytest.mark.django_db
def test_a_utc_moment_in_winter_is_still_within_the_london_working_day():
    # given 16:30 UTC on Monday 7 December 2026, which is 16:30 in London too
    # when
    winter = add_working_days(utc(2026, 12, 7, 16, 30), 0)
    # then
    assert winter == london(2026, 12, 7, 17)
    assert winter == utc(2026, 12, 7, 17)


@pytest.mark.django_db
def test_a_utc_moment_late_in_the_evening_falls_on_the_next_london_day():
    # given 23:30 UTC on Monday 8 June 2026, which is 00:30 on Tuesday in London
    # when
    deadline = add_working_days(utc(2026, 6, 8, 23, 30), 0)
    # then
    assert deadline == london(2026, 6, 9, 17)


@pytest.mark.django_db
def test_twenty_working_days_in_june():
    # given Monday 1 June 2026, 10:00 (no bank holidays in June)
    # when
    deadline = add_working_days(london(2026, 6, 1, 10), 20)
    # then
    assert deadline == london(2026, 6, 29, 17)


# add_working_days: bank holidays


@pytest.mark.django_db
def test_easter_2026_skips_good_friday_and_easter_monday():
    # given Thursday 2 April 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 4, 2, 10), 1)
    # then Friday 3 and Monday 6 April are bank holidays
    assert deadline == london(2026, 4, 7, 17)


@pytest.mark.django_db
def test_an_event_on_good_friday_counts_from_the_tuesday_after_easter():
    # given Good Friday, 3 April 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 4, 3, 10), 1)
    # then Tuesday 7 April is the start day and Wednesday 8 April the deadline
    assert deadline == london(2026, 4, 8, 17)


@pytest.mark.django_db
def test_the_early_may_bank_holiday_is_skipped():
    # given Friday 1 May 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 5, 1, 10), 1)
    # then Monday 4 May is the Early May bank holiday
    assert deadline == london(2026, 5, 5, 17)


@pytest.mark.django_db
def test_christmas_2026_skips_christmas_day_and_the_boxing_day_substitute():
    # given Thursday 24 December 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 12, 24, 10), 1)
    # then Friday 25 and Monday 28 December (Boxing Day substitute) are skipped
    assert deadline == london(2026, 12, 29, 17)
    assert deadline == utc(2026, 12, 29, 17)


@pytest.mark.django_db
def test_christmas_2027_skips_both_substitute_days():
    # given Friday 24 December 2027, 10:00
    # when
    deadline = add_working_days(london(2027, 12, 24, 10), 1)
    # then Monday 27 and Tuesday 28 December are the substitute bank holidays
    assert deadline == london(2027, 12, 29, 17)


@pytest.mark.django_db
def test_a_span_across_new_year_uses_both_years_bank_holidays():
    # given Thursday 31 December 2026, 10:00
    # when
    deadline = add_working_days(london(2026, 12, 31, 10), 1)
    # then Friday 1 January 2027 is a bank holiday
    assert deadline == london(2027, 1, 4, 17)


# add_working_days: clock changes


@pytest.mark.django_db
def test_across_the_clock_change_into_summer_time():
    # given Friday 27 March 2026, 10:00 GMT; the clocks go forward on Sunday 29 March
    start = london(2026, 3, 27, 10)
    assert start == utc(2026, 3, 27, 10)
    # when
    deadline = add_working_days(start, 1)
    # then Monday 30 March, 17:00 BST, which is 16:00 UTC
    assert deadline == london(2026, 3, 30, 17)
    assert deadline == utc(2026, 3, 30, 16)
    assert deadline.utcoffset() == timedelta(hours=1)


@pytest.mark.django_db
def test_the_day_before_the_clock_change_into_summer_time_ends_at_1700_gmt():
    # given Friday 27 March 2026, 10:00 GMT
    # when
    deadline = add_working_days(london(2026, 3, 27, 10), 0)
    # then
    assert deadline == utc(2026, 3, 27, 17)
    assert deadline.utcoffset() == timedelta(0)


@pytest.mark.django_db
def test_across_the_clock_change_out_of_summer_time():
    # given Friday 23 October 2026, 10:00 BST; the clocks go back on Sunday 25 October
    start = london(2026, 10, 23, 10)
    assert start == utc(2026, 10, 23, 9)
    # when
    deadline = add_working_days(start, 1)
    # then Monday 26 October, 17:00 GMT, which is 17:00 UTC
    assert deadline == london(2026, 10, 26, 17)
    assert deadline == utc(2026, 10, 26, 17)
    assert deadline.utcoffset() == timedelta(0)


@pytest.mark.django_db
def test_an_event_on_the_sunday_of_the_clock_change_counts_from_monday():
    # given 01:30 UTC on Sunday 25 October 2026, during the repeated hour
    # when
    deadline = add_working_days(utc(2026, 10, 25, 1, 30), 0)
    # then
    assert deadline == utc(2026, 10, 26, 17)


# add_working_days: closure days


@pytest.mark.django_db
def test_a_closure_day_is_skipped():
    # given Wednesday 10 June 2026 is a closure day
    ClosureDay.objects.create(date=date(2026, 6, 10), reason="National day of mourning")
    # when
    deadline = add_working_days(london(2026, 6, 9, 10), 1)
    # then
    assert deadline == london(2026, 6, 11, 17)


@pytest.mark.django_db
def test_an_event_on_a_closure_day_counts_from_the_next_working_day():
    # given Wednesday 10 June 2026 is a closure day
    ClosureDay.objects.create(date=date(2026, 6, 10), reason="National day of mourning")
    # when
    deadline = add_working_days(london(2026, 6, 10, 10), 0)
    # then
    assert deadline == london(2026, 6, 11, 17)


@pytest.mark.django_db
def test_twenty_working_days_take_one_query(django_assert_num_queries):
    # given closure days inside and just outside the span
    ClosureDay.objects.create(date=date(2026, 6, 10), reason="Closure inside the span")
    ClosureDay.objects.create(date=date(2026, 7, 31), reason="Closure after the span")
    # when
    with django_assert_num_queries(1):
        deadline = add_working_days(london(2026, 6, 1, 10), 20)
    # then one working day is lost to the closure
    assert deadline == london(2026, 6, 30, 17)


@pytest.mark.django_db
def test_a_run_of_closures_longer_than_the_loaded_window_is_still_skipped():
    # given every weekday for eight weeks from Monday 1 June 2026 is a closure day
    first = date(2026, 6, 1)
    ClosureDay.objects.bulk_create(
        ClosureDay(date=first + timedelta(days=offset), reason="Long closure")
        for offset in range(56)
        if (first + timedelta(days=offset)).weekday() < 5
    )
    # when
    deadline = add_working_days(london(2026, 6, 1, 10), 0)
    # then Monday 27 July is the first working day after the closures
    assert deadline == london(2026, 7, 27, 17)


# add_working_days: refusals


def test_a_naive_moment_is_refused():
    # given
    naive = datetime(2026, 6, 8, 10)
    # when / then
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_days(naive, 1)


def test_a_negative_count_is_refused():
    # given / when / then
    with pytest.raises(ValueError, match="must not be negative"):
        add_working_days(london(2026, 6, 8, 10), -1)


# working_days_between


@pytest.mark.django_db
def test_working_days_between_across_a_weekend():
    # given Friday 12 June and Tuesday 16 June 2026
    # when
    count = working_days_between(date(2026, 6, 12), date(2026, 6, 16))
    # then Monday 15 and Tuesday 16
    assert count == 2


@pytest.mark.django_db
def test_working_days_between_across_easter():
    # given Thursday 2 April and Wednesday 8 April 2026
    # when
    count = working_days_between(date(2026, 4, 2), date(2026, 4, 8))
    # then Tuesday 7 and Wednesday 8; Good Friday and Easter Monday do not count
    assert count == 2


@pytest.mark.django_db
def test_working_days_between_across_christmas_2026():
    # given Thursday 24 December 2026 and Thursday 31 December 2026
    # when
    count = working_days_between(date(2026, 12, 24), date(2026, 12, 31))
    # then Tuesday 29, Wednesday 30 and Thursday 31
    assert count == 3


@pytest.mark.django_db
def test_working_days_between_skips_a_closure_day():
    # given
    ClosureDay.objects.create(date=date(2026, 6, 10), reason="National day of mourning")
    # when
    count = working_days_between(date(2026, 6, 8), date(2026, 6, 12))
    # then Tuesday 9, Thursday 11 and Friday 12
    assert count == 3


def test_working_days_between_is_zero_when_the_end_is_not_after_the_start():
    # given / when / then
    assert working_days_between(date(2026, 6, 8), date(2026, 6, 8)) == 0
    assert working_days_between(date(2026, 6, 9), date(2026, 6, 8)) == 0


@pytest.mark.django_db
def test_working_days_between_over_a_year_takes_one_query(django_assert_num_queries):
    # given
    ClosureDay.objects.create(date=date(2026, 6, 10), reason="National day of mourning")
    # when
    with django_assert_num_queries(1):
        count = working_days_between(date(2025, 12, 31), date(2026, 12, 31))
    # then 261 weekdays in 2026, less 8 weekday bank holidays and the closure day
    assert count == 252


# closure days: the service


@pytest.mark.django_db
def test_closure_day_add_records_the_day_and_the_access_log():
    # given / when
    closure = closure_day_add(date=date(2026, 6, 10), reason="National day of mourning")
    # then
    assert closure.date == date(2026, 6, 10)
    assert list(ClosureDay.objects.values_list("date", "reason")) == [
        (date(2026, 6, 10), "National day of mourning")
    ]
    entry = AccessLogEntry.objects.get()
    assert entry.action == "agencies.closure_day.added"
    assert entry.object_type == "closure_day"
    assert entry.object_id == "2026-06-10"
    assert entry.justification == "National day of mourning"


@pytest.mark.django_db
def test_closure_day_add_refuses_a_bank_holiday_and_a_blank_reason():
    # given / when
    with pytest.raises(ValidationError) as refused:
        closure_day_add(date=date(2026, 12, 28), reason="   ")
    # then
    assert refused.value.message_dict == {
        "date": ["Monday 28 December 2026 is already a bank holiday (Boxing Day (observed))."],
        "reason": ["Give the reason for the closure, for example the announcement."],
    }
    assert ClosureDay.objects.count() == 0
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_closure_day_remove_refuses_a_day_that_is_not_a_closure_day():
    # given / when
    with pytest.raises(ValidationError) as refused:
        closure_day_remove(date=date(2026, 6, 10))
    # then
    assert refused.value.message_dict == {"date": ["Wednesday 10 June 2026 is not a closure day."]}
    assert AccessLogEntry.objects.count() == 0


# closure days: the command


@pytest.mark.django_db
def test_closure_day_command_adds_a_day():
    # given / when
    out = run_closure_day("add", "2026-06-10", "--reason", "National day of mourning")
    # then
    assert out.splitlines() == [
        "Added closure day Wednesday 10 June 2026: National day of mourning",
        "Deadlines already recorded are not recalculated; only deadlines computed from now on "
        "take this change into account.",
    ]
    assert list(ClosureDay.objects.values_list("date", "reason", "created_by")) == [
        (date(2026, 6, 10), "National day of mourning", None)
    ]
    assert list(AccessLogEntry.objects.values_list("action", "object_id")) == [
        ("agencies.closure_day.added", "2026-06-10")
    ]
    assert add_working_days(london(2026, 6, 9, 10), 1) == london(2026, 6, 11, 17)


@pytest.mark.django_db
def test_closure_day_command_refuses_a_duplicate():
    # given
    run_closure_day("add", "2026-06-10", "--reason", "National day of mourning")
    # when
    with pytest.raises(CommandError) as refused:
        run_closure_day("add", "2026-06-10", "--reason", "Again")
    # then
    assert str(refused.value) == (
        "Wednesday 10 June 2026 is already a closure day (National day of mourning)."
    )
    assert list(ClosureDay.objects.values_list("reason", flat=True)) == ["National day of mourning"]
    assert AccessLogEntry.objects.count() == 1


@pytest.mark.django_db
def test_closure_day_command_refuses_a_weekend():
    # given / when
    with pytest.raises(CommandError) as refused:
        run_closure_day("add", "2026-06-13", "--reason", "National day of mourning")
    # then
    assert str(refused.value) == (
        "Saturday 13 June 2026 is a Saturday, which is never a working day."
    )
    assert ClosureDay.objects.count() == 0


@pytest.mark.django_db
def test_closure_day_command_refuses_a_bank_holiday():
    # given / when
    with pytest.raises(CommandError) as refused:
        run_closure_day("add", "2027-12-27", "--reason", "National day of mourning")
    # then
    assert str(refused.value) == (
        "Monday 27 December 2027 is already a bank holiday (Christmas Day (observed))."
    )
    assert ClosureDay.objects.count() == 0


@pytest.mark.django_db
def test_closure_day_command_refuses_a_missing_reason():
    # given / when
    with pytest.raises(CommandError) as refused:
        run_closure_day("add", "2026-06-10")
    # then
    assert str(refused.value) == "Give the reason for the closure, for example the announcement."
    assert ClosureDay.objects.count() == 0


@pytest.mark.django_db
def test_closure_day_command_refuses_a_malformed_date():
    # given / when / then
    with pytest.raises(CommandError, match="is not a date in the form YYYY-MM-DD"):
        run_closure_day("add", "10/06/2026", "--reason", "National day of mourning")
    assert ClosureDay.objects.count() == 0


@pytest.mark.django_db
def test_closure_day_command_lists_the_days_in_date_order():
    # given
    run_closure_day("add", "2026-09-15", "--reason", "Second closure")
    run_closure_day("add", "2026-06-10", "--reason", "First closure")
    # when
    out = run_closure_day("list")
    # then
    assert out.splitlines() == [
        "2026-06-10  Wednesday 10 June 2026: First closure",
        "2026-09-15  Tuesday 15 September 2026: Second closure",
    ]


@pytest.mark.django_db
def test_closure_day_command_lists_nothing():
    # given / when
    out = run_closure_day("list")
    # then
    assert out == "No closure days.\n"


@pytest.mark.django_db
def test_closure_day_command_removes_a_day():
    # given
    run_closure_day("add", "2026-06-10", "--reason", "National day of mourning")
    # when
    out = run_closure_day("remove", "2026-06-10")
    # then
    assert out.splitlines()[0] == "Removed closure day Wednesday 10 June 2026."
    assert ClosureDay.objects.count() == 0
    assert list(AccessLogEntry.objects.order_by("sequence").values_list("action", flat=True)) == [
        "agencies.closure_day.added",
        "agencies.closure_day.removed",
    ]
    assert is_working_day(date(2026, 6, 10)) is True


@pytest.mark.django_db
def test_closure_day_command_refuses_to_remove_an_unknown_day():
    # given / when / then
    with pytest.raises(CommandError) as refused:
        run_closure_day("remove", "2026-06-10")
    assert str(refused.value) == "Wednesday 10 June 2026 is not a closure day."
    assert AccessLogEntry.objects.count() == 0


@pytest.mark.django_db
def test_working_days_late_for_many_due_days_matches_one_by_one(django_assert_num_queries):
    # given: due days across the Christmas 2026 bank holidays and a weekend
    today = date(2027, 1, 5)
    due_days = [date(2026, 12, 18), date(2026, 12, 24), date(2027, 1, 4), date(2027, 1, 5)]
    # when
    with django_assert_num_queries(1):
        lateness = working_days_late(due_days, today)
    # then
    assert lateness == {day: working_days_between(day, today) for day in due_days}
    assert lateness[date(2026, 12, 24)] == 5  # 29, 30, 31 December, 4 and 5 January
