"""Every path of a welfare check (issue 16): spoke with them (lower, unchanged,
higher), could not reach them (a second attempt, then the supervisor), declined;
across midnight and the clock change; the refusals, with nothing changed; late
wording; the victim-update path refusing a check."""

from datetime import timedelta

import pytest

from cases.models import ContactLog, EventKind
from common.errors import AccessDenied, InvalidState, NotFound, ValidationError
from common.models import Notification
from tests.welfare.checks.conftest import at, released_at_risk
from welfare.check_lateness import duty_made_late_by_hours, late_by_hours, late_text
from welfare.models import (
    CheckOutcome,
    Duty,
    DutyKind,
    DutyStatus,
    DutyTrigger,
    WelfareCheckAttempt,
)
from welfare.services.duty_meet import duty_meet_by_contact
from welfare.services.welfare_checks import welfare_check_record

pytestmark = pytest.mark.django_db

SPOKE = {
    "outcome": "spoke",
    "channel": "phone",
    "what_was_said": "He is at his brother's; sleeping badly but safe.",
    "support_offered": "Samaritans and Stop It Now numbers again; his GP.",
}


def unchanged(duty: Duty):
    """What a refusal must leave as it was."""
    duty.refresh_from_db()
    return (
        duty.status,
        duty.version,
        duty.contact_id,
        ContactLog.objects.count(),
        WelfareCheckAttempt.objects.count(),
        Duty.objects.count(),
    )


def open_duties(suspect, kind):
    return list(
        Duty.objects.filter(party=suspect, kind=kind, status=DutyStatus.OPEN).order_by("due_at")
    )


# --- Spoke with them


@pytest.mark.parametrize(
    ("channel", "risk_now"),
    [("phone", "lower"), ("video", "unchanged"), ("visit", "unchanged")],
)
def test_speaking_with_them_meets_the_check(officer_north, check, suspect, channel, risk_now):
    # when the officer spoke with him on Tuesday at 10:00
    attempt = welfare_check_record(
        actor=officer_north.user,
        duty=check,
        **{**SPOKE, "channel": channel, "risk_now": risk_now},
        made_at=at(2026, 3, 10, 10, 0),
    )
    # then the check is met by its own record and the contact it logged
    check.refresh_from_db()
    assert check.status == DutyStatus.MET
    assert check.resolved_at == at(2026, 3, 10, 10, 0)
    assert check.resolved_by == officer_north.user
    assert check.contact == attempt.contact
    assert attempt.contact.channel == channel
    assert attempt.contact.party == suspect
    assert attempt.outcome == CheckOutcome.SPOKE
    assert attempt.risk_now == risk_now
    assert attempt.what_was_said == SPOKE["what_was_said"]
    assert attempt.support_offered == SPOKE["support_offered"]
    assert attempt.made_by == officer_north.user
    assert attempt.made_late_by_hours is None
    assert duty_made_late_by_hours(check) is None
    assert attempt.history.first().history_change_reason == "welfare check: Spoke with them"
    # and nothing follows from it
    assert open_duties(suspect, DutyKind.WELFARE_CHECK) == []
    assert open_duties(suspect, DutyKind.WELFARE_CHECK_ESCALATION) == []


def test_risk_higher_reopens_the_screening_and_asks_for_a_new_safety_plan(
    officer_north, supervisor_north, check, suspect
):
    # given the arrest's screening was met already
    Duty.objects.filter(party=suspect, kind=DutyKind.WELFARE_SCREENING).update(
        status=DutyStatus.MET, resolved_at=at(2026, 3, 9, 8, 0)
    )
    # when the check finds his risk higher, on Tuesday at 23:00
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        **SPOKE,
        risk_now="higher",
        made_at=at(2026, 3, 10, 23, 0),
    )
    # then a screening is due 2 hours later by the clock, and a new safety plan 4 hours
    [screening] = open_duties(suspect, DutyKind.WELFARE_SCREENING)
    assert screening.trigger == DutyTrigger.RISK_HIGHER
    assert screening.due_by_clock is True
    assert screening.due_at == at(2026, 3, 11, 1, 0)
    [plan] = open_duties(suspect, DutyKind.SAFETY_PLAN)
    assert plan.trigger == DutyTrigger.RISK_HIGHER
    assert plan.due_at == at(2026, 3, 11, 3, 0)
    # and the supervisor is told
    [told] = Notification.objects.filter(user=supervisor_north.user)
    assert told.kind == "welfare.check_risk_higher"
    assert told.message == "NP-2026-000161: a welfare check found a suspect's risk higher."


