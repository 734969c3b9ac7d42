"""The threshold decision of a safeguarding hub or children's services on a
safeguarding or strategy-discussion referral (Working Together to Safeguard
Children): due within one working day of being sent, recorded once, and sent back
to the referrer at once."""

from django.contrib.auth.models import User
from django.db import transaction

from common.errors import InvalidState
from referrals.models import Referral, ReferralState, ThresholdDecision, ThresholdDecisionKind
from referrals.services.due_dates import stale_at_compute, threshold_applies
from referrals.services.moves import choice_and_text_required, move_begin, move_finish


@transaction.atomic
def threshold_decision_record(
    *, actor: User, referral: Referral, decision: str, rationale: str
) -> ThresholdDecision:
    """The hub's or children's services' threshold decision on a safeguarding
    referral (Working Together to Safeguard Children), recorded once, and sent
    back to the referrer at once."""
    locked, now = move_begin(actor=actor, referral=referral, name="threshold")
    if not threshold_applies(locked):
        raise InvalidState(
            "Only a safeguarding or strategy-discussion referral to a safeguarding hub or "
            "children's services takes a threshold decision.",
            state=locked.state,
        )
    if ThresholdDecision.objects.filter(referral=locked).exists():
        raise InvalidState(
            "A threshold decision has already been recorded on this referral.",
            state=locked.state,
        )
    decision, rationale = choice_and_text_required(
        decision,
        rationale,
        fields=("decision", "rationale"),
        choices=ThresholdDecisionKind.values,
        missing=("Choose the threshold decision.", "Give the rationale for the decision."),
    )
    entry = ThresholdDecision.objects.create(
        referral=locked, decision=decision, rationale=rationale, decided_by=actor, decided_at=now
    )
    fields = []
    if locked.state in (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS):
        locked.stale_at = stale_at_compute(now)
        fields.append("stale_at")
    move_finish(
        locked,
        actor=actor,
        name="threshold",
        fields=fields,
        message="A threshold decision has been recorded on a referral you sent.",
        note=f"{ThresholdDecisionKind(decision).label}: {rationale}",
        at=now,
    )
    return entry
