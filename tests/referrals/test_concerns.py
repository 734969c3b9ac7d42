"""Urgent concerns: the receiver raises the alarm; the sending side's lead officer,
team and supervisor are told at once, marked urgent; acknowledgement is due in two
clock hours, and the sweep escalates across a night, a weekend and the clock
change; refusals change nothing; the acknowledged concern becomes a flag or a
contact on the case."""

from datetime import date, timedelta

import pytest
from django.core import mail

from agencies.models import AccessLogEntry
from common.errors import InvalidState, NotFound, ValidationError
from common.models import Notification
from referrals.deadlines import concern_escalations_sweep
from referrals.models import Concern, ConcernState, ReferralEvent
from referrals.services.concern_answers import (
    concern_acknowledge,
    concern_contact_record,
    concern_flag_raise,
)
from referrals.services.concerns import concern_raise
from referrals.tasks import concern_escalations_sweep_task
from safeguarding.models import Flag
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import at, draft, frozen
from tests.referrals.concern_world import *  # noqa: F403 (the fixtures)
from tests.referrals.concern_world import logged, told

NOTHING = {"concern_not_acknowledged": 0, "concern_escalated_to_all": 0, "notifications": 0}
HEARD = "Robin told me on the phone that the man has started messaging her again."
# Friday 27 March 2026, 23:00 GMT: the clocks go forward at 01:00 on Sunday 29th.
FRIDAY_NIGHT = at(2026, 3, 27, 23, 0)


def _raise(caseworker, referral, moment=FRIDAY_NIGHT, **overrides):
    arguments = {
        "actor": caseworker.user,
        "referral": referral,
        "kind": "new_disclosure",
        "heard": HEARD,
        "heard_at": moment - timedelta(minutes=30),
        "heard_from": "The victim, by phone",
        **overrides,
    }
    with frozen(moment):
        return concern_raise(**arguments)


def _sweep(moment, capture) -> dict:
    with frozen(moment), capture(execute=True):
        return concern_escalations_sweep()


# --- The urgent path


