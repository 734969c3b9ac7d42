"""The week's entries (calendars.sources): each kind, only the reader's own, within
the walls of the compartments and of the agencies, and weeks that start and end at
local midnight across the clock changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agencies import access
from agencies.audit import access_reads_begin, access_reads_end
from agencies.models import AccessLogEntry, Compartment, Role
from calendars.sources import calendar_entries
from calendars.weeks import Week, week_parse
from cases.models import EventKind
from common.errors import ValidationError
from tests.calendars.conftest import (
    VICTIM_UPDATE,
    WELFARE_CONTACT,
    a_bail,
    a_discussion,
    a_duty,
    a_task,
    an_event,
)
from tests.factories import CaseFactory, PartyFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)  # Wednesday of 2026-W50
WEEK = Week.containing(date(2026, 12, 9))

pytestmark = [pytest.mark.clock(NOW), pytest.mark.usefixtures("clock")]


def _local(*args) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def _rows(entries) -> list[tuple]:
    return [
        (entry.day, entry.at, entry.kind, entry.what, entry.case_reference) for entry in entries
    ]


def test_the_week_holds_each_kind_of_the_readers_own_work(
    case, victim, suspect, child, officer_north
):
    # given: one of each kind in the week
    update = a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 8, 17, 0), officer_north)
    contact = a_duty(suspect, WELFARE_CONTACT, _local(2026, 12, 9, 17, 0), officer_north)
    task = a_task(case, officer_north, date(2026, 12, 10))
    discussion = a_discussion(
        child,
        officer_north,
        _local(2026, 12, 7, 10, 30),
        conference_due_at=_local(2026, 12, 11, 17, 0),
    )
    bail = a_bail(suspect, officer_north, _local(2026, 11, 20, 12, 0), date(2026, 12, 12))
    # when: read as a request reads it, its reads written as one entry
    reads = access_reads_begin()
    entries = calendar_entries(actor=officer_north.user, span=WEEK)
    access_reads_end(reads, status_code=200)
    # then
    ref = "NP-2026-000321"
    assert _rows(entries) == [
        (
            date(2026, 12, 7),
            _local(2026, 12, 7, 10, 30),
            "strategy_discussion",
            "Strategy discussion",
            ref,
        ),
        (
            date(2026, 12, 8),
            _local(2026, 12, 8, 17, 0),
            "duty.victim_update",
            "Update the victim",
            ref,
        ),
        (
            date(2026, 12, 9),
            _local(2026, 12, 9, 17, 0),
            "duty.welfare_contact",
            "Welfare contact with the suspect",
            ref,
        ),
        (date(2026, 12, 10), None, "task", "Task due", ref),
        (
            date(2026, 12, 11),
            _local(2026, 12, 11, 17, 0),
            "conference_due",
            "Initial child protection conference due",
            ref,
        ),
        (date(2026, 12, 12), None, "bail_end", "Pre-charge bail ends", ref),
    ]
    # Each links to the case's tab that shows it (issue 18), at its section.
    assert [entry.link for entry in entries] == [
        f"/cases/{case.id}/strategy/#strategy-discussions",
        f"/duties/{update.id}/log-contact/",
        f"/duties/{contact.id}/welfare-check/",
        f"/cases/{case.id}/#tasks",
        f"/cases/{case.id}/strategy/#strategy-discussions",
        f"/cases/{case.id}/events/#events",
    ]
    assert [entry.uid for entry in entries] == [
        f"strategy-discussion-{discussion.id}@tideline",
        f"duty-{update.id}@tideline",
        f"duty-{contact.id}@tideline",
        f"task-{task.id}@tideline",
        f"conference-due-{discussion.decisions.get().id}@tideline",
        f"bail-end-{bail.id}@tideline",
    ]
    # the read is logged, once, naming every record shown
    entry = AccessLogEntry.objects.get(action="calendars.calendar.viewed")
    assert (entry.username, entry.object_type, entry.object_id) == (
        "officer.north",
        "calendar",
        str(officer_north.user_id),
    )
    assert sorted(entry.record_ids) == sorted(
        [
            f"strategy_discussion:{discussion.id}",
            f"strategy_discussion_child:{discussion.decisions.get().id}",
            f"duty:{update.id}",
            f"duty:{contact.id}",
            f"task:{task.id}",
            f"event:{bail.id}",
        ]
    )


def test_a_planned_discussion_is_on_the_day_it_is_planned_for(case, child, officer_north):
    # given
    discussion = a_discussion(child, officer_north, _local(2026, 12, 10, 14, 0), planned=True)
    # when
    entries = calendar_entries(actor=officer_north.user, span=WEEK)
    # then
    assert [(e.day, e.at, e.what, e.uid) for e in entries] == [
        (
            date(2026, 12, 10),
            _local(2026, 12, 10, 14, 0),
            "Strategy discussion (planned)",
            f"strategy-discussion-{discussion.id}@tideline",
        )
    ]


def test_what_is_not_the_readers_or_not_this_week_is_left_out(
    case, victim, suspect, child, officer_north, supervisor_north
):
    # given: a colleague's duty and task, a met duty, a done task, next week's duty,
    # a discussion someone else recorded on a case led by someone else, a conference
    # already held, bail replaced by a charge and bail extended beyond the week
    a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 8, 17, 0), supervisor_north)
    a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 9, 17, 0), officer_north, status="met")
    a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 14, 0, 0), officer_north)
    a_task(case, supervisor_north, date(2026, 12, 10))
    a_task(case, officer_north, date(2026, 12, 10), status="done")
    a_task(case, officer_north, date(2026, 12, 6))
    other_case = CaseFactory(owning_agency=case.owning_agency, lead_officer=supervisor_north.user)
    other_child = PartyFactory(case=other_case, role="child_in_household")
    a_discussion(other_child, supervisor_north, _local(2026, 12, 8, 9, 0))
    held = a_discussion(
        child, officer_north, _local(2026, 11, 20, 9, 0), conference_due_at=_local(2026, 12, 9, 17)
    )
    held.decisions.update(conference_held_on=date(2026, 12, 1))
    a_bail(suspect, officer_north, _local(2026, 11, 1, 12, 0), date(2026, 12, 8))
    a_bail(
        suspect,
        officer_north,
        _local(2026, 11, 30, 12, 0),
        date(2027, 1, 8),
        kind=EventKind.BAIL_EXTENDED,
    )
    other_suspect = PartyFactory(case=case, role="suspect")
    a_bail(other_suspect, officer_north, _local(2026, 11, 2, 12, 0), date(2026, 12, 10))
    an_event(other_suspect, officer_north, _local(2026, 12, 1, 12, 0), EventKind.CHARGED)
    # when
    entries = calendar_entries(actor=officer_north.user, span=WEEK)
    # then
    assert entries == []


def test_another_agencys_case_never_appears(case, victim, officer_north, officer_south, south):
    # given: officer.south's own duty and task on their force's case, and one of north's
    # duties wrongly naming officer.south as responsible
    south_case = CaseFactory(owning_agency=south, lead_officer=officer_south.user)
    south_victim = PartyFactory(case=south_case, role="victim")
    a_duty(south_victim, VICTIM_UPDATE, _local(2026, 12, 8, 17, 0), officer_south)
    a_task(south_case, officer_south, date(2026, 12, 10))
    a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 8, 17, 0), officer_south)
    a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 9, 17, 0), officer_north)
    # when
    north_sees = calendar_entries(actor=officer_north.user, span=WEEK)
    south_sees = calendar_entries(actor=officer_south.user, span=WEEK)
    # then
    assert [entry.case_reference for entry in north_sees] == ["NP-2026-000321"]
    assert [(entry.kind, entry.case_reference) for entry in south_sees] == [
        ("duty.victim_update", south_case.reference),
        ("task", south_case.reference),
    ]


def test_a_reader_not_cleared_for_suspect_records_sees_no_suspect_duty_or_bail(
    case, victim, suspect, officer_north, monkeypatch
):
    # given: the generalist's clearance without the suspect compartment
    a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 8, 17, 0), officer_north)
    a_duty(suspect, WELFARE_CONTACT, _local(2026, 12, 9, 17, 0), officer_north)
    a_bail(suspect, officer_north, _local(2026, 11, 20, 12, 0), date(2026, 12, 12))
    monkeypatch.setitem(
        access.ROLE_CLEARANCES,
        Role.GENERALIST_OFFICER,
        frozenset({Compartment.CASE, Compartment.VICTIM}),
    )
    # when
    entries = calendar_entries(actor=officer_north.user, span=WEEK)
    # then
    assert [entry.kind for entry in entries] == ["duty.victim_update"]


def test_roles_with_no_casework_have_an_empty_calendar(
    case, victim, admin_north, auditor_north, caseworker_harbour
):
    for member in (admin_north, auditor_north, caseworker_harbour):
        assert calendar_entries(actor=member.user, span=WEEK) == []


def test_the_week_reads_one_query_per_kind(
    case, victim, suspect, child, officer_north, django_assert_max_num_queries
):
    # given: several of each kind
    for hour in range(9, 14):
        a_duty(victim, VICTIM_UPDATE, _local(2026, 12, 8, hour, 0), officer_north)
        a_task(case, officer_north, date(2026, 12, 10))
        a_discussion(child, officer_north, _local(2026, 12, 7, hour, 0))
    officer_north.user.refresh_from_db()
    user = officer_north.user
    # when / then: the membership, five sources, and the access log's insert
    with django_assert_max_num_queries(7):
        reads = access_reads_begin()
        entries = calendar_entries(actor=user, span=WEEK)
        access_reads_end(reads, status_code=200)
    assert len(entries) == 15


# --- Weeks in local time


@pytest.mark.parametrize(
    ("moment", "week"),
    [
        # Autumn: the clocks go back at 02:00 BST on Sunday 25 October 2026.
        (datetime(2026, 10, 18, 22, 30, tzinfo=UTC), "2026-W42"),  # Sun 23:30 BST
        (datetime(2026, 10, 18, 23, 30, tzinfo=UTC), "2026-W43"),  # Mon 00:30 BST
        (datetime(2026, 10, 25, 23, 30, tzinfo=UTC), "2026-W43"),  # Sun 23:30 GMT
        (datetime(2026, 10, 26, 0, 0, tzinfo=UTC), "2026-W44"),  # Mon 00:00 GMT
        # Spring: forward at 01:00 GMT on Sunday 29 March 2026.
        (datetime(2026, 3, 29, 22, 59, tzinfo=UTC), "2026-W13"),  # Sun 23:59 BST
        (datetime(2026, 3, 29, 23, 0, tzinfo=UTC), "2026-W14"),  # Mon 00:00 BST
    ],
)
def test_a_duty_falls_in_the_week_of_its_local_day(moment, week, victim, officer_north):
    # given
    a_duty(victim, VICTIM_UPDATE, moment, officer_north)
    # when
    found = {
        label: calendar_entries(actor=officer_north.user, span=week_parse(label))
        for label in ("2026-W13", "2026-W14", "2026-W42", "2026-W43", "2026-W44")
    }
    # then
    assert {label for label, entries in found.items() if entries} == {week}


def test_a_week_across_a_clock_change_is_its_local_days():
    autumn = week_parse("2026-W43")
    spring = week_parse("2026-W13")
    assert (autumn.first_day, autumn.last_day) == (date(2026, 10, 19), date(2026, 10, 25))
    assert autumn.ends_at.astimezone(UTC) - autumn.starts_at == timedelta(hours=169)
    assert spring.ends_at.astimezone(UTC) - spring.starts_at == timedelta(hours=167)
    assert autumn.starts_at == datetime(2026, 10, 18, 23, 0, tzinfo=UTC)
    assert autumn.ends_at == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("asked", "monday"),
    [
        ("", date(2026, 12, 7)),
        ("2026-W50", date(2026, 12, 7)),
        ("2026w1", date(2025, 12, 29)),
        ("2026-12-13", date(2026, 12, 7)),
        ("13/12/2026", date(2026, 12, 7)),
        ("1/1/2027", date(2026, 12, 28)),
    ],
)
def test_a_week_is_named_by_its_number_or_a_day_in_it(asked, monday):
    assert week_parse(asked).first_day == monday


@pytest.mark.parametrize(
    "asked", ["2026-W54", "31/02/2026", "next week", "9999-12-31", "2026-12-1", "0000-W01"]
)
def test_a_week_that_cannot_be_read_is_refused_naming_the_field(asked):
    with pytest.raises(ValidationError) as refused:
        week_parse(asked)
    assert list(refused.value.message_dict) == ["week"]


def test_a_week_knows_its_neighbours_and_its_name():
    week = week_parse("2026-W53")
    assert (week.label, week.previous.label, week.next.label) == (
        "2026-W53",
        "2026-W52",
        "2027-W01",
    )
