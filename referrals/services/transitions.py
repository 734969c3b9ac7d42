"""Moving a referral through its states.

    draft -> sent -> accepted | declined | returned
    returned -> sent (the referrer answers)
    accepted -> in_progress -> completed
    sent, returned, accepted, in_progress -> withdrawn (the referrer)

Each move belongs to one side: sending, answering and withdrawing to the referring
agency; accepting, declining, returning, starting, progress notes, completing and
the threshold decision to the receiving agency. A move by the other side, or in a
state that does not allow it, is refused with InvalidState naming the current
state (409), and nothing changes. Every move locks the row, writes a timeline
event, bumps the version, notes history, logs the access, and tells the other
side: the referrer learns of every move, so nothing is completed silently."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from cases.events import event_dispatch
from cases.services.common import case_action_require
from referrals.disclosure import disclosure_build
from referrals.events import REFERRAL_SENT
from referrals.models import Referral, ReferralState, Urgency
from referrals.services.case_grants import case_grant_on_accept, case_grant_on_close
from referrals.services.casework import (
    referral_complete,
    referral_start,
    referral_update_note,
)
from referrals.services.common import RECEIVER, SENDER, receivers_of
from referrals.services.due_dates import (
    decision_due_at_for,
    stale_at_from,
    threshold_applies,
    threshold_due_at_from,
    victim_support_due_at_for,
)
from referrals.services.moves import (
    move_begin,
    move_finish,
    people_count,
    text_required,
    when_text,
)
from referrals.services.rules import case_open_require, rules_check, values_of
from referrals.services.threshold import threshold_decision_record

# The receiver's casework and the threshold decision live in their own modules; they
# are moves all the same, and importable from here.
__all__ = [
    "referral_accept",
    "referral_answer",
    "referral_complete",
    "referral_decline",
    "referral_return",
    "referral_send",
    "referral_start",
    "referral_update_note",
    "referral_withdraw",
    "threshold_decision_record",
]


@transaction.atomic
def referral_send(*, actor: User, referral: Referral) -> Referral:
    """Send a draft: check it all again, fix the disclosure snapshot, set and store
    every deadline, log the disclosure (DPA 2018 s.62) and tell the receivers."""
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=SENDER,
        capability="referrals.referral.create",
        allowed_from=frozenset({ReferralState.DRAFT}),
        verb="send",
    )
    case_action_require(actor, "referrals.referral.create", locked.case)
    case_open_require(locked.case)
    _, shared_fields = rules_check(
        actor=actor, case=locked.case, values=values_of(locked), for_send=True
    )
    now = timezone.now()
    locked.shared_fields = shared_fields
    locked.state = ReferralState.SENT
    locked.sent_by = actor
    locked.sent_at = now
    locked.last_update_at = now
    locked.decision_due_at = decision_due_at_for(locked.urgency, now)
    locked.threshold_due_at = threshold_due_at_from(now) if threshold_applies(locked) else None
    locked.victim_support_due_at = victim_support_due_at_for(locked)
    # The snapshot is fixed here and never rebuilt: the receiver sees what was sent.
    locked.disclosure = disclosure_build(locked)
    recipients = receivers_of(locked)
    team = f" team {locked.to_team.slug}" if locked.to_team_id else ""
    sent = move_finish(
        locked,
        actor=actor,
        side=SENDER,
        action="sent",
        from_state=ReferralState.DRAFT,
        fields=[
            "shared_fields",
            "sent_by",
            "sent_at",
            "last_update_at",
            "decision_due_at",
            "threshold_due_at",
            "victim_support_due_at",
            "disclosure",
        ],
        message=(
            f"A referral ({Urgency(locked.urgency).label.lower()}) has been sent to your "
            f"agency. A decision is due by {when_text(locked.decision_due_at)}."
        ),
        at=now,
        log_note=(
            f"disclosed to {locked.to_agency.slug}{team} "
            f"({', '.join(user.get_username() for user in recipients) or 'no receivers yet'}); "
            f"purpose {locked.purpose}; {people_count(locked.parties.count())}; "
            f"lawful basis {locked.lawful_basis}; condition {locked.sensitive_condition}; "
            f"consent {locked.consent_status}"
        ),
    )
    # The duties this referral answers are met with it (welfare's handler).
    event_dispatch(REFERRAL_SENT, referral=sent, actor=actor)
    return sent


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    """The receiver takes it on; the actor owns it from now, and it goes stale
    after 20 working days without an update."""
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.referral.receive",
        allowed_from=frozenset({ReferralState.SENT}),
        verb="accept",
    )
    now = timezone.now()
    locked.state = ReferralState.ACCEPTED
    locked.owner = actor
    locked.decided_at = now
    locked.last_update_at = now
    locked.stale_at = stale_at_from(now)
    accepted = move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="accepted",
        from_state=ReferralState.SENT,
        fields=["owner", "decided_at", "last_update_at", "stale_at"],
        message="A referral you sent has been accepted.",
        at=now,
    )
    # A statutory partner works the case from now: it is granted it at once.
    case_grant_on_accept(actor=actor, referral=accepted)
    return accepted


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.referral.receive",
        allowed_from=frozenset({ReferralState.SENT}),
        verb="decline",
    )
    reason = text_required(reason, field="reason", missing="Give the reason for declining.")
    now = timezone.now()
    locked.state = ReferralState.DECLINED
    locked.decline_reason = reason
    locked.decided_at = now
    locked.last_update_at = now
    return move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="declined",
        from_state=ReferralState.SENT,
        fields=["decline_reason", "decided_at", "last_update_at"],
        message="A referral you sent has been declined. The reason is on the referral.",
        note=reason,
        at=now,
    )


@transaction.atomic
def referral_return(*, actor: User, referral: Referral, question: str) -> Referral:
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.referral.receive",
        allowed_from=frozenset({ReferralState.SENT}),
        verb="return",
    )
    question = text_required(
        question, field="question", missing="Ask what you need to know before deciding."
    )
    now = timezone.now()
    locked.state = ReferralState.RETURNED
    locked.return_question = question
    locked.return_answer = ""
    locked.last_update_at = now
    return move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="returned",
        from_state=ReferralState.SENT,
        fields=["return_question", "return_answer", "last_update_at"],
        message="A referral you sent has been returned with a question for you.",
        note=question,
        at=now,
    )


@transaction.atomic
def referral_answer(*, actor: User, referral: Referral, answer: str) -> Referral:
    """The referrer answers the receiver's question; the referral is sent again,
    with a new decision deadline counted from now."""
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=SENDER,
        capability="referrals.referral.create",
        allowed_from=frozenset({ReferralState.RETURNED}),
        verb="answer",
    )
    answer = text_required(answer, field="answer", missing="Answer the receiver's question.")
    now = timezone.now()
    locked.state = ReferralState.SENT
    locked.return_answer = answer
    locked.last_update_at = now
    locked.decision_due_at = decision_due_at_for(locked.urgency, now)
    return move_finish(
        locked,
        actor=actor,
        side=SENDER,
        action="answered",
        from_state=ReferralState.RETURNED,
        fields=["return_answer", "last_update_at", "decision_due_at"],
        message=(
            "The referrer has answered your question on a referral. "
            f"A decision is due by {when_text(locked.decision_due_at)}."
        ),
        note=answer,
        at=now,
    )


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=SENDER,
        capability="referrals.referral.create",
        allowed_from=frozenset(
            {
                ReferralState.SENT,
                ReferralState.RETURNED,
                ReferralState.ACCEPTED,
                ReferralState.IN_PROGRESS,
            }
        ),
        verb="withdraw",
    )
    reason = text_required(reason, field="reason", missing="Give the reason for withdrawing.")
    now = timezone.now()
    from_state = locked.state
    locked.state = ReferralState.WITHDRAWN
    locked.withdrawn_at = now
    locked.withdraw_reason = reason
    locked.last_update_at = now
    withdrawn = move_finish(
        locked,
        actor=actor,
        side=SENDER,
        action="withdrawn",
        from_state=from_state,
        fields=["withdrawn_at", "withdraw_reason", "last_update_at"],
        message="A referral to your agency has been withdrawn by the referrer.",
        note=reason,
        at=now,
    )
    # The grant its acceptance made now ends by itself, as after completion.
    case_grant_on_close(referral=withdrawn)
    return withdrawn
