"""Retention, review and disposal of closed records (issue 19)."""

from records.models.retention import (
    CaseRetention,
    LegalHold,
    LegalHoldKind,
    RetentionReview,
    RetentionRule,
    RetentionState,
    ReviewDecision,
)

__all__ = [
    "CaseRetention",
    "LegalHold",
    "LegalHoldKind",
    "RetentionReview",
    "RetentionRule",
    "RetentionState",
    "ReviewDecision",
]