# --- Could not reach them


def test_could_not_reach_then_again_escalates_to_the_supervisor_who_records_the_action(
    clock, officer_north, supervisor_north, check, suspect
):
    # when the first attempt, on Tuesday at 10:00, could not reach him
    first = welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 10, 0),
        notes="No answer; voicemail left.",
    )
    # then the check closes as not reached, and a second attempt is due at 14:00
    check.refresh_from_db()
    assert check.status == DutyStatus.NOT_REACHED
    assert first.contact.channel == "phone"
    assert first.risk_now == ""
    [second] = open_duties(suspect, DutyKind.WELFARE_CHECK)
    assert second.trigger == DutyTrigger.SECOND_ATTEMPT
    assert second.due_at == at(2026, 3, 10, 14, 0)
    assert second.due_by_clock is True
    assert second.responsible == check.responsible
    assert second.event_id == check.event_id
    # when the second attempt, at 13:00, could not reach him either
    welfare_check_record(
        actor=officer_north.user,
        duty=second,
        outcome="not_reached",
        channel="visit",
        made_at=at(2026, 3, 10, 13, 0),
    )
    # then it escalates to the supervisor, due 4 hours later, and they are told
    second.refresh_from_db()
    assert second.status == DutyStatus.NOT_REACHED
    assert open_duties(suspect, DutyKind.WELFARE_CHECK) == []
    [escalation] = open_duties(suspect, DutyKind.WELFARE_CHECK_ESCALATION)
    assert escalation.trigger == DutyTrigger.CHECK_ESCALATED
    assert escalation.due_at == at(2026, 3, 10, 17, 0)
    assert escalation.responsible == supervisor_north.user
    [told] = Notification.objects.filter(user=supervisor_north.user)
    assert told.kind == "welfare.check_escalated"
    assert told.link == f"/duties/{escalation.pk}/welfare-check/"
    # when the supervisor records what was done, without saying what
    before = unchanged(escalation)
    with pytest.raises(ValidationError) as refused:
        welfare_check_record(
            actor=supervisor_north.user,
            duty=escalation,
            action_taken="  ",
            made_at=at(2026, 3, 10, 15, 0),
        )
    assert list(refused.value.message_dict) == ["action_taken"]
    assert unchanged(escalation) == before
    # and then saying it
    action = welfare_check_record(
        actor=supervisor_north.user,
        duty=escalation,
        action_taken="Patrol visited at 15:00: he was at home with his brother, safe.",
        made_at=at(2026, 3, 10, 15, 0),
    )
    escalation.refresh_from_db()
    assert escalation.status == DutyStatus.MET
    assert escalation.resolved_by == supervisor_north.user
    assert action.outcome == CheckOutcome.ACTION_RECORDED
    assert action.contact is None
    assert escalation.resolution_note == (
        "Action taken: Patrol visited at 15:00: he was at home with his brother, safe."
    )


def test_a_letter_can_be_logged_as_could_not_reach(officer_north, check, suspect):
    attempt = welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="letter",
        made_at=at(2026, 3, 10, 10, 0),
    )
    assert attempt.contact.channel == "letter"
    check.refresh_from_db()
    assert check.status == DutyStatus.NOT_REACHED
    assert check.resolution_note == "Could not reach them (letter)."
    assert len(open_duties(suspect, DutyKind.WELFARE_CHECK)) == 1


