"""The duties that a suspect's investigation events create: screenings, the
48-hour check after a flagged release, and welfare contact in limbo."""

from datetime import date, timedelta

import pytest
import time_machine

from cases.models import EventKind
from safeguarding.models import FlagKind
from safeguarding.services.flags import flag_raise
from tests.welfare.suspects.conftest import LONDON, at
from welfare.models import Duty, DutyKind, DutyStatus, DutyTrigger, SafetyPlan
from welfare.services.suspect_duties import welfare_contact_next
from welfare.services.suspect_screenings import safety_plan_record
from welfare.services.welfare_checks import welfare_check_record

pytestmark = pytest.mark.django_db


def duties(suspect, kind, **filters):
    return list(Duty.objects.filter(party=suspect, kind=kind, **filters).order_by("due_at"))


def flag(officer, case, suspect):
    return flag_raise(
        actor=officer.user,
        case=case,
        party=suspect,
        kind=FlagKind.SUICIDE_SELF_HARM,
        reason="Said he would end it.",
        review_on=date(2026, 12, 1),
    )


def plan(officer, case, suspect):
    return safety_plan_record(
        actor=officer.user,
        case=case,
        suspect=suspect,
        told=["custody_healthcare", "gp"],
        next_of_kin_consent=None,
        support_offered=["samaritans", "stop_it_now"],
        safe_release_arrangements="Driven home by his brother, who stays the night.",
    )


# --- Screenings


def test_the_first_contact_opens_one_screening_due_within_two_hours(clock, suspect, record_event):
    # given a search, then an arrest the next day
    searched = record_event(suspect, EventKind.SEARCHED, at(2026, 3, 9, 7, 0))
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 10, 7, 0))
    # then one screening, for the first time he was told, due by the clock
    [screening] = duties(suspect, DutyKind.WELFARE_SCREENING)
    assert screening.event == searched
    assert screening.due_at == at(2026, 3, 9, 9, 0)
    assert screening.due_by_clock is True
    assert screening.trigger == DutyTrigger.EVENT
    assert screening.responsible == suspect.case.lead_officer


def test_a_voluntary_interview_is_a_first_contact(clock, suspect, record_event):
    record_event(suspect, EventKind.VOLUNTARY_INTERVIEW, at(2026, 3, 10, 14, 0))
    assert len(duties(suspect, DutyKind.WELFARE_SCREENING)) == 1


@pytest.mark.parametrize(
    "kind",
    [
        EventKind.CHARGED,
        EventKind.NO_FURTHER_ACTION,
        EventKind.RELEASED_WITHOUT_CHARGE,
        EventKind.RELEASED_UNDER_INVESTIGATION,
    ],
)
def test_charge_nfa_and_each_release_open_a_screening_each(clock, suspect, record_event, kind):
    # given an arrest, screened or not
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    # when
    event = record_event(suspect, kind, at(2026, 3, 10, 16, 0))
    # then a second screening, for this event (NFA, a release too, opens one only)
    later = duties(suspect, DutyKind.WELFARE_SCREENING, event=event)
    assert len(later) == 1
    assert later[0].due_at == at(2026, 3, 10, 18, 0)
    assert len(duties(suspect, DutyKind.WELFARE_SCREENING)) == 2


def test_bail_is_a_release_and_its_screening_is_its_own(clock, suspect, record_event):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    bailed = record_event(
        suspect, EventKind.BAILED, at(2026, 3, 9, 20, 0), bail_end_on=date(2026, 6, 1)
    )
    assert len(duties(suspect, DutyKind.WELFARE_SCREENING, event=bailed)) == 1


def test_an_interview_opens_no_screening(clock, suspect, record_event):
    record_event(suspect, EventKind.INTERVIEWED, at(2026, 3, 10, 7, 0))
    assert duties(suspect, DutyKind.WELFARE_SCREENING) == []


# --- The 48-hour check


def test_an_unflagged_suspect_released_gets_no_check(clock, suspect, record_event):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 9, 19, 0))
    assert duties(suspect, DutyKind.WELFARE_CHECK) == []
    assert duties(suspect, DutyKind.SAFETY_PLAN) == []


def test_a_flagged_release_marks_the_plan_and_opens_the_check_across_midnight(
    clock, officer_north, case, suspect, record_event
):
    # given an arrest, the flag and a safety plan
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    flag(officer_north, case, suspect)
    safety_plan = plan(officer_north, case, suspect)
    # when he is released late in the evening
    released = record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 9, 22, 30))
    # then the check is due 48 real hours later, two midnights on
    [check] = duties(suspect, DutyKind.WELFARE_CHECK)
    assert check.due_at == at(2026, 3, 11, 22, 30)
    assert check.due_by_clock is True
    assert check.event == released
    safety_plan.refresh_from_db()
    assert safety_plan.released_at == released.occurred_at
    assert safety_plan.release_event == released
    assert safety_plan.version == 2
    # and no plan is owed: one exists
    assert duties(suspect, DutyKind.SAFETY_PLAN, status=DutyStatus.OPEN) == []


def test_the_48_hour_clock_runs_in_real_hours_across_the_clock_change(
    officer_north, case, suspect, record_event
):
    with time_machine.travel(at(2026, 10, 27, 9, 0), tick=False):
        record_event(suspect, EventKind.ARRESTED, at(2026, 10, 24, 9, 0))
        flag(officer_north, case, suspect)
        plan(officer_north, case, suspect)
        # released at 20:00 BST on the Saturday before the clocks go back
        record_event(
            suspect, EventKind.BAILED, at(2026, 10, 24, 20, 0), bail_end_on=date(2027, 1, 20)
        )
    [check] = duties(suspect, DutyKind.WELFARE_CHECK)
    assert at(2026, 10, 24, 20, 0).utcoffset() == timedelta(hours=1)
    local_due = check.due_at.astimezone(LONDON)
    assert local_due == at(2026, 10, 26, 19, 0)
    assert local_due.utcoffset() == timedelta(0)
    assert check.due_at - at(2026, 10, 24, 20, 0) == timedelta(hours=48)


