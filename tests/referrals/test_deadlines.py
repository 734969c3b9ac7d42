"""Referral deadlines: each one set and stored when its event is recorded, counted in
working days across weekends, bank holidays and the clock change; and the sweep
that tells the receiving team, their supervisors and (when missed) the referrer,
once."""

from datetime import date, timedelta

import pytest
from django.core import mail

from agencies.models import Role
from common.models import Notification
from referrals.deadlines import referral_deadlines_sweep
from referrals.models import ConsentStatus, Referral, ReferralPurpose
from referrals.services import (
    referral_accept,
    referral_answer,
    referral_complete,
    referral_decline,
    referral_return,
    referral_send,
    referral_start,
    referral_update_note,
    referral_withdraw,
    threshold_decision_record,
)
from referrals.tasks import referral_deadlines_sweep_task
from tests.factories import CaseFactory, MembershipFactory, PartyFactory
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, at, draft, frozen

NOTHING = {
    "decision_due_soon": 0,
    "decision_overdue": 0,
    "threshold_due_soon": 0,
    "threshold_overdue": 0,
    "victim_support_due_soon": 0,
    "victim_support_overdue": 0,
    "stale": 0,
    "notifications": 0,
}


def _send_at(moment, sender, case, to_agency, parties, **overrides) -> Referral:
    # Drafted a minute before it is sent, so that the timeline has an order.
    with frozen(moment - timedelta(minutes=1)):
        referral = draft(sender, case, to_agency, parties, **overrides)
    with frozen(moment):
        return referral_send(actor=sender.user, referral=referral)


def _sweep(moment, capture) -> dict:
    with frozen(moment), capture(execute=True):
        return referral_deadlines_sweep()


def _told() -> list[tuple[str, str]]:
    return sorted(Notification.objects.values_list("user__username", "kind"))


def _swept_told() -> list[tuple[str, str]]:
    return sorted(
        (username, kind)
        for username, kind in Notification.objects.values_list("user__username", "kind")
        if not kind.startswith("referrals.referral_")
    )


# --- Setting deadlines


def _for_south(officer_north, north_case, south, south_team, victim, moment, urgency):
    return _send_at(
        moment,
        officer_north,
        north_case,
        south,
        [victim],
        purpose=ReferralPurpose.REQUEST_FOR_INFORMATION,
        urgency=urgency,
        to_team=south_team,
    )


def test_a_routine_decision_is_due_in_three_working_days_across_a_weekend(
    officer_north, north_case, south, south_team, victim
):
    # sent on Thursday 26 February: Friday, Monday, Tuesday
    referral = _for_south(
        officer_north, north_case, south, south_team, victim, at(2026, 2, 26, 10, 0), "routine"
    )
    referral.refresh_from_db()
    assert referral.decision_due_at == at(2026, 3, 3, 17, 0)


def test_an_urgent_decision_is_due_in_one_working_day_across_easter(
    officer_north, north_case, south, south_team, victim
):
    # sent on Thursday 2 April 2026: Good Friday and Easter Monday are bank holidays
    referral = _for_south(
        officer_north, north_case, south, south_team, victim, at(2026, 4, 2, 10, 0), "urgent"
    )
    referral.refresh_from_db()
    assert referral.decision_due_at == at(2026, 4, 7, 17, 0)


def test_an_immediate_decision_is_due_the_same_working_day(
    officer_north, north_case, south, south_team, victim
):
    referral = _for_south(
        officer_north, north_case, south, south_team, victim, MONDAY_MORNING, "immediate"
    )
    assert referral.decision_due_at == at(2026, 3, 2, 17, 0)


def test_an_immediate_decision_sent_after_hours_before_a_bank_holiday_weekend(
    officer_north, north_case, south, south_team, victim
):
    # Friday 22 May 2026 at 17:30; Monday 25 May is the spring bank holiday
    referral = _for_south(
        officer_north, north_case, south, south_team, victim, at(2026, 5, 22, 17, 30), "immediate"
    )
    assert referral.decision_due_at == at(2026, 5, 26, 17, 0)


def test_a_threshold_decision_is_due_in_one_working_day_across_a_bank_holiday(
    officer_north, north_case, mash, child
):
    # Friday 28 August 2026; Monday 31 August is the summer bank holiday
    referral = _send_at(
        at(2026, 8, 28, 15, 0),
        officer_north,
        north_case,
        mash,
        [child],
        purpose=ReferralPurpose.SAFEGUARDING,
    )
    referral.refresh_from_db()
    assert referral.threshold_due_at == at(2026, 9, 1, 17, 0)
    assert referral.decision_due_at == at(2026, 9, 3, 17, 0)


