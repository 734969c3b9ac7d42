"""The receiver's casework on an accepted referral: starting it, progress notes
that go back to the referrer, and completion with an outcome and a summary for
the referrer, so that the loop always closes."""

from django.contrib.auth.models import User
from django.db import transaction

from referrals.models import CompletionOutcome, Referral
from referrals.services.case_grants import case_grant_on_close
from referrals.services.due_dates import stale_at_compute
from referrals.services.moves import (
    choice_and_text_required,
    move_begin,
    move_finish,
    text_move_make,
)


@transaction.atomic
def referral_start(*, actor: User, referral: Referral) -> Referral:
    locked, now = move_begin(actor=actor, referral=referral, name="start")
    locked.started_at = now
    locked.stale_at = stale_at_compute(now)
    return move_finish(
        locked,
        actor=actor,
        name="start",
        fields=["started_at", "stale_at"],
        message="Work has started on a referral you sent.",
        at=now,
    )


@transaction.atomic
def referral_update_note(*, actor: User, referral: Referral, note: str) -> Referral:
    """A progress note from the receiver: it goes back to the referrer, and restarts
    the 20 working days after which the referral is stale."""
    return text_move_make(actor=actor, referral=referral, name="note", text=note)


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, outcome: str, summary: str) -> Referral:
    """Close the loop: an outcome and a summary written for the referrer, who is
    told at once."""
    locked, now = move_begin(actor=actor, referral=referral, name="complete")
    locked.outcome, locked.outcome_summary = choice_and_text_required(
        outcome,
        summary,
        fields=("outcome", "summary"),
        choices=CompletionOutcome.values,
        missing=("Choose the outcome.", "Write a summary of the outcome for the referrer."),
    )
    locked.completed_at = now
    completed = move_finish(
        locked,
        actor=actor,
        name="complete",
        fields=["outcome", "outcome_summary", "completed_at"],
        message="A referral you sent has been completed. The outcome is on the referral.",
        note=locked.outcome_summary,
        at=now,
    )
    # The grant its acceptance made ends by itself 20 working days from now.
    case_grant_on_close(referral=completed)
    return completed
