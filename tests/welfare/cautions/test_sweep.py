"""The duties sweep (welfare.deadlines) reminds of a caution's compliance once: on
its due day to the officer in charge, once it is missed to them and their
supervisor, again only when its due date moves, and never once it is recorded."""

from datetime import UTC, date, datetime

import pytest

from cases.services.outcome_cautions import caution_compliance_record, outcome_caution_change
from common.models import Notification
from tests.welfare.cautions.conftest import NOW
from welfare.deadlines import duties_sweep

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]

# The conditions are due on Friday 10 July 2026, by 17:00 BST (16:00 UTC).
DUE_DAY_MORNING = datetime(2026, 7, 10, 8, 0, tzinfo=UTC)
NEXT_MORNING = datetime(2026, 7, 11, 8, 0, tzinfo=UTC)


def _told() -> list[tuple[str, str, str]]:
    return sorted(Notification.objects.values_list("user__username", "kind", "message"))


def test_the_due_day_is_told_once_to_the_officer_in_charge(caution):
    # when: the sweep runs twice on the due day
    first = duties_sweep(now=DUE_DAY_MORNING)
    second = duties_sweep(now=DUE_DAY_MORNING)
    # then
    assert (first["suspect_welfare_due_today"], first["notifications"]) == (1, 1)
    assert second["notifications"] == 0
    assert _told() == [
        (
            "officer.north",
            "welfare.suspect_welfare_due_today",
            "A conditional caution's compliance is due today (by 17:00).",
        )
    ]
    notice = Notification.objects.get()
    assert notice.link == f"/cases/{caution.case_id}/events/#outcomes"


def test_a_missed_due_date_is_told_once_to_the_officer_and_their_supervisor(caution):
    # when
    first = duties_sweep(now=NEXT_MORNING)
    second = duties_sweep(now=NEXT_MORNING)
    # then
    assert first["suspect_welfare_overdue"] == 2
    assert second["notifications"] == 0
    assert [(user, kind) for user, kind, _ in _told()] == [
        ("officer.north", "welfare.suspect_welfare_overdue"),
        ("supervisor.north", "welfare.suspect_welfare_overdue"),
    ]


def test_a_moved_due_date_is_news_again(caution, officer_north):
    # given: told on the first due day
    duties_sweep(now=DUE_DAY_MORNING)
    # when: moved to Friday 17 July, and the sweep runs that morning, twice
    outcome_caution_change(
        actor=officer_north.user,
        outcome=caution,
        caution_conditions=caution.caution_conditions,
        conditions_due_on=date(2026, 7, 17),
        reason="The provider added a catch-up session.",
    )
    duties_sweep(now=datetime(2026, 7, 17, 8, 0, tzinfo=UTC))
    duties_sweep(now=datetime(2026, 7, 17, 8, 0, tzinfo=UTC))
    # then
    assert Notification.objects.filter(kind="welfare.suspect_welfare_due_today").count() == 2


def test_a_recorded_compliance_is_never_told(caution, officer_north):
    # given
    caution_compliance_record(
        actor=officer_north.user, outcome=caution, complied=True, checked_on=date(2026, 6, 15)
    )
    # when
    result = duties_sweep(now=NEXT_MORNING)
    # then
    assert result["notifications"] == 0
    assert Notification.objects.count() == 0