def test_a_strategy_discussion_request_to_childrens_services_is_due_across_a_weekend(
    officer_north, north_case, childrens_services, child
):
    referral = _send_at(
        at(2026, 3, 6, 10, 0),
        officer_north,
        north_case,
        childrens_services,
        [child],
        purpose=ReferralPurpose.STRATEGY_DISCUSSION,
    )
    assert referral.threshold_due_at == at(2026, 3, 9, 17, 0)


def test_victim_support_is_due_two_working_days_after_the_crime_was_recorded(
    officer_north, north, harbour
):
    # recorded on Christmas Eve 2026: Christmas Day, the weekend and the Boxing Day
    # substitute (Monday 28th) do not count
    case = CaseFactory(owning_agency=north, received_on=date(2026, 12, 24))
    victim = PartyFactory(case=case, role="victim")
    referral = _send_at(at(2026, 12, 29, 11, 0), officer_north, case, harbour, [victim])
    referral.refresh_from_db()
    assert referral.victim_support_due_at == at(2026, 12, 30, 17, 0)


def test_victim_support_across_a_weekend(officer_north, north, harbour):
    case = CaseFactory(owning_agency=north, received_on=date(2026, 2, 27))
    victim = PartyFactory(case=case, role="victim")
    referral = _send_at(MONDAY_MORNING, officer_north, case, harbour, [victim])
    assert referral.victim_support_due_at == at(2026, 3, 3, 17, 0)


def test_no_victim_support_deadline_when_the_victim_declined(
    officer_north, north_case, harbour, victim
):
    referral = _send_at(
        MONDAY_MORNING,
        officer_north,
        north_case,
        harbour,
        [victim],
        consent_status=ConsentStatus.REFUSED,
        consent_reason="The victim declined; their mother asked that the charity write once.",
    )
    assert referral.victim_support_due_at is None


def test_an_accepted_referral_goes_stale_after_twenty_working_days_across_easter(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    referral = _send_at(at(2026, 3, 20, 10, 0), officer_north, north_case, harbour, [victim])
    with frozen(at(2026, 3, 23, 10, 0)):
        referral = referral_accept(actor=caseworker_harbour.user, referral=referral)
    referral.refresh_from_db()
    # Good Friday and Easter Monday do not count; the clocks went forward on the 29th
    assert referral.stale_at == at(2026, 4, 22, 17, 0)


# --- The sweep: decisions


@pytest.fixture
def south_referral(
    officer_north, officer_south, south_team_officer, supervisor_south, north_case, south, victim
):
    # An urgent request to southshire's online CSA team on Monday: due Tuesday 17:00.
    return _send_at(
        MONDAY_MORNING,
        officer_north,
        north_case,
        south,
        [victim],
        purpose=ReferralPurpose.REQUEST_FOR_INFORMATION,
        urgency="urgent",
        to_team=south_team_officer.team,
    )


def test_nothing_is_said_more_than_two_hours_before(
    south_referral, django_capture_on_commit_callbacks
):
    result = _sweep(at(2026, 3, 3, 14, 59), django_capture_on_commit_callbacks)
    assert result == NOTHING
    assert _swept_told() == []


def test_a_decision_due_within_two_hours_is_told_to_the_team_and_its_supervisor(
    south_referral, django_capture_on_commit_callbacks
):
    result = _sweep(at(2026, 3, 3, 15, 30), django_capture_on_commit_callbacks)
    assert result == {**NOTHING, "decision_due_soon": 2, "notifications": 2}
    # the team member and the force's supervisor; not officer.south (another team),
    # and not yet the referrer
    assert _swept_told() == [
        ("investigator.south", "referrals.decision_due_soon"),
        ("supervisor.south", "referrals.decision_due_soon"),
    ]
    notification = Notification.objects.get(
        user__username="investigator.south", kind="referrals.decision_due_soon"
    )
    assert notification.message == "A decision on a referral is due by 17:00 on 3 March 2026."
    assert notification.link == f"/referrals/{south_referral.pk}/"
    swept_emails = [e for e in mail.outbox if e.subject == "Tideline: Decision due soon"]
    assert len(swept_emails) == 2


def test_a_missed_decision_is_told_to_the_team_its_supervisor_and_the_referrer_once(
    south_referral, django_capture_on_commit_callbacks
):
    # when: the sweep runs twice after the deadline
    first = _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks)
    emails = len(mail.outbox)
    second = _sweep(at(2026, 3, 4, 9, 15), django_capture_on_commit_callbacks)
    # then
    assert first == {**NOTHING, "decision_overdue": 3, "notifications": 3}
    assert second == NOTHING
    assert len(mail.outbox) == emails
    assert _swept_told() == [
        ("investigator.south", "referrals.decision_overdue"),
        ("officer.north", "referrals.decision_overdue"),
        ("supervisor.south", "referrals.decision_overdue"),
    ]
    assert Notification.objects.get(
        user__username="officer.north", kind="referrals.decision_overdue"
    ).message == (
        "A decision on a referral was due by 17:00 on 3 March 2026 and has not been made."
    )