def test_a_flagged_suspect_released_without_a_plan_owes_one_already_overdue(
    clock, officer_north, case, suspect, record_event
):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    flag(officer_north, case, suspect)
    released = record_event(suspect, EventKind.RELEASED_WITHOUT_CHARGE, at(2026, 3, 9, 18, 0))
    [owed] = duties(suspect, DutyKind.SAFETY_PLAN)
    assert owed.due_at == released.occurred_at
    assert owed.status == DutyStatus.OPEN
    assert len(duties(suspect, DutyKind.WELFARE_CHECK)) == 1
    # when the plan is made late, it belongs to that release and meets the duty
    made = plan(officer_north, case, suspect)
    assert made.release_event == released
    owed.refresh_from_db()
    assert owed.status == DutyStatus.MET


def test_a_check_is_met_by_a_contact_after_release_not_before(
    clock, officer_north, case, suspect, record_event
):
    from common.errors import ValidationError

    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 9, 7, 0))
    flag(officer_north, case, suspect)
    plan(officer_north, case, suspect)
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 9, 18, 0))
    [check] = duties(suspect, DutyKind.WELFARE_CHECK)
    spoke = {
        "outcome": "spoke",
        "risk_now": "unchanged",
        "what_was_said": "Home visit; he is with his brother.",
        "support_offered": "Samaritans again.",
    }
    with pytest.raises(ValidationError) as refused:
        welfare_check_record(
            actor=officer_north.user,
            duty=check,
            **spoke,
            channel="phone",
            made_at=at(2026, 3, 9, 17, 0),
        )
    assert refused.value.message_dict["made_at"] == [
        "The check must be after the release it follows, not before."
    ]
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        **spoke,
        channel="visit",
        made_at=at(2026, 3, 10, 11, 0),
    )
    check.refresh_from_db()
    assert check.status == DutyStatus.MET


# --- Welfare contact in limbo


def test_release_under_investigation_starts_the_cadence_once(clock, suspect, record_event):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 2, 7, 0))
    record_event(suspect, EventKind.BAILED, at(2026, 3, 2, 18, 0), bail_end_on=date(2026, 5, 1))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 9, 10, 0))
    [contact] = duties(suspect, DutyKind.WELFARE_CONTACT)
    # 20 working days after Monday 2 March (after 17:00): Tuesday 31 March, 17:00
    assert contact.due_at == at(2026, 3, 31, 17, 0)


def test_each_contact_makes_the_next_due_and_a_decision_ends_the_cadence(
    clock, officer_north, suspect, record_event
):
    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 2, 7, 0))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 2, 12, 0))
    [first] = duties(suspect, DutyKind.WELFARE_CONTACT)
    # when a contact is logged on Monday 9 March at 10:00
    welfare_check_record(
        actor=officer_north.user,
        duty=first,
        outcome="spoke",
        channel="phone",
        risk_now="unchanged",
        what_was_said="Update through his solicitor: the devices are still being examined.",
        support_offered="Samaritans again.",
        made_at=at(2026, 3, 9, 10, 0),
    )
    # then the next is due 20 working days after it, past Good Friday and Easter Monday
    [second] = duties(suspect, DutyKind.WELFARE_CONTACT, status=DutyStatus.OPEN)
    assert second.trigger == DutyTrigger.WELFARE_CADENCE
    assert second.due_at == at(2026, 4, 8, 17, 0)
    # when the investigation reaches a decision
    record_event(suspect, EventKind.CHARGED, at(2026, 3, 10, 15, 0))
    second.refresh_from_db()
    assert second.status == DutyStatus.CANCELLED
    assert second.resolution_note == "The investigation reached a decision."
    assert duties(suspect, DutyKind.WELFARE_CONTACT, status=DutyStatus.OPEN) == []


def test_no_next_contact_after_a_decision(clock, officer_north, case, suspect, record_event):
    from cases.models import ContactLog

    record_event(suspect, EventKind.ARRESTED, at(2026, 3, 2, 7, 0))
    record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 2, 12, 0))
    [first] = duties(suspect, DutyKind.WELFARE_CONTACT)
    record_event(suspect, EventKind.NO_FURTHER_ACTION, at(2026, 3, 9, 9, 0))
    contact = ContactLog.objects.create(
        case=case,
        party=suspect,
        contacted_at=at(2026, 3, 10, 10, 0),
        channel="phone",
        made_by=officer_north.user,
        summary="Told of the decision.",
    )
    welfare_contact_next(actor=officer_north.user, duty=first, contact=contact)
    assert duties(suspect, DutyKind.WELFARE_CONTACT, status=DutyStatus.OPEN) == []


def test_handlers_run_twice_open_each_duty_once(clock, officer_north, suspect, record_event):
    from welfare.services.suspect_duties import on_event_recorded

    event = record_event(suspect, EventKind.RELEASED_UNDER_INVESTIGATION, at(2026, 3, 9, 10, 0))
    before = Duty.objects.filter(party=suspect).count()
    on_event_recorded(event=event, actor=officer_north.user)
    assert Duty.objects.filter(party=suspect).count() == before
    assert SafetyPlan.objects.count() == 0
