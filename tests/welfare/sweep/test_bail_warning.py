"""Pre-charge bail about to end: the lead officer and their supervisors are told
10 working days before, once per end date."""

from datetime import date

import pytest
from django.urls import reverse

from cases.models import EventKind, InvestigationEvent
from common.models import Notification
from tests.factories import CaseFactory, PartyFactory
from tests.welfare.sweep.clock import at
from welfare.deadlines import duties_sweep

# Tuesday 10 March 2026. Ten working days on is Tuesday 24 March; eleven, Wednesday 25.
TODAY = at(2026, 3, 10, 9, 0)


@pytest.fixture
def event(suspect, officer_north):
    def record(kind, occurred_at, bail_end_on=None, who=None, authority=""):
        who = who or suspect
        return InvestigationEvent.objects.create(
            case=who.case,
            suspect=who,
            kind=kind,
            occurred_at=occurred_at,
            bail_end_on=bail_end_on,
            bail_authority=authority,
            recorded_by=officer_north.user,
        )

    return record


def _bail_told() -> list[tuple[str, str, str]]:
    return sorted(
        Notification.objects.filter(kind="welfare.bail_ending").values_list(
            "user__username", "message", "dedupe_key"
        )
    )


def test_bail_ending_in_exactly_ten_working_days_warns_the_lead_officer_and_supervisor(
    case, suspect, event
):
    # given
    event(EventKind.ARRESTED, at(2026, 1, 5, 8, 0))
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 24))
    # when
    result = duties_sweep(now=TODAY)
    # then
    assert result["bail_ending"] == 2
    message = "Pre-charge bail in a case ends on 24 March 2026 (10 working days)."
    key = f"bail:{suspect.id}:ends:2026-03-24:warning"
    assert _bail_told() == [
        ("officer.north", message, key),
        ("supervisor.north", message, key),
    ]
    link = Notification.objects.filter(kind="welfare.bail_ending").first().link
    assert link == reverse("case-events", args=[case.id]) + "#events"


def test_bail_ending_in_eleven_working_days_does_not_warn_yet(case, suspect, event):
    # given
    event(EventKind.BAILED, at(2026, 1, 6, 14, 0), date(2026, 3, 25))
    # when / then
    assert duties_sweep(now=TODAY)["bail_ending"] == 0
    # when / then: the next working day it is ten
    assert duties_sweep(now=at(2026, 3, 11, 0, 5))["bail_ending"] == 2


def test_the_warning_counts_working_days_across_a_bank_holiday(case, suspect, event):
    # given: Good Friday 3 April and Easter Monday 6 April 2026 are bank holidays;
    # from Thursday 26 March, 10 working days on is Monday 13 April
    event(EventKind.BAILED, at(2026, 1, 14, 14, 0), date(2026, 4, 13))
    # when / then
    assert duties_sweep(now=at(2026, 3, 25, 9, 0))["bail_ending"] == 0
    assert duties_sweep(now=at(2026, 3, 26, 9, 0))["bail_ending"] == 2


def test_bail_is_warned_once_and_a_new_end_date_warns_again(case, suspect, event):
    # given: warned of the first end date
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 24))
    assert duties_sweep(now=TODAY)["bail_ending"] == 2
    # when / then: a second run, a day later, tells nobody again
    assert duties_sweep(now=at(2026, 3, 11, 9, 0))["bail_ending"] == 0
    # given: an inspector extends it to 2 April
    event(
        EventKind.BAIL_EXTENDED,
        at(2026, 3, 12, 10, 0),
        date(2026, 4, 2),
        authority="inspector",
    )
    # when
    result = duties_sweep(now=at(2026, 3, 20, 9, 0))
    # then: the new end is news
    assert result["bail_ending"] == 2
    assert (
        Notification.objects.filter(
            kind="welfare.bail_ending", dedupe_key__contains="2026-04-02"
        ).count()
        == 2
    )
    assert duties_sweep(now=at(2026, 3, 20, 9, 15))["bail_ending"] == 0


def test_bail_ending_today_says_so(case, suspect, event):
    # given: a sweep that first sees it on its last day
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 10))
    # when
    duties_sweep(now=TODAY)
    # then
    messages = {message for _, message, _ in _bail_told()}
    assert messages == {"Pre-charge bail in a case ends today (10 March 2026)."}


def test_bail_that_has_ended_or_been_replaced_by_a_decision_does_not_warn(case, suspect, event):
    # given: one suspect charged while on bail; the end date has not come
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 24))
    event(EventKind.CHARGED, at(2026, 3, 2, 14, 0))
    # and: another whose bail ended yesterday
    other = PartyFactory(case=case, role="suspect")
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 9), who=other)
    # when / then
    assert duties_sweep(now=TODAY)["bail_ending"] == 0


def test_bail_in_a_closed_case_does_not_warn(case, suspect, event):
    # given
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 24))
    type(case).objects.filter(pk=case.pk).update(
        status="closed", closed_on=date(2026, 3, 9), closing_reason="no_crime"
    )
    # when / then
    assert duties_sweep(now=TODAY)["bail_ending"] == 0


def test_bail_in_a_case_with_no_lead_officer_warns_the_teams_supervisors(
    north, north_team, supervisor_north, officer_north, event
):
    # given
    case = CaseFactory(owning_agency=north, team=north_team, lead_officer=None)
    suspect = PartyFactory(case=case, role="suspect")
    event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 24), who=suspect)
    # when
    duties_sweep(now=TODAY)
    # then
    assert [name for name, _, _ in _bail_told()] == ["supervisor.north"]


@pytest.mark.parametrize("suspects", [1, 20])
def test_the_bail_warning_reads_a_bounded_number_of_queries(
    case, event, suspects, django_assert_max_num_queries
):
    # given
    for _ in range(suspects):
        suspect = PartyFactory(case=case, role="suspect")
        event(EventKind.ARRESTED, at(2026, 1, 5, 8, 0), who=suspect)
        event(EventKind.BAILED, at(2026, 1, 5, 14, 0), date(2026, 3, 24), who=suspect)
    duties_sweep(now=TODAY)
    # when / then: nothing new, in the same few queries for 1 suspect as for 20
    with django_assert_max_num_queries(6):
        assert duties_sweep(now=TODAY)["notifications"] == 0