def test_escalation_goes_to_the_agencys_supervisors_when_the_team_has_none(
    clock, north, officer_north, check, suspect
):
    # given the only supervisors are in another team of the agency
    from tests.conftest import _member
    from tests.factories import TeamFactory

    other = TeamFactory(agency=north, slug="response", name="Response")
    from agencies.models import Membership, Role

    Membership.objects.filter(user__username="supervisor.north").update(team=other)
    also = _member(north, Role.POLICE_SUPERVISOR, "supervisor.two", other)
    # when two attempts fail
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 9, 0),
    )
    [second] = open_duties(suspect, DutyKind.WELFARE_CHECK)
    welfare_check_record(
        actor=officer_north.user,
        duty=second,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 12, 0),
    )
    # then the agency's supervisors are told, and the first of them holds it
    [escalation] = open_duties(suspect, DutyKind.WELFARE_CHECK_ESCALATION)
    assert escalation.responsible.username == "supervisor.north"
    told = sorted(
        Notification.objects.filter(kind="welfare.check_escalated").values_list(
            "user__username", flat=True
        )
    )
    assert told == ["supervisor.north", also.user.username]


# --- Declined


def test_declined_to_talk_is_not_met_and_the_supervisor_is_told(
    officer_north, supervisor_north, check, suspect
):
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="declined",
        channel="phone",
        made_at=at(2026, 3, 10, 10, 0),
        notes="He said he did not want to talk to the police.",
    )
    check.refresh_from_db()
    assert check.status == DutyStatus.DECLINED
    assert check.resolution_note == "They declined to talk (phone)."
    assert open_duties(suspect, DutyKind.WELFARE_CHECK) == []
    [told] = Notification.objects.filter(user=supervisor_north.user)
    assert told.kind == "welfare.check_declined"


# --- Across midnight and the clock change


def test_the_second_attempt_is_due_across_midnight(clock, officer_north, check, suspect):
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 22, 30),
    )
    [second] = open_duties(suspect, DutyKind.WELFARE_CHECK)
    assert second.due_at == at(2026, 3, 11, 2, 30)


@pytest.mark.parametrize(
    ("released", "attempted", "due_local", "offset"),
    [
        # The clocks go back at 02:00 BST on Sunday 25 October 2026: 00:30 BST plus
        # 4 real hours is 03:30 GMT, 3 hours later by the wall clock.
        ((2026, 10, 23, 18, 0), (2026, 10, 25, 0, 30), (2026, 10, 25, 3, 30), 0),
        # They go forward at 01:00 GMT on Sunday 29 March 2026: 00:30 GMT plus 4 real
        # hours is 05:30 BST, 5 hours later by the wall clock.
        ((2026, 3, 27, 18, 0), (2026, 3, 29, 0, 30), (2026, 3, 29, 5, 30), 1),
    ],
)
def test_the_second_attempt_is_due_4_real_hours_across_the_clock_change(
    clock, officer_north, case, suspect, released, attempted, due_local, offset
):
    clock.move_to(at(*released) + timedelta(minutes=1))
    duty = released_at_risk(
        officer_north, case, suspect, at(*released) - timedelta(hours=10), at(*released)
    )
    clock.move_to(at(*attempted) + timedelta(hours=1))
    welfare_check_record(
        actor=officer_north.user,
        duty=duty,
        outcome="not_reached",
        channel="phone",
        made_at=at(*attempted),
    )
    [second] = open_duties(suspect, DutyKind.WELFARE_CHECK)
    assert second.due_at - at(*attempted) == timedelta(hours=4)
    assert second.due_at == at(*due_local)
    assert second.due_at.astimezone(at(*due_local).tzinfo).utcoffset() == timedelta(hours=offset)


# --- Refusals, with nothing changed


@pytest.mark.parametrize("channel", ["letter", "email", "text"])
def test_a_letter_email_or_text_cannot_meet_the_check(officer_north, check, channel):
    before = unchanged(check)
    with pytest.raises(ValidationError) as refused:
        welfare_check_record(
            actor=officer_north.user,
            duty=check,
            **{**SPOKE, "channel": channel},
            risk_now="lower",
            made_at=at(2026, 3, 10, 10, 0),
        )
    assert list(refused.value.message_dict) == ["channel"]
    assert refused.value.message_dict["channel"][0].startswith(
        "A welfare check is met only by speaking with the person"
    )
    assert unchanged(check) == before


