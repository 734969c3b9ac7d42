from referrals.models.concerns import (
    DEFAULT_COMPARTMENT_OF_KIND,
    FIXED_COMPARTMENT_KINDS,
    Concern,
    ConcernKind,
    ConcernState,
)
from referrals.models.documents import ReferralDocument, ReferralDocumentPurpose
from referrals.models.messages import ReferralMessage, ThreadSide
from referrals.models.purposes import (
    PURPOSES,
    Purpose,
    ReferralPurpose,
    default_fields_for,
    purpose_fits,
    receiver_kind,
)
from referrals.models.referral import (
    CompletionOutcome,
    ConsentStatus,
    LawfulBasis,
    Referral,
    ReferralEvent,
    ReferralState,
    SensitiveCondition,
    ThresholdDecisionKind,
    Urgency,
)
from referrals.models.threshold import ThresholdDecision

__all__ = [
    "DEFAULT_COMPARTMENT_OF_KIND",
    "FIXED_COMPARTMENT_KINDS",
    "PURPOSES",
    "CompletionOutcome",
    "Concern",
    "ConcernKind",
    "ConcernState",
    "ConsentStatus",
    "LawfulBasis",
    "Purpose",
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
    "default_fields_for",
    "purpose_fits",
    "receiver_kind",
]
