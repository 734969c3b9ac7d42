from referrals.services.drafts import referral_create, referral_update
from referrals.services.transitions import (
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

__all__ = [
    "referral_accept",
    "referral_answer",
    "referral_complete",
    "referral_create",
    "referral_decline",
    "referral_return",
    "referral_send",
    "referral_start",
    "referral_update",
    "referral_update_note",
    "referral_withdraw",
    "threshold_decision_record",
]