def test_due_soon_then_overdue_are_two_events(south_referral, django_capture_on_commit_callbacks):
    _sweep(at(2026, 3, 3, 15, 30), django_capture_on_commit_callbacks)
    result = _sweep(at(2026, 3, 3, 17, 1), django_capture_on_commit_callbacks)
    assert result == {**NOTHING, "decision_overdue": 3, "notifications": 3}


def test_a_decided_referral_is_not_swept(
    south_referral, south_team_officer, django_capture_on_commit_callbacks
):
    with frozen(at(2026, 3, 3, 9, 0)):
        referral_accept(actor=south_team_officer.user, referral=south_referral)
    assert _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks) == NOTHING


def test_an_answered_referral_gets_a_new_deadline_and_a_new_warning(
    officer_north, south_referral, south_team_officer, django_capture_on_commit_callbacks
):
    # given: the first deadline was missed and told
    _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks)
    with frozen(at(2026, 3, 4, 10, 0)):
        returned = referral_return(
            actor=south_team_officer.user, referral=south_referral, question="Which device?"
        )
    # while returned, the receiver owes nothing
    assert _sweep(at(2026, 3, 6, 9, 0), django_capture_on_commit_callbacks) == NOTHING
    with frozen(at(2026, 3, 6, 10, 0)):
        answered = referral_answer(actor=officer_north.user, referral=returned, answer="A phone.")
    assert answered.decision_due_at == at(2026, 3, 9, 17, 0)
    # when
    result = _sweep(at(2026, 3, 10, 9, 0), django_capture_on_commit_callbacks)
    # then
    assert result == {**NOTHING, "decision_overdue": 3, "notifications": 3}


@pytest.mark.parametrize("finish", ["declined", "withdrawn"])
def test_a_finished_referral_is_never_swept(
    finish, officer_north, south_referral, south_team_officer, django_capture_on_commit_callbacks
):
    if finish == "declined":
        referral_decline(actor=south_team_officer.user, referral=south_referral, reason="x")
    else:
        referral_withdraw(actor=officer_north.user, referral=south_referral, reason="x")
    assert _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks) == NOTHING


# --- The sweep: threshold decisions


@pytest.fixture
def hub_referral(officer_north, coordinator_mash, duty_mash, north_case, mash, child):
    return _send_at(
        MONDAY_MORNING,
        officer_north,
        north_case,
        mash,
        [child],
        purpose=ReferralPurpose.SAFEGUARDING,
        urgency="urgent",
    )


def test_a_missed_threshold_decision_is_told_to_the_hub_and_the_referrer(
    hub_referral, coordinator_mash, django_capture_on_commit_callbacks
):
    # given: accepted in time, but no threshold decision
    with frozen(at(2026, 3, 2, 11, 0)):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
    # when
    first = _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks)
    second = _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks)
    # then
    assert first == {**NOTHING, "threshold_overdue": 3, "notifications": 3}
    assert second == NOTHING
    assert _swept_told() == [
        ("coordinator.mash", "referrals.threshold_overdue"),
        ("duty.mash", "referrals.threshold_overdue"),
        ("officer.north", "referrals.threshold_overdue"),
    ]


def test_a_threshold_decision_due_soon_is_told_to_the_hub_only(
    hub_referral, coordinator_mash, django_capture_on_commit_callbacks
):
    with frozen(at(2026, 3, 2, 11, 0)):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
    result = _sweep(at(2026, 3, 3, 16, 0), django_capture_on_commit_callbacks)
    assert result == {**NOTHING, "threshold_due_soon": 2, "notifications": 2}


def test_a_recorded_threshold_decision_is_not_swept(
    hub_referral, coordinator_mash, django_capture_on_commit_callbacks
):
    with frozen(at(2026, 3, 2, 11, 0)):
        referral_accept(actor=coordinator_mash.user, referral=hub_referral)
    with frozen(at(2026, 3, 2, 12, 0)):
        threshold_decision_record(
            actor=coordinator_mash.user,
            referral=hub_referral,
            decision="early_help",
            rationale="Family agrees to early help.",
        )
    assert _sweep(at(2026, 3, 4, 9, 0), django_capture_on_commit_callbacks) == NOTHING


