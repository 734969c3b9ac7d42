"""The threshold decision of a safeguarding hub or children's services on a
safeguarding or strategy-discussion referral (Working Together to Safeguard
Children): due within one working day of being sent, recorded once, and sent back
to the referrer at once."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from common.errors import InvalidState, ValidationError
from referrals.models import Referral, ReferralState, ThresholdDecision, ThresholdDecisionKind
from referrals.services.common import RECEIVER
from referrals.services.due_dates import stale_at_from, threshold_applies
from referrals.services.moves import move_begin, move_finish, text_required


@transaction.atomic
def threshold_decision_record(
    *, actor: User, referral: Referral, decision: str, rationale: str
) -> ThresholdDecision:
    """The hub's or children's services' threshold decision on a safeguarding
    referral (Working Together to Safeguard Children), recorded once, and sent
    back to the referrer at once."""
    locked = move_begin(
        actor=actor,
        referral=referral,
        side=RECEIVER,
        capability="referrals.threshold.record",
        allowed_from=frozenset(
            {ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.IN_PROGRESS}
        ),
        verb="record a threshold decision on",
    )
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
    errors: dict[str, list[str]] = {}
    if not decision:
        errors["decision"] = ["Choose the threshold decision."]
    elif decision not in ThresholdDecisionKind.values:
        errors["decision"] = [f"Choose one of: {', '.join(ThresholdDecisionKind.values)}."]
    try:
        rationale = text_required(
            rationale, field="rationale", missing="Give the rationale for the decision."
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    entry = ThresholdDecision.objects.create(
        referral=locked, decision=decision, rationale=rationale, decided_by=actor, decided_at=now
    )
    locked.last_update_at = now
    fields = ["last_update_at"]
    if locked.state in (ReferralState.ACCEPTED, ReferralState.IN_PROGRESS):
        locked.stale_at = stale_at_from(now)
        fields.append("stale_at")
    move_finish(
        locked,
        actor=actor,
        side=RECEIVER,
        action="threshold_decided",
        from_state=locked.state,
        fields=fields,
        message="A threshold decision has been recorded on a referral you sent.",
        note=f"{ThresholdDecisionKind(decision).label}: {rationale}",
        at=now,
    )
    return entry
