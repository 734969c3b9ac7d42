"""Every move of a referral, by the side that owns it; every refused move (409,
naming the state) changes nothing; the referrer is told of every move, and the
emails go only once the move has committed. Also the reads both sides use."""

import pytest
from django.core import mail
from django.db import transaction

from agencies.models import AccessLogEntry
from common.errors import InvalidState, NotFound, ValidationError
from common.models import Notification
from referrals.models import (
    CompletionOutcome,
    Referral,
    ReferralPurpose,
    ReferralState,
    ThresholdDecision,
    ThresholdDecisionKind,
)
from referrals.selectors import (
    INBOX_RELATED,
    inbox_list,
    referral_event_list,
    referral_get_for_actor,
    referral_list_for_case,
    sent_list,
)
from referrals.selectors.sides import referral_side_require
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
from tests.referrals import *  # noqa: F403 (the fixtures)
from tests.referrals import MONDAY_MORNING, at, draft, frozen, in_progress, sent

LINK = "/referrals/{}/"


def _told(username: str) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(user__username=username)
        .order_by("created_at", "kind")
        .values_list("kind", "message")
    )


def _refused_409(call, state: str) -> None:
    with pytest.raises(InvalidState) as refused:
        call()
    assert refused.value.state == state


def _unchanged(referral: Referral) -> None:
    """A refused move leaves the row, the timeline and the notifications as they were."""
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.state, stored.version) == (referral.state, referral.version)
    assert stored.events.count() == referral.events.count()


@pytest.fixture
def harbour_referral(officer_north, caseworker_harbour, north_case, harbour, victim):
    with frozen(at(2026, 3, 2, 9, 50)):
        referral = draft(officer_north, north_case, harbour, [victim])
    with frozen(MONDAY_MORNING):
        return referral_send(actor=officer_north.user, referral=referral)


# --- Sending


def test_sending_fixes_the_snapshot_sets_the_deadlines_and_tells_the_receivers(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    with frozen(at(2026, 3, 2, 9, 50)):
        referral = draft(officer_north, north_case, harbour, [victim], urgency="urgent")
    # when
    with frozen(MONDAY_MORNING):
        referral = referral_send(actor=officer_north.user, referral=referral)
    # then
    assert referral.state == ReferralState.SENT
    assert referral.version == 2
    assert referral.sent_by == officer_north.user
    assert referral.sent_at == MONDAY_MORNING
    assert referral.last_update_at == MONDAY_MORNING
    assert referral.decision_due_at == at(2026, 3, 3, 17, 0)
    assert referral.threshold_due_at is None
    # received on Thursday 26 February: two working days is Monday 2 March
    assert referral.victim_support_due_at == at(2026, 3, 2, 17, 0)
    assert referral.disclosure["parties"][0]["party_id"] == str(victim.pk)
    assert list(referral_event_list(referral=referral).values_list("action", "to_state")) == [
        ("created", "draft"),
        ("sent", "sent"),
    ]
    assert _told("caseworker.harbour") == [
        (
            "referrals.referral_sent",
            "A referral (urgent) has been sent to your agency. "
            "A decision is due by 17:00 on 3 March 2026.",
        )
    ]
    assert Notification.objects.get(user__username="caseworker.harbour").link == LINK.format(
        referral.pk
    )
    assert _told("officer.north") == []


def test_sending_checks_everything_again(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim], summary_for_receiver="")
    with pytest.raises(ValidationError) as refused:
        referral_send(actor=officer_north.user, referral=referral)
    assert refused.value.message_dict == {
        "summary_for_receiver": ["Write a summary for the receiving agency."]
    }
    _unchanged(referral)
    assert Referral.objects.get(pk=referral.pk).disclosure is None
    assert not Notification.objects.exists()


def test_a_draft_on_a_case_closed_since_cannot_be_sent(officer_north, north_case, harbour, victim):
    referral = draft(officer_north, north_case, harbour, [victim])
    north_case.status = "closed"
    north_case.closed_on = north_case.received_on
    north_case.closing_reason = "no_crime"
    north_case.save(update_fields=["status", "closed_on", "closing_reason"])
    _refused_409(lambda: referral_send(actor=officer_north.user, referral=referral), "closed")
    _unchanged(referral)
    assert not Notification.objects.exists()