def test_spoke_without_the_risk_now_is_refused(officer_north, check):
    before = unchanged(check)
    with pytest.raises(ValidationError) as refused:
        welfare_check_record(
            actor=officer_north.user, duty=check, **SPOKE, made_at=at(2026, 3, 10, 10, 0)
        )
    assert list(refused.value.message_dict) == ["risk_now"]
    assert unchanged(check) == before


@pytest.mark.parametrize(
    ("values", "fields"),
    [
        ({"outcome": "", "channel": "phone"}, ["outcome"]),
        (
            {"outcome": "spoke", "channel": "", "risk_now": "lower"},
            ["channel", "what_was_said", "support_offered"],
        ),
        ({"outcome": "not_reached", "channel": "pigeon"}, ["channel"]),
    ],
)
def test_missing_answers_are_refused_naming_them(officer_north, check, values, fields):
    before = unchanged(check)
    with pytest.raises(ValidationError) as refused:
        welfare_check_record(
            actor=officer_north.user, duty=check, **values, made_at=at(2026, 3, 10, 10, 0)
        )
    assert sorted(refused.value.message_dict) == sorted(fields)
    assert unchanged(check) == before


def test_a_check_before_the_release_or_in_the_future_is_refused(officer_north, check):
    before = unchanged(check)
    for made_at, message in [
        (at(2026, 3, 9, 17, 0), "The check must be after the release it follows, not before."),
        (at(2026, 3, 11, 13, 0), None),
    ]:
        with pytest.raises(ValidationError) as refused:
            welfare_check_record(
                actor=officer_north.user,
                duty=check,
                **SPOKE,
                risk_now="lower",
                made_at=made_at,
            )
        assert list(refused.value.message_dict) == ["made_at"]
        if message:
            assert refused.value.message_dict["made_at"] == [message]
    assert unchanged(check) == before


def test_a_closed_check_is_refused_naming_its_state(officer_north, check):
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        **SPOKE,
        risk_now="lower",
        made_at=at(2026, 3, 10, 9, 0),
    )
    before = unchanged(check)
    with pytest.raises(InvalidState) as refused:
        welfare_check_record(
            actor=officer_north.user,
            duty=check,
            **SPOKE,
            risk_now="lower",
            made_at=at(2026, 3, 10, 10, 0),
        )
    assert refused.value.state == "met"
    assert unchanged(check) == before


def test_another_force_cannot_record_a_check(officer_south, check):
    before = unchanged(check)
    with pytest.raises(NotFound):
        welfare_check_record(
            actor=officer_south.user,
            duty=check,
            **SPOKE,
            risk_now="lower",
            made_at=at(2026, 3, 10, 10, 0),
        )
    assert unchanged(check) == before


@pytest.mark.parametrize("kind", [DutyKind.WELFARE_CHECK, DutyKind.WELFARE_CONTACT])
def test_the_victim_update_path_refuses_a_welfare_check(clock, officer_north, case, suspect, kind):
    # given a check and a welfare contact after release under investigation
    released_at_risk(
        officer_north,
        case,
        suspect,
        at(2026, 3, 9, 7, 0),
        at(2026, 3, 9, 18, 0),
        kind=EventKind.RELEASED_UNDER_INVESTIGATION,
    )
    [duty] = open_duties(suspect, kind)
    before = unchanged(duty)
    # when a letter is logged through the victim-update path
    with pytest.raises(ValidationError) as refused:
        duty_meet_by_contact(
            actor=officer_north.user,
            duty=duty,
            channel="letter",
            summary="Letter with the Samaritans' number.",
            contacted_at=at(2026, 3, 10, 10, 0),
        )
    # then it is refused, pointing to the welfare check form, and nothing changed
    assert refused.value.message_dict["contact"] == [
        "A welfare check is recorded on its own form, the welfare check, not as a logged "
        f"contact: /duties/{duty.pk}/welfare-check/"
    ]
    assert unchanged(duty) == before


