"""The receiver's casework on an accepted referral: starting it, progress notes
that go back to the referrer, and completion with an outcome and a summary for
the referrer, so that the loop always closes."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from common.errors import ValidationError
from referrals.models import CompletionOutcome, Referral, ReferralState
from referrals.services.case_grants import case_grant_on_close
from referrals.services.common import RECEIVER
from referrals.services.due_dates import stale_at_from
from referrals.services.moves import move_begin, move_finish, text_required


@transaction.atomic
def referral_start(*, actor: User, referral: Referral) -> Referral:
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.referral.receive",
        allowed_from=frozenset({ReferralState.ACCEPTED}),
        verb="start",
    )
    now = timezone.now()
    locked.state = ReferralState.IN_PROGRESS
    locked.started_at = now
    locked.last_update_at = now
    locked.stale_at = stale_at_from(now)
    return move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="started",
        from_state=ReferralState.ACCEPTED,
        fields=["started_at", "last_update_at", "stale_at"],
        message="Work has started on a referral you sent.",
        at=now,
    )


@transaction.atomic
def referral_update_note(*, actor: User, referral: Referral, note: str) -> Referral:
    """A progress note from the receiver: it goes back to the referrer, and restarts
    the 20 working days after which the referral is stale."""
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.referral.receive",
        allowed_from=frozenset({ReferralState.ACCEPTED, ReferralState.IN_PROGRESS}),
        verb="update",
    )
    note = text_required(note, field="note", missing="Write the update for the referrer.")
    now = timezone.now()
    locked.last_update_at = now
    locked.stale_at = stale_at_from(now)
    return move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="progress_noted",
        from_state=locked.state,
        fields=["last_update_at", "stale_at"],
        message="There is a progress update on a referral you sent.",
        note=note,
        at=now,
    )


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, outcome: str, summary: str) -> Referral:
    """Close the loop: an outcome and a summary written for the referrer, who is
    told at once."""
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.referral.receive",
        allowed_from=frozenset({ReferralState.IN_PROGRESS}),
        verb="complete",
    )
    errors: dict[str, list[str]] = {}
    if not outcome:
        errors["outcome"] = ["Choose the outcome."]
    elif outcome not in CompletionOutcome.values:
        errors["outcome"] = [f"Choose one of: {', '.join(CompletionOutcome.values)}."]
    try:
        summary = text_required(
            summary, field="summary", missing="Write a summary of the outcome for the referrer."
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    locked.state = ReferralState.COMPLETED
    locked.outcome = outcome
    locked.outcome_summary = summary
    locked.completed_at = now
    locked.last_update_at = now
    completed = move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="completed",
        from_state=ReferralState.IN_PROGRESS,
        fields=["outcome", "outcome_summary", "completed_at", "last_update_at"],
        message="A referral you sent has been completed. The outcome is on the referral.",
        note=summary,
        at=now,
    )
    # The grant its acceptance made ends by itself 20 working days from now.
    case_grant_on_close(referral=completed)
    return completed