def test_a_sent_referral_cannot_be_sent_again(officer_north, harbour_referral):
    _refused_409(lambda: referral_send(actor=officer_north.user, referral=harbour_referral), "sent")
    _unchanged(harbour_referral)


def test_the_receiver_cannot_see_a_draft_to_send_or_accept_it(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    referral = draft(officer_north, north_case, harbour, [victim])
    for move in (referral_send, referral_accept):
        with pytest.raises(NotFound):
            move(actor=caseworker_harbour.user, referral=referral)
    _unchanged(referral)


# --- Accepting, declining, returning, answering


def test_the_receiver_accepts_and_owns_it_and_the_referrer_is_told(
    officer_north, caseworker_harbour, harbour_referral
):
    with frozen(at(2026, 3, 3, 9, 30)):
        referral = referral_accept(actor=caseworker_harbour.user, referral=harbour_referral)
    assert referral.state == ReferralState.ACCEPTED
    assert referral.owner == caseworker_harbour.user
    assert referral.decided_at == at(2026, 3, 3, 9, 30)
    # 20 working days from Tuesday 3 March: Tuesday 31 March, in summer time
    assert referral.stale_at == at(2026, 3, 31, 17, 0)
    assert _told("officer.north") == [
        ("referrals.referral_accepted", "A referral you sent has been accepted.")
    ]
    assert AccessLogEntry.objects.filter(
        action="referrals.referral.accepted", username="caseworker.harbour"
    ).exists()


def test_the_referrer_cannot_accept_their_own_referral(officer_north, harbour_referral):
    with pytest.raises(InvalidState) as refused:
        referral_accept(actor=officer_north.user, referral=harbour_referral)
    assert refused.value.state == "sent"
    assert refused.value.message == (
        "Only the receiving agency can accept a referral; this one is sent."
    )
    _unchanged(harbour_referral)


def test_a_third_agency_cannot_see_a_referral_to_move_it(officer_south, harbour_referral):
    for move in (referral_accept, referral_start):
        with pytest.raises(NotFound):
            move(actor=officer_south.user, referral=harbour_referral)
    with pytest.raises(NotFound):
        referral_withdraw(actor=officer_south.user, referral=harbour_referral, reason="x")
    _unchanged(harbour_referral)


def test_declining_needs_a_reason_and_tells_the_referrer(
    officer_north, caseworker_harbour, harbour_referral
):
    with pytest.raises(ValidationError) as refused:
        referral_decline(actor=caseworker_harbour.user, referral=harbour_referral, reason=" ")
    assert refused.value.message_dict == {"reason": ["Give the reason for declining."]}
    _unchanged(harbour_referral)
    # when
    referral = referral_decline(
        actor=caseworker_harbour.user,
        referral=harbour_referral,
        reason="Outside our area; try the city service.",
    )
    # then
    assert referral.state == ReferralState.DECLINED
    assert referral.decline_reason == "Outside our area; try the city service."
    assert referral.events.last().note == "Outside our area; try the city service."
    assert _told("officer.north")[-1][0] == "referrals.referral_declined"
    # and it can no longer be accepted
    _refused_409(
        lambda: referral_accept(actor=caseworker_harbour.user, referral=referral), "declined"
    )


def test_return_with_a_question_then_the_referrer_answers_and_it_is_due_again(
    officer_north, caseworker_harbour, harbour_referral
):
    with frozen(at(2026, 3, 3, 11, 0)):
        returned = referral_return(
            actor=caseworker_harbour.user,
            referral=harbour_referral,
            question="Is it safe to phone in the evening?",
        )
    assert returned.state == ReferralState.RETURNED
    assert returned.return_question == "Is it safe to phone in the evening?"
    assert _told("officer.north")[-1][0] == "referrals.referral_returned"
    # the receiver cannot answer its own question, nor accept while it waits
    _refused_409(
        lambda: referral_answer(actor=caseworker_harbour.user, referral=returned, answer="x"),
        "returned",
    )
    _refused_409(
        lambda: referral_accept(actor=caseworker_harbour.user, referral=returned), "returned"
    )
    # when: the referrer answers on Friday afternoon
    with frozen(at(2026, 3, 6, 16, 0)):
        answered = referral_answer(
            actor=officer_north.user, referral=returned, answer="Yes, after 6pm."
        )
    # then: routine, three working days from Friday
    assert answered.state == ReferralState.SENT
    assert answered.return_answer == "Yes, after 6pm."
    assert answered.decision_due_at == at(2026, 3, 11, 17, 0)
    assert _told("caseworker.harbour")[-1] == (
        "referrals.referral_answered",
        "The referrer has answered your question on a referral. "
        "A decision is due by 17:00 on 11 March 2026.",
    )


def test_a_question_needs_asking_and_an_answer_needs_answering(
    officer_north, caseworker_harbour, harbour_referral
):
    with pytest.raises(ValidationError) as refused:
        referral_return(actor=caseworker_harbour.user, referral=harbour_referral, question="")
    assert list(refused.value.message_dict) == ["question"]
    returned = referral_return(
        actor=caseworker_harbour.user, referral=harbour_referral, question="Which school?"
    )
    with pytest.raises(ValidationError) as refused:
        referral_answer(actor=officer_north.user, referral=returned, answer="")
    assert list(refused.value.message_dict) == ["answer"]
    _unchanged(returned)


def test_only_a_returned_referral_can_be_answered(officer_north, harbour_referral):
    _refused_409(
        lambda: referral_answer(actor=officer_north.user, referral=harbour_referral, answer="x"),
        "sent",
    )


# --- Working it


def test_start_progress_note_and_complete_each_go_back_to_the_referrer(
    officer_north, caseworker_harbour, harbour_referral
):
    with frozen(at(2026, 3, 3, 9, 0)):
        accepted = referral_accept(actor=caseworker_harbour.user, referral=harbour_referral)
    with frozen(at(2026, 3, 9, 10, 0)):
        started = referral_start(actor=caseworker_harbour.user, referral=accepted)
    assert started.state == ReferralState.IN_PROGRESS
    assert started.started_at == at(2026, 3, 9, 10, 0)
    with frozen(at(2026, 3, 16, 10, 0)):
        noted = referral_update_note(
            actor=caseworker_harbour.user, referral=started, note="First session held."
        )
    assert noted.state == ReferralState.IN_PROGRESS
    assert noted.last_update_at == at(2026, 3, 16, 10, 0)
    assert noted.stale_at == at(2026, 4, 15, 17, 0)  # past Good Friday and Easter Monday
    with frozen(at(2026, 4, 20, 10, 0)):
        completed = referral_complete(
            actor=caseworker_harbour.user,
            referral=noted,
            outcome=CompletionOutcome.SUPPORT_PROVIDED,
            summary="Six sessions; the victim feels safer and knows who to call.",
        )
    assert completed.state == ReferralState.COMPLETED
    assert completed.outcome == "support_provided"
    assert completed.outcome_summary == (
        "Six sessions; the victim feels safer and knows who to call."
    )
    assert completed.completed_at == at(2026, 4, 20, 10, 0)
    assert [kind for kind, _ in _told("officer.north")] == [
        "referrals.referral_accepted",
        "referrals.referral_started",
        "referrals.referral_progress_noted",
        "referrals.referral_completed",
    ]
    assert list(completed.events.values_list("action", "from_state", "to_state")) == [
        ("created", "", "draft"),
        ("sent", "draft", "sent"),
        ("accepted", "sent", "accepted"),
        ("started", "accepted", "in_progress"),
        ("progress_noted", "in_progress", "in_progress"),
        ("completed", "in_progress", "completed"),
    ]
    assert completed.version == 6


def test_completion_needs_an_outcome_and_a_summary_for_the_referrer(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    referral = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    with pytest.raises(ValidationError) as refused:
        referral_complete(actor=caseworker_harbour.user, referral=referral, outcome="", summary="")
    assert refused.value.message_dict == {
        "outcome": ["Choose the outcome."],
        "summary": ["Write a summary of the outcome for the referrer."],
    }
    with pytest.raises(ValidationError) as refused:
        referral_complete(
            actor=caseworker_harbour.user, referral=referral, outcome="cured", summary="Done."
        )
    assert list(refused.value.message_dict) == ["outcome"]
    _unchanged(referral)


def test_the_referrer_sees_the_outcome_on_the_referral_and_on_the_case(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    referral = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    referral_complete(
        actor=caseworker_harbour.user,
        referral=referral,
        outcome=CompletionOutcome.UNABLE_TO_CONTACT,
        summary="Three calls and a letter, no answer.",
    )
    seen = referral_get_for_actor(actor=officer_north.user, referral_id=referral.pk)
    assert (seen.outcome, seen.outcome_summary) == (
        "unable_to_contact",
        "Three calls and a letter, no answer.",
    )
    on_case = referral_list_for_case(actor=officer_north.user, case=north_case).get()
    assert on_case.outcome == "unable_to_contact"


@pytest.mark.parametrize(
    ("move", "arguments"),
    [
        (referral_start, {}),
        (referral_update_note, {"note": "x"}),
        (referral_complete, {"outcome": "support_provided", "summary": "x"}),
        (referral_decline, {"reason": "x"}),
        (referral_return, {"question": "x"}),
    ],
)
def test_the_referrer_cannot_make_the_receivers_moves(
    officer_north, caseworker_harbour, north_case, harbour, victim, move, arguments
):
    referral = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    _refused_409(
        lambda: move(actor=officer_north.user, referral=referral, **arguments), "in_progress"
    )
    _unchanged(referral)


@pytest.mark.parametrize(
    ("move", "arguments", "allowed_in"),
    [
        (referral_start, {}, {"accepted"}),
        (referral_update_note, {"note": "x"}, {"accepted", "in_progress"}),
        (
            referral_complete,
            {"outcome": "support_provided", "summary": "x"},
            {"in_progress"},
        ),
    ],
)
def test_the_receivers_moves_are_refused_in_the_wrong_state(
    officer_north, caseworker_harbour, harbour_referral, move, arguments, allowed_in
):
    assert "sent" not in allowed_in
    _refused_409(
        lambda: move(actor=caseworker_harbour.user, referral=harbour_referral, **arguments), "sent"
    )
    _unchanged(harbour_referral)


def test_a_progress_note_needs_words(caseworker_harbour, harbour_referral):
    accepted = referral_accept(actor=caseworker_harbour.user, referral=harbour_referral)
    with pytest.raises(ValidationError) as refused:
        referral_update_note(actor=caseworker_harbour.user, referral=accepted, note="  ")
    assert list(refused.value.message_dict) == ["note"]
    _unchanged(accepted)


# --- Withdrawing


def _to_state(state, officer_north, caseworker_harbour, referral):
    worker = caseworker_harbour.user
    if state == "returned":
        return referral_return(actor=worker, referral=referral, question="Which school?")
    if state in ("accepted", "in_progress"):
        referral = referral_accept(actor=worker, referral=referral)
    if state == "in_progress":
        referral = referral_start(actor=worker, referral=referral)
    return referral


@pytest.mark.parametrize("state", ["sent", "returned", "accepted", "in_progress"])
def test_the_referrer_can_withdraw_until_it_is_finished(
    state, officer_north, caseworker_harbour, harbour_referral
):
    referral = _to_state(state, officer_north, caseworker_harbour, harbour_referral)
    withdrawn = referral_withdraw(
        actor=officer_north.user, referral=referral, reason="The family moved away."
    )
    assert withdrawn.state == ReferralState.WITHDRAWN
    assert withdrawn.withdraw_reason == "The family moved away."
    assert withdrawn.events.last().from_state == state
    assert _told("caseworker.harbour")[-1] == (
        "referrals.referral_withdrawn",
        "A referral to your agency has been withdrawn by the referrer.",
    )


def test_a_colleague_who_withdraws_it_tells_the_referrer_too(
    officer_north, supervisor_north, caseworker_harbour, harbour_referral
):
    referral_withdraw(actor=supervisor_north.user, referral=harbour_referral, reason="Duplicate.")
    assert _told("officer.north")[-1][0] == "referrals.referral_withdrawn"
    assert _told("supervisor.north") == []


def test_withdrawal_is_refused_to_the_receiver_without_a_reason_and_once_finished(
    officer_north, caseworker_harbour, north_case, harbour, victim, harbour_referral
):
    _refused_409(
        lambda: referral_withdraw(
            actor=caseworker_harbour.user, referral=harbour_referral, reason="x"
        ),
        "sent",
    )
    with pytest.raises(ValidationError) as refused:
        referral_withdraw(actor=officer_north.user, referral=harbour_referral, reason="")
    assert list(refused.value.message_dict) == ["reason"]
    _unchanged(harbour_referral)
    a_draft = draft(officer_north, north_case, harbour, [victim])
    _refused_409(
        lambda: referral_withdraw(actor=officer_north.user, referral=a_draft, reason="x"), "draft"
    )
    declined = referral_decline(
        actor=caseworker_harbour.user, referral=harbour_referral, reason="x"
    )
    _refused_409(
        lambda: referral_withdraw(actor=officer_north.user, referral=declined, reason="x"),
        "declined",
    )
    completed = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    completed = referral_complete(
        actor=caseworker_harbour.user, referral=completed, outcome="referred_on", summary="x"
    )
    _refused_409(
        lambda: referral_withdraw(actor=officer_north.user, referral=completed, reason="x"),
        "completed",
    )


def test_nothing_moves_a_withdrawn_referral(officer_north, caseworker_harbour, harbour_referral):
    withdrawn = referral_withdraw(actor=officer_north.user, referral=harbour_referral, reason="x")
    _refused_409(
        lambda: referral_accept(actor=caseworker_harbour.user, referral=withdrawn), "withdrawn"
    )
    _refused_409(
        lambda: referral_withdraw(actor=officer_north.user, referral=withdrawn, reason="x"),
        "withdrawn",
    )


# --- Threshold decisions


@pytest.fixture
def hub_referral(officer_north, coordinator_mash, duty_mash, north_case, mash, child):
    with frozen(MONDAY_MORNING):
        return sent(
            officer_north,
            north_case,
            mash,
            [child],
            purpose=ReferralPurpose.SAFEGUARDING,
            urgency="urgent",
        )


def test_a_hub_referral_is_due_a_threshold_decision_in_one_working_day(hub_referral):
    assert hub_referral.threshold_due_at == at(2026, 3, 3, 17, 0)
    assert hub_referral.victim_support_due_at is None


def test_the_threshold_decision_goes_back_to_the_referrer_at_once(
    officer_north, coordinator_mash, hub_referral
):
    with frozen(at(2026, 3, 2, 15, 0)):
        decision = threshold_decision_record(
            actor=coordinator_mash.user,
            referral=hub_referral,
            decision=ThresholdDecisionKind.CHILD_IN_NEED,
            rationale="Needs a section 17 assessment.",
        )
    assert decision.decided_by == coordinator_mash.user
    assert decision.decided_at == at(2026, 3, 2, 15, 0)
    referral = Referral.objects.get(pk=hub_referral.pk)
    assert referral.state == ReferralState.SENT
    assert referral.version == 3
    assert referral.events.last().note == (
        "Child in need assessment (section 17): Needs a section 17 assessment."
    )
    assert _told("officer.north") == [
        (
            "referrals.referral_threshold_decided",
            "A threshold decision has been recorded on a referral you sent.",
        )
    ]
    # once only
    _refused_409(
        lambda: threshold_decision_record(
            actor=coordinator_mash.user,
            referral=referral,
            decision=ThresholdDecisionKind.EARLY_HELP,
            rationale="x",
        ),
        "sent",
    )
    assert ThresholdDecision.objects.count() == 1


def test_a_threshold_decision_needs_a_decision_and_a_rationale(coordinator_mash, hub_referral):
    with pytest.raises(ValidationError) as refused:
        threshold_decision_record(
            actor=coordinator_mash.user, referral=hub_referral, decision="maybe", rationale=""
        )
    assert refused.value.message_dict == {
        "decision": [
            "Choose one of: no_further_action, universal, early_help, child_in_need, "
            "strategy_discussion."
        ],
        "rationale": ["Give the rationale for the decision."],
    }
    assert not ThresholdDecision.objects.filter(decided_at__isnull=False).exists()
    _unchanged(hub_referral)


def test_the_referrer_cannot_record_the_threshold_decision(officer_north, hub_referral):
    _refused_409(
        lambda: threshold_decision_record(
            actor=officer_north.user, referral=hub_referral, decision="early_help", rationale="x"
        ),
        "sent",
    )


def test_only_a_safeguarding_referral_to_the_hub_takes_a_threshold_decision(
    officer_north, social_worker, north_case, childrens_services, child
):
    referral = sent(
        officer_north,
        north_case,
        childrens_services,
        [child],
        purpose=ReferralPurpose.REQUEST_FOR_INFORMATION,
    )
    assert referral.threshold_due_at is None
    _refused_409(
        lambda: threshold_decision_record(
            actor=social_worker.user, referral=referral, decision="early_help", rationale="x"
        ),
        "sent",
    )


def test_a_threshold_decision_is_refused_once_declined(coordinator_mash, hub_referral):
    declined = referral_decline(actor=coordinator_mash.user, referral=hub_referral, reason="x")
    _refused_409(
        lambda: threshold_decision_record(
            actor=coordinator_mash.user, referral=declined, decision="early_help", rationale="x"
        ),
        "declined",
    )


# --- Notifications go only after commit, and carry no personal details


def test_emails_are_sent_only_after_the_move_commits(
    officer_north,
    caseworker_harbour,
    north_case,
    harbour,
    victim,
    django_capture_on_commit_callbacks,
):
    referral = draft(officer_north, north_case, harbour, [victim])
    with django_capture_on_commit_callbacks() as callbacks:
        referral_send(actor=officer_north.user, referral=referral)
        # stored in the app at once, but not emailed before the commit
        assert Notification.objects.filter(user__username="caseworker.harbour").count() == 1
        assert mail.outbox == []
    assert len(callbacks) == 1
    assert mail.outbox == []
    # when: the transaction commits
    for callback in callbacks:
        callback()
    # then
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [caseworker_harbour.user.email]
    assert email.subject == "Tideline: Referral sent"
    assert f"/referrals/{referral.pk}/" in email.body
    for detail in ("Robin", "Fictional", "07700", "NP-2026-000042"):
        assert detail not in email.body


def test_nothing_is_sent_for_a_move_that_rolled_back(
    officer_north, caseworker_harbour, harbour_referral, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        referral_accept(actor=caseworker_harbour.user, referral=harbour_referral)
        raise RuntimeError("the request failed after the move")
    assert callbacks == []
    assert mail.outbox == []
    assert _told("officer.north") == []
    assert Referral.objects.get(pk=harbour_referral.pk).state == ReferralState.SENT


def test_the_referrers_email_for_a_completion_goes_on_commit(
    officer_north,
    caseworker_harbour,
    north_case,
    harbour,
    victim,
    django_capture_on_commit_callbacks,
):
    referral = in_progress(officer_north, caseworker_harbour, north_case, harbour, [victim])
    with django_capture_on_commit_callbacks(execute=True):
        referral_complete(
            actor=caseworker_harbour.user,
            referral=referral,
            outcome="support_provided",
            summary="Robin is doing well.",
        )
    assert [email.to for email in mail.outbox] == [[officer_north.user.email]]
    assert mail.outbox[0].subject == "Tideline: Referral completed"
    assert "Robin" not in mail.outbox[0].body


# --- Reads


def test_each_side_sees_its_own_list_and_a_third_agency_sees_nothing(
    officer_north, caseworker_harbour, officer_south, caseworker_lighthouse, harbour_referral
):
    assert list(sent_list(actor=officer_north.user)) == [harbour_referral]
    assert list(inbox_list(actor=officer_north.user)) == []
    assert list(inbox_list(actor=caseworker_harbour.user)) == [harbour_referral]
    assert list(sent_list(actor=caseworker_harbour.user)) == []
    for outsider in (officer_south, caseworker_lighthouse):
        assert list(inbox_list(actor=outsider.user)) == []
        assert list(sent_list(actor=outsider.user)) == []
        with pytest.raises(NotFound):
            referral_get_for_actor(actor=outsider.user, referral_id=harbour_referral.pk)
        with pytest.raises(NotFound):
            referral_side_require(outsider.user, harbour_referral)
    assert referral_side_require(officer_north.user, harbour_referral) == "sender"
    assert referral_side_require(caseworker_harbour.user, harbour_referral) == "receiver"


def test_a_case_lists_only_the_referrals_the_actors_agency_is_part_of(
    officer_north, officer_south, caseworker_harbour, north_case, harbour_referral
):
    assert list(referral_list_for_case(actor=officer_north.user, case=north_case)) == [
        harbour_referral
    ]
    assert list(referral_list_for_case(actor=officer_south.user, case=north_case)) == []


def test_reading_a_referral_is_logged_and_so_is_a_refusal(
    officer_north, officer_south, harbour_referral
):
    referral_get_for_actor(actor=officer_north.user, referral_id=harbour_referral.pk)
    with pytest.raises(NotFound):
        referral_get_for_actor(actor=officer_south.user, referral_id=harbour_referral.pk)
    with pytest.raises(NotFound):
        referral_get_for_actor(actor=officer_north.user, referral_id="not-a-uuid")
    entries = AccessLogEntry.objects.filter(action="referrals.referral.viewed").order_by("sequence")
    assert [(e.username, e.outcome, e.justification) for e in entries] == [
        ("officer.north", "allowed", "referring agency (northshire-police)"),
        ("officer.south", "denied", "not found or out of scope"),
        ("officer.north", "denied", "not found or out of scope"),
    ]


def test_the_inbox_puts_overdue_first_then_urgency_then_due_time(
    officer_north, caseworker_harbour, north_case, harbour, victim
):
    # given: a routine one sent a week earlier (overdue by now), and three sent today
    with frozen(at(2026, 2, 23, 10, 0)):
        overdue = sent(officer_north, north_case, harbour, [victim], urgency="routine")
    with frozen(at(2026, 3, 2, 9, 0)):
        routine = sent(officer_north, north_case, harbour, [victim], urgency="routine")
        urgent = sent(officer_north, north_case, harbour, [victim], urgency="urgent")
        immediate = sent(officer_north, north_case, harbour, [victim], urgency="immediate")
    draft(officer_north, north_case, harbour, [victim], urgency="immediate")
    # when
    with frozen(at(2026, 3, 2, 12, 0)):
        inbox = list(inbox_list(actor=caseworker_harbour.user))
        sent_only = list(inbox_list(actor=caseworker_harbour.user, filters={"state": "sent"}))
    # then
    assert inbox == [overdue, immediate, urgent, routine]
    assert sent_only == inbox
    with pytest.raises(ValidationError):
        inbox_list(actor=caseworker_harbour.user, filters={"state": "lost"})


def test_the_inbox_is_one_query_however_long_it_is(
    officer_north, caseworker_harbour, north_case, harbour, victim, django_assert_num_queries
):
    # given: four referrals, and the caller's membership already read (it is cached)
    for _ in range(4):
        sent(officer_north, north_case, harbour, [victim])
    actor = caseworker_harbour.user
    inbox_list(actor=actor)
    # when / then
    with django_assert_num_queries(1):
        shown = [
            (row.from_agency.slug, row.to_team, row.owner, row.owner_agency_slug)
            for row in inbox_list(actor=actor).select_related(*INBOX_RELATED)
        ]
    assert len(shown) == 4
    # the case's owner, for the access log, is read without joining the case
    assert {agency for *_, agency in shown} == {"northshire-police"}
