"""Moving a referral through its states, as the table of moves (`referrals.moves`)
allows.

Each move belongs to one side: sending, answering and withdrawing to the referring
agency; accepting, declining, returning, starting, progress notes, completing and
the threshold decision to the receiving agency. A move by the other side, or in a
state that does not allow it, is refused with InvalidState naming the current
state (409), and nothing changes. Every move locks the row, writes a timeline
event, bumps the version, notes history, logs the access, and tells the other
side: the referrer learns of every move, so nothing is completed silently."""

from collections.abc import Callable

from django.contrib.auth.models import User
from django.db import transaction

from cases.events import event_dispatch
from cases.services.common import case_action_require
from common.dates import when_text
from referrals.disclosure import disclosure_build
from referrals.events import REFERRAL_SENT
from referrals.models import Referral, ThresholdDecision, Urgency
from referrals.moves import MOVES
from referrals.services.case_grants import case_grant_on_accept, case_grant_on_close
from referrals.services.casework import (
    referral_complete,
    referral_start,
    referral_update_note,
)
from referrals.services.common import receivers_of
from referrals.services.due_dates import (
    decision_due_at_compute,
    stale_at_compute,
    threshold_applies,
    threshold_due_at_compute,
    victim_support_due_at_compute,
)
from referrals.services.moves import (
    move_begin,
    move_finish,
    people_count,
    text_move_make,
)
from referrals.services.rules import case_open_require, referral_values_get, rules_check
from referrals.services.threshold import threshold_children_open, threshold_decision_record

# The receiver's casework and the threshold decision live in their own modules; they
# are moves all the same, and importable from here.
__all__ = [
    "MOVE_SERVICES",
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
    locked, now = move_begin(actor=actor, referral=referral, name="send")
    case_action_require(actor, MOVES["send"].capability, locked.case)
    case_open_require(locked.case)
    _, shared_fields = rules_check(
        actor=actor, case=locked.case, values=referral_values_get(locked), for_send=True
    )
    locked.shared_fields = shared_fields
    locked.sent_by = actor
    locked.sent_at = now
    locked.decision_due_at = decision_due_at_compute(locked.urgency, now)
    locked.threshold_due_at = threshold_due_at_compute(now) if threshold_applies(locked) else None
    locked.victim_support_due_at = victim_support_due_at_compute(locked)
    # The snapshot is fixed here and never rebuilt: the receiver sees what was sent.
    locked.disclosure = disclosure_build(locked)
    recipients = receivers_of(locked)
    team = f" team {locked.to_team.slug}" if locked.to_team is not None else ""
    sent = move_finish(
        locked,
        actor=actor,
        name="send",
        fields=[
            "shared_fields",
            "sent_by",
            "sent_at",
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
    if sent.threshold_due_at is not None:
        # Each child it is about is owed a threshold decision, due from now.
        threshold_children_open(sent, due_at=sent.threshold_due_at)
    # The duties this referral answers are met with it (welfare's handler).
    event_dispatch(REFERRAL_SENT, referral=sent, actor=actor)
    return sent


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral) -> Referral:
    """The receiver takes it on; the actor owns it from now, and it goes stale
    after 20 working days without an update."""
    locked, now = move_begin(actor=actor, referral=referral, name="accept")
    locked.owner = actor
    locked.decided_at = now
    locked.stale_at = stale_at_compute(now)
    accepted = move_finish(
        locked,
        actor=actor,
        name="accept",
        fields=["owner", "decided_at", "stale_at"],
        message="A referral you sent has been accepted.",
        at=now,
    )
    # A statutory partner works the case from now: it is granted it at once.
    case_grant_on_accept(actor=actor, referral=accepted)
    return accepted


# The moves that take one text (`TEXT_MOVES`): the receiver declines with a reason
# or returns it with a question, the referrer answers the question (it is sent
# again) or withdraws it with a reason.


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    return text_move_make(actor=actor, referral=referral, name="decline", text=reason)


@transaction.atomic
def referral_return(*, actor: User, referral: Referral, question: str) -> Referral:
    return text_move_make(actor=actor, referral=referral, name="return", text=question)


@transaction.atomic
def referral_answer(*, actor: User, referral: Referral, answer: str) -> Referral:
    return text_move_make(actor=actor, referral=referral, name="answer", text=answer)


@transaction.atomic
def referral_withdraw(*, actor: User, referral: Referral, reason: str) -> Referral:
    withdrawn = text_move_make(actor=actor, referral=referral, name="withdraw", text=reason)
    # The grant its acceptance made now ends by itself, as after completion.
    case_grant_on_close(referral=withdrawn)
    return withdrawn


# Each move's service, by its name in the table: what the page and the API call,
# with the fields the move takes (`Move.fields`) as keyword arguments.
MOVE_SERVICES: dict[str, Callable[..., Referral | ThresholdDecision]] = {
    "send": referral_send,
    "accept": referral_accept,
    "decline": referral_decline,
    "return": referral_return,
    "answer": referral_answer,
    "start": referral_start,
    "note": referral_update_note,
    "complete": referral_complete,
    "withdraw": referral_withdraw,
    "threshold": threshold_decision_record,
}