def test_a_welfare_contact_spoken_makes_the_next_one_due(clock, officer_north, case, suspect):
    released_at_risk(
        officer_north,
        case,
        suspect,
        at(2026, 3, 2, 7, 0),
        at(2026, 3, 2, 12, 0),
        kind=EventKind.RELEASED_UNDER_INVESTIGATION,
    )
    [first] = open_duties(suspect, DutyKind.WELFARE_CONTACT)
    welfare_check_record(
        actor=officer_north.user,
        duty=first,
        **SPOKE,
        risk_now="unchanged",
        made_at=at(2026, 3, 9, 10, 0),
    )
    [second] = open_duties(suspect, DutyKind.WELFARE_CONTACT)
    assert second.trigger == DutyTrigger.WELFARE_CADENCE
    assert second.due_at == at(2026, 4, 8, 17, 0)


# --- Late


def test_a_check_made_92_hours_late_says_so(clock, officer_north, check):
    # given the check was due on Wednesday 11 March at 18:00
    assert check.due_at == at(2026, 3, 11, 18, 0)
    clock.move_to(at(2026, 3, 16, 12, 0))
    # when it is made on Sunday 15 March at 14:00, 92 hours after
    attempt = welfare_check_record(
        actor=officer_north.user,
        duty=check,
        **SPOKE,
        risk_now="lower",
        made_at=at(2026, 3, 15, 14, 0),
    )
    check.refresh_from_db()
    assert attempt.made_late_by_hours == 92
    assert duty_made_late_by_hours(check) == 92
    assert check.resolution_note == "Spoke with them (phone); risk now lower; made 92 hours late."


@pytest.mark.parametrize(
    ("minutes", "hours", "text"),
    [
        (0, None, ""),
        (1, 1, "made 1 hour late"),
        (60, 1, "made 1 hour late"),
        (61, 2, "made 2 hours late"),
    ],
)
def test_lateness_is_whole_hours_rounded_up(minutes, hours, text):
    due = at(2026, 3, 11, 18, 0)
    assert late_by_hours(due, due + timedelta(minutes=minutes)) == hours
    assert late_text(hours) == text


def _two_failures(officer_north, check, suspect):
    welfare_check_record(
        actor=officer_north.user,
        duty=check,
        outcome="not_reached",
        channel="phone",
        made_at=at(2026, 3, 10, 10, 0),
    )
    [second] = open_duties(suspect, DutyKind.WELFARE_CHECK)
    return second


def test_a_second_attempt_before_the_first_is_refused_naming_the_moment(
    officer_north, check, suspect
):
    # given: the first attempt at 10:00 could not reach him
    second = _two_failures(officer_north, check, suspect)
    before = (unchanged(second), ContactLog.objects.count())
    # when: a second attempt dated 09:00
    with pytest.raises(ValidationError) as refused:
        welfare_check_record(
            actor=officer_north.user,
            duty=second,
            outcome="not_reached",
            channel="phone",
            made_at=at(2026, 3, 10, 9, 0),
        )
    # then
    assert refused.value.message_dict == {
        "made_at": [
            "This attempt must be after the attempt it follows, made at 10:00 on 10 March 2026."
        ]
    }
    assert (unchanged(second), ContactLog.objects.count()) == before


def test_the_officer_who_failed_twice_cannot_record_the_escalation(
    officer_north, supervisor_north, check, suspect
):
    # given: two attempts could not reach him
    second = _two_failures(officer_north, check, suspect)
    welfare_check_record(
        actor=officer_north.user,
        duty=second,
        outcome="not_reached",
        channel="visit",
        made_at=at(2026, 3, 10, 13, 0),
    )
    [escalation] = open_duties(suspect, DutyKind.WELFARE_CHECK_ESCALATION)
    before = unchanged(escalation)
    # when: the officer tries to close it themselves
    with pytest.raises(AccessDenied):
        welfare_check_record(
            actor=officer_north.user,
            duty=escalation,
            action_taken="Tried again later.",
            made_at=at(2026, 3, 10, 15, 0),
        )
    # then
    assert unchanged(escalation) == before
    assert escalation.responsible == supervisor_north.user
