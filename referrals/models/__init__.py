from referrals.models.referral import (
    CompletionOutcome,
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralPurpose,
    ReferralState,
    SensitiveCondition,
    ThresholdDecision,
    ThresholdDecisionKind,
    Urgency,
)

__all__ = [
    "CompletionOutcome",
    "ConsentStatus",
    "LawfulBasis",
    "Referral",
    "ReferralEvent",
    "ReferralPurpose",
    "ReferralState",
    "SensitiveCondition",
    "ThresholdDecision",
    "ThresholdDecisionKind",
    "Urgency",
]
