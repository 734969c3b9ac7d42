"""The statistics of welfare checks (issue 16): a check that could not reach the
person and one they declined are counted apart, never as made; a second attempt is
not counted again; a check made late by any amount is late, never on time."""

from datetime import UTC, datetime, timedelta

import pytest

from tests.welfare.reports.factories import Builder
from welfare.models import DutyKind, DutyStatus, DutyTrigger
from welfare.reports import suspect_welfare_statistics

NOW = datetime(2026, 6, 15, 9, 30, tzinfo=UTC)
DUE = datetime(2026, 4, 1, 9, 0, tzinfo=UTC)

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def test_not_reached_declined_and_late_checks_each_count_apart_once(officer_north, north):
    # given 5 checks made on time, 5 made 92 hours late and 5 one second late
    build = Builder(north)
    for _ in range(5):
        build.duty(DutyKind.WELFARE_CHECK, due_at=DUE, status=DutyStatus.MET, resolved_at=DUE)
    for late in (timedelta(hours=92), timedelta(seconds=1)):
        for _ in range(5):
            build.duty(
                DutyKind.WELFARE_CHECK,
                due_at=DUE,
                status=DutyStatus.MET,
                resolved_at=DUE + late,
            )
    # and 6 that could not reach the person, each with a second attempt that did
    for _ in range(6):
        build.duty(
            DutyKind.WELFARE_CHECK, due_at=DUE, status=DutyStatus.NOT_REACHED, resolved_at=DUE
        )
        second = build.duty(
            DutyKind.WELFARE_CHECK,
            due_at=DUE + timedelta(hours=4),
            status=DutyStatus.MET,
            resolved_at=DUE + timedelta(hours=3),
        )
        second.trigger = DutyTrigger.SECOND_ATTEMPT
        second.save(update_fields=["trigger"])
    # and 5 they declined
    for _ in range(5):
        build.duty(DutyKind.WELFARE_CHECK, due_at=DUE, status=DutyStatus.DECLINED, resolved_at=DUE)
    # when
    checks = suspect_welfare_statistics(actor=officer_north.user, year=2026).welfare_checks
    # then
    assert {figure.key: figure.value for figure in checks.parts} == {
        "on_time": 5,
        "late": 10,
        "not_reached": 6,
        "declined": 5,
        "missed": 0,
        "not_yet_due": 0,
    }
    assert checks.due.value == 26
    assert [figure.label for figure in checks.parts] == [
        "Made on time",
        "Made late",
        "Could not reach them",
        "They declined to talk",
        "Missed",
        "Not yet due",
    ]