# --- The sweep: victim support and stale referrals


@pytest.fixture
def harbour_referral(officer_north, caseworker_harbour, north_case, harbour, victim):
    # The crime was recorded on Thursday 26 February: victim support due Monday 17:00.
    return _send_at(MONDAY_MORNING, officer_north, north_case, harbour, [victim])


def test_victim_support_due_and_missed(harbour_referral, django_capture_on_commit_callbacks):
    soon = _sweep(at(2026, 3, 2, 16, 0), django_capture_on_commit_callbacks)
    missed = _sweep(at(2026, 3, 3, 9, 0), django_capture_on_commit_callbacks)
    again = _sweep(at(2026, 3, 3, 10, 0), django_capture_on_commit_callbacks)
    # a charity has no supervisor role: its caseworkers, then the referrer
    assert soon == {**NOTHING, "victim_support_due_soon": 1, "notifications": 1}
    assert missed == {**NOTHING, "victim_support_overdue": 2, "notifications": 2}
    assert again == NOTHING
    assert Notification.objects.get(
        user__username="officer.north", kind="referrals.victim_support_overdue"
    ).message == (
        "Victim support on a referral was due by 17:00 on 2 March 2026 and has not been made."
    )


def test_a_stale_referral_is_told_to_its_owner_and_the_referrer_once_per_silence(
    officer_north, caseworker_harbour, harbour_referral, django_capture_on_commit_callbacks
):
    with frozen(at(2026, 3, 2, 11, 0)):
        accepted = referral_accept(actor=caseworker_harbour.user, referral=harbour_referral)
    with frozen(at(2026, 3, 2, 12, 0)):
        started = referral_start(actor=caseworker_harbour.user, referral=accepted)
    assert started.stale_at == at(2026, 3, 30, 17, 0)
    # not yet
    assert _sweep(at(2026, 3, 30, 16, 0), django_capture_on_commit_callbacks) == NOTHING
    # when: stale, swept twice
    first = _sweep(at(2026, 3, 31, 9, 0), django_capture_on_commit_callbacks)
    second = _sweep(at(2026, 3, 31, 9, 15), django_capture_on_commit_callbacks)
    # then
    assert first == {**NOTHING, "stale": 2, "notifications": 2}
    assert second == NOTHING
    assert _swept_told() == [
        ("caseworker.harbour", "referrals.stale"),
        ("officer.north", "referrals.stale"),
    ]
    # an update restarts the clock; a new silence is told again
    with frozen(at(2026, 3, 31, 10, 0)):
        noted = referral_update_note(
            actor=caseworker_harbour.user, referral=started, note="Back in touch."
        )
    assert _sweep(at(2026, 4, 1, 9, 0), django_capture_on_commit_callbacks) == NOTHING
    later = _sweep(noted.stale_at + timedelta(hours=1), django_capture_on_commit_callbacks)
    assert later == {**NOTHING, "stale": 2, "notifications": 2}
    # a completed referral is never stale
    referral_complete(
        actor=caseworker_harbour.user, referral=noted, outcome="support_provided", summary="x"
    )
    assert (
        _sweep(noted.stale_at + timedelta(days=60), django_capture_on_commit_callbacks) == NOTHING
    )


# --- The task


def test_the_beat_task_runs_the_sweep(south_referral, django_capture_on_commit_callbacks):
    with frozen(at(2026, 3, 4, 9, 0)), django_capture_on_commit_callbacks(execute=True):
        first = referral_deadlines_sweep_task.apply().get()
        second = referral_deadlines_sweep_task.apply().get()
    assert first["decision_overdue"] == 3
    assert second == NOTHING
    assert referral_deadlines_sweep_task.name == "referrals.tasks.deadlines_sweep"


def test_a_stale_referral_whose_owner_has_left_is_told_to_the_receiving_team(
    officer_north, caseworker_harbour, harbour, harbour_referral, django_capture_on_commit_callbacks
):
    colleague = MembershipFactory(
        agency=harbour, role=Role.PARTNER_CASEWORKER, user__username="duty.harbour"
    )
    with frozen(at(2026, 3, 2, 11, 0)):
        referral_accept(actor=caseworker_harbour.user, referral=harbour_referral)
    caseworker_harbour.user.is_active = False
    caseworker_harbour.user.save(update_fields=["is_active"])
    result = _sweep(at(2026, 3, 31, 9, 0), django_capture_on_commit_callbacks)
    assert result == {**NOTHING, "stale": 2, "notifications": 2}
    assert _swept_told() == [
        (colleague.user.username, "referrals.stale"),
        ("officer.north", "referrals.stale"),
    ]
