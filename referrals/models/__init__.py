from referrals.models.concerns import (
    DEFAULT_COMPARTMENT_OF_KIND,
    FIXED_COMPARTMENT_KINDS,
    Concern,
    ConcernKind,
    ConcernState,
)
from referrals.models.documents import ReferralDocument, ReferralDocumentPurpose
from referrals.models.messages import ReferralMessage, ThreadSide
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
    "DEFAULT_COMPARTMENT_OF_KIND",
    "FIXED_COMPARTMENT_KINDS",
    "CompletionOutcome",
    "Concern",
    "ConcernKind",
    "ConcernState",
    "ConsentStatus",
    "LawfulBasis",
    "Referral",
    "ReferralDocument",
    "ReferralDocumentPurpose",
    "ReferralEvent",
    "ReferralMessage",
    "ReferralPurpose",
    "ReferralState",
    "SensitiveCondition",
    "ThreadSide",
    "ThresholdDecision",
    "ThresholdDecisionKind",
    "Urgency",
]