def test_a_concern_tells_the_lead_officer_the_team_and_its_supervisor_at_once_marked_urgent(
    harbour_referral,
    caseworker_harbour,
    duty_supervisor,
    response_officer,
    django_capture_on_commit_callbacks,
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        concern = _raise(caseworker_harbour, harbour_referral)
    # then: the lead officer (who sent it), the team's investigator and its supervisor;
    # not another team's supervisor or officer, not the partner who raised it
    assert told() == [
        ("investigator.north", "referrals.urgent_concern_raised"),
        ("officer.north", "referrals.urgent_concern_raised"),
        ("supervisor.north", "referrals.urgent_concern_raised"),
    ]
    notification = Notification.objects.get(user__username="supervisor.north")
    assert notification.message == (
        "Urgent: Harbour Victim Support has raised a concern on a referral your agency "
        "sent. Acknowledge it by 01:00 on 28 March 2026."
    )
    assert notification.link == f"/referrals/{harbour_referral.pk}/concerns/{concern.pk}/"
    # no personal details: neither what was heard nor whom it is about
    urgent_emails = [e for e in mail.outbox if e.subject == "Tideline: Urgent concern raised"]
    assert sorted(address for e in urgent_emails for address in e.to) == sorted(
        Notification.objects.filter(kind="referrals.urgent_concern_raised").values_list(
            "user__email", flat=True
        )
    )
    for email in urgent_emails:
        assert "Robin" not in email.body and "messaging" not in email.body
    # and the concern stands as it was raised
    assert concern.state == ConcernState.RAISED
    assert concern.compartment == "victim"
    assert concern.acknowledge_due_at == at(2026, 3, 28, 1, 0)
    assert concern.case_id == harbour_referral.case_id
    event = ReferralEvent.objects.get(referral=harbour_referral, action="concern_raised")
    assert event.note == "Urgent concern: a new disclosure."
    assert logged("referrals.concern.raised") == [("caseworker.harbour", "allowed")]


def test_the_compartment_follows_the_kind_or_the_person_named(
    harbour_referral, caseworker_harbour, victim
):
    risk = _raise(caseworker_harbour, harbour_referral, kind="risk_to_child", subject_id=victim.pk)
    account = _raise(caseworker_harbour, harbour_referral, kind="offender_account")
    suicide = _raise(
        caseworker_harbour, harbour_referral, kind="suicide_self_harm", subject_id=victim.pk
    )
    assert (risk.compartment, account.compartment, suicide.compartment) == (
        "child_safeguarding",
        "suspect",
        "victim",
    )
    assert suicide.subject == victim


# --- Escalation: clock hours, across a night, a weekend and the clock change


def test_escalation_across_friday_night_and_the_weekend_counts_clock_hours(
    harbour_referral, caseworker_harbour, duty_supervisor, django_capture_on_commit_callbacks
):
    # given: raised at 23:00 on a Friday
    concern = _raise(caseworker_harbour, harbour_referral)
    Notification.objects.all().delete()
    # then: nothing before 01:00 on Saturday (working days would have said Monday)
    assert _sweep(at(2026, 3, 28, 0, 59), django_capture_on_commit_callbacks) == NOTHING
    # at 01:00 the team's supervisor is told, once
    first = _sweep(at(2026, 3, 28, 1, 0), django_capture_on_commit_callbacks)
    assert first == {**NOTHING, "concern_not_acknowledged": 1, "notifications": 1}
    assert told() == [("supervisor.north", "referrals.urgent_concern_not_acknowledged")]
    assert _sweep(at(2026, 3, 28, 2, 59), django_capture_on_commit_callbacks) == NOTHING
    # at 03:00 every supervisor of northshire is told
    second = _sweep(at(2026, 3, 28, 3, 0), django_capture_on_commit_callbacks)
    assert second == {**NOTHING, "concern_escalated_to_all": 2, "notifications": 2}
    assert told() == [
        ("duty.supervisor", "referrals.urgent_concern_escalated"),
        ("supervisor.north", "referrals.urgent_concern_escalated"),
        ("supervisor.north", "referrals.urgent_concern_not_acknowledged"),
    ]
    # and a second run, or a later one, tells nobody again
    assert _sweep(at(2026, 3, 28, 3, 0), django_capture_on_commit_callbacks) == NOTHING
    assert _sweep(at(2026, 3, 30, 9, 0), django_capture_on_commit_callbacks) == NOTHING
    concern.refresh_from_db()
    assert concern.escalated_at == at(2026, 3, 28, 1, 0)
    assert concern.escalated_to_all_at == at(2026, 3, 28, 3, 0)
    notification = Notification.objects.get(
        user__username="duty.supervisor", kind="referrals.urgent_concern_escalated"
    )
    assert notification.message == (
        "Urgent: a concern raised on a referral your agency sent has not been acknowledged "
        "since 01:00 on 28 March 2026, and is escalated to every supervisor."
    )


def test_two_hours_across_the_clock_change_are_two_real_hours(
    harbour_referral, caseworker_harbour, duty_supervisor, django_capture_on_commit_callbacks
):
    # given: raised at 00:30 GMT on Sunday 29 March; at 01:00 GMT the clocks go to 02:00 BST
    concern = _raise(caseworker_harbour, harbour_referral, moment=at(2026, 3, 29, 0, 30))
    # then: due at 03:30 BST, two real hours on (the wall clock shows three)
    assert concern.acknowledge_due_at == at(2026, 3, 29, 3, 30)
    assert _sweep(at(2026, 3, 29, 3, 29), django_capture_on_commit_callbacks) == NOTHING
    first = _sweep(at(2026, 3, 29, 3, 30), django_capture_on_commit_callbacks)
    assert first["concern_not_acknowledged"] == 1
    assert _sweep(at(2026, 3, 29, 5, 29), django_capture_on_commit_callbacks) == NOTHING
    second = _sweep(at(2026, 3, 29, 5, 30), django_capture_on_commit_callbacks)
    assert second["concern_escalated_to_all"] == 2


def test_an_acknowledged_concern_is_not_escalated(
    harbour_referral, caseworker_harbour, officer_north, django_capture_on_commit_callbacks
):
    concern = _raise(caseworker_harbour, harbour_referral)
    with frozen(at(2026, 3, 27, 23, 40)):
        concern_acknowledge(
            actor=officer_north.user, concern=concern, action_taken="Called Robin's mother."
        )
    assert _sweep(at(2026, 3, 28, 5, 0), django_capture_on_commit_callbacks) == NOTHING


def test_the_beat_task_runs_the_sweep_by_its_scheduled_name(
    harbour_referral, caseworker_harbour, django_capture_on_commit_callbacks
):
    _raise(caseworker_harbour, harbour_referral)
    with frozen(at(2026, 3, 28, 1, 0)), django_capture_on_commit_callbacks(execute=True):
        first = concern_escalations_sweep_task.apply().get()
        second = concern_escalations_sweep_task.apply().get()
    assert first["concern_not_acknowledged"] == 1
    assert second == NOTHING
    assert concern_escalations_sweep_task.name == "referrals.tasks.concern_escalations_sweep"


# --- Refusals: each names the field or the state, and nothing changes


def _nothing_raised():
    assert Concern.objects.count() == 0
    assert not Notification.objects.filter(kind__startswith="referrals.urgent_").exists()


def test_a_concern_on_someone_elses_referral_does_not_exist(
    harbour_referral, officer_south, lighthouse, caseworker_lighthouse
):
    for outsider in (officer_south, caseworker_lighthouse):
        with pytest.raises(NotFound):
            _raise(outsider, harbour_referral)
    _nothing_raised()


def test_the_sending_side_does_not_raise_a_concern_on_its_own_referral(
    harbour_referral, officer_north
):
    with pytest.raises(InvalidState) as refused:
        _raise(officer_north, harbour_referral)
    assert refused.value.state == "accepted"
    assert "Only the receiving agency raises" in refused.value.message
    _nothing_raised()


def test_a_concern_on_a_draft_is_refused_naming_the_state(
    concern_case, officer_north, harbour, victim
):
    referral = draft(officer_north, concern_case, harbour, [victim])
    with pytest.raises(InvalidState) as refused:
        _raise(officer_north, referral)
    assert refused.value.state == "draft"
    _nothing_raised()


def test_empty_fields_are_each_named(harbour_referral, caseworker_harbour):
    with pytest.raises(ValidationError) as refused:
        _raise(
            caseworker_harbour, harbour_referral, kind="", heard=" ", heard_at=None, heard_from=""
        )
    assert refused.value.message_dict == {
        "kind": ["Choose what the concern is."],
        "heard": ["Write down what was heard."],
        "heard_from": ["Say who it was heard from."],
        "heard_at": ["Give the date and time it was heard."],
    }
    _nothing_raised()


def test_a_concern_heard_in_the_future_or_about_someone_not_disclosed_is_refused(
    harbour_referral, caseworker_harbour, suspect
):
    with pytest.raises(ValidationError) as refused:
        _raise(
            caseworker_harbour,
            harbour_referral,
            heard_at=FRIDAY_NIGHT + timedelta(hours=1),
            subject_id=suspect.pk,
        )
    assert refused.value.message_dict == {
        "heard_at": ["Must not be in the future."],
        "subject": ["Choose one of the people named in the referral."],
    }
    with pytest.raises(ValidationError) as no_subject:
        _raise(caseworker_harbour, harbour_referral, kind="suicide_self_harm")
    assert list(no_subject.value.message_dict) == ["subject"]
    _nothing_raised()


def test_acknowledging_twice_is_refused_and_changes_nothing(
    harbour_referral, caseworker_harbour, officer_north, supervisor_north
):
    # given
    concern = _raise(caseworker_harbour, harbour_referral)
    with frozen(at(2026, 3, 27, 23, 30)):
        concern_acknowledge(
            actor=officer_north.user, concern=concern, action_taken="Visited the family."
        )
    # when
    with frozen(at(2026, 3, 27, 23, 45)), pytest.raises(InvalidState) as refused:
        concern_acknowledge(actor=supervisor_north.user, concern=concern, action_taken="Me too.")
    # then
    assert refused.value.state == "acknowledged"
    concern.refresh_from_db()
    assert (
        concern.acknowledged_by,
        concern.acknowledged_at,
        concern.action_taken,
        concern.version,
    ) == (
        officer_north.user,
        at(2026, 3, 27, 23, 30),
        "Visited the family.",
        2,
    )


def test_the_receiver_does_not_acknowledge_and_an_empty_acknowledgement_is_named(
    harbour_referral, caseworker_harbour, officer_north
):
    concern = _raise(caseworker_harbour, harbour_referral)
    with pytest.raises(InvalidState) as refused:
        concern_acknowledge(actor=caseworker_harbour.user, concern=concern, action_taken="Done.")
    assert refused.value.state == "raised"
    with pytest.raises(ValidationError) as empty:
        concern_acknowledge(actor=officer_north.user, concern=concern, action_taken="  ")
    assert empty.value.message_dict == {
        "action_taken": ["Say what has been done about the concern."]
    }
    concern.refresh_from_db()
    assert concern.state == ConcernState.RAISED


# --- Acknowledged: the partner is told; a flag or a contact on the case


def test_acknowledging_tells_the_partner_and_stands_on_the_case(
    harbour_referral, caseworker_harbour, officer_north, django_capture_on_commit_callbacks
):
    concern = _raise(caseworker_harbour, harbour_referral)
    with frozen(at(2026, 3, 27, 23, 20)), django_capture_on_commit_callbacks(execute=True):
        concern_acknowledge(
            actor=officer_north.user, concern=concern, action_taken="Called Robin's mother."
        )
    assert ("caseworker.harbour", "referrals.concern_acknowledged") in told()
    event = ReferralEvent.objects.get(action="concern_acknowledged")
    assert (event.by, event.note) == (officer_north.user, "Called Robin's mother.")
    assert concern.history.count() == 2
    assert concern.history.first().history_change_reason == "urgent concern acknowledged"


def test_an_acknowledged_concern_becomes_a_flag_and_a_contact_once_each(
    harbour_referral, caseworker_harbour, officer_north, victim
):
    # given
    concern = _raise(
        caseworker_harbour, harbour_referral, kind="suicide_self_harm", subject_id=victim.pk
    )
    # a flag before acknowledging is refused
    with pytest.raises(InvalidState):
        concern_flag_raise(
            actor=officer_north.user,
            concern=concern,
            kind="suicide_self_harm",
            reason="Said she wants to die.",
            review_on=date(2026, 4, 3),
        )
    with frozen(at(2026, 3, 27, 23, 20)):
        concern_acknowledge(actor=officer_north.user, concern=concern, action_taken="Visited.")
        # when
        flag = concern_flag_raise(
            actor=officer_north.user,
            concern=concern,
            kind="suicide_self_harm",
            reason="Said she wants to die.",
            review_on=date(2026, 4, 3),
        )
        contact = concern_contact_record(
            actor=officer_north.user,
            concern=concern,
            channel="visit",
            summary="Visited with her mother; safety plan agreed.",
        )
        # then: once each
        with pytest.raises(InvalidState) as again:
            concern_flag_raise(
                actor=officer_north.user,
                concern=concern,
                kind="child_at_risk",
                reason="Again",
                review_on=date(2026, 4, 3),
            )
    assert again.value.state == "flagged"
    concern.refresh_from_db()
    assert (concern.flag, concern.contact) == (flag, contact)
    assert (flag.party, flag.kind) == (victim, "suicide_self_harm")
    assert (contact.party, contact.case_id) == (victim, harbour_referral.case_id)
    assert Flag.objects.count() == 1
    assert AccessLogEntry.objects.filter(action="safeguarding.flag.raised").count() == 1


# --- The selectors return nothing of another agency's


def test_no_selector_returns_another_agencys_concerns_or_thread(
    harbour_referral, caseworker_harbour, officer_north, officer_south
):
    from referrals.selectors.concerns import (
        concern_list_awaiting_acknowledgement,
        concern_list_for_case,
        concern_scope_for_referral,
        message_list,
    )

    concern = _raise(caseworker_harbour, harbour_referral)
    # the sending side's people see it waiting; another force sees nothing
    assert list(concern_list_awaiting_acknowledgement(actor=officer_north.user)) == [concern]
    assert list(concern_list_awaiting_acknowledgement(actor=officer_south.user)) == []
    assert list(concern_list_awaiting_acknowledgement(actor=caseworker_harbour.user)) == []
    case = harbour_referral.case
    assert list(concern_list_for_case(actor=officer_north.user, case=case)) == [concern]
    assert list(concern_list_for_case(actor=officer_south.user, case=case)) == []
    for selector in (concern_scope_for_referral, message_list):
        with pytest.raises(NotFound):
            selector(actor=officer_south.user, referral=harbour_referral)
