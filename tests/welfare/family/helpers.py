"""Helpers for the family-support tests: an arrest and referrals recorded through
the real services, with the clock standing still."""

from cases.services.events import investigation_event_record
from referrals.models import ReferralPurpose
from tests.referrals import MONDAY_MORNING, at, frozen, sent

__all__ = ["MONDAY_MORNING", "arrest", "at", "frozen", "refer"]


def arrest(membership, case, suspect, moment=MONDAY_MORNING, kind="arrested"):
    """Record an arrest (or a search) at `moment`, with the clock standing there."""
    with frozen(moment):
        return investigation_event_record(
            actor=membership.user, case=case, suspect=suspect, kind=kind, occurred_at=moment
        )


def refer(membership, case, to_agency, parties, purpose, **overrides):
    """A referral sent through the real services, a little after the arrest."""
    with frozen(at(2026, 3, 2, 11, 0)):
        return sent(
            membership,
            case,
            to_agency,
            parties,
            purpose=getattr(ReferralPurpose, purpose.upper()),
            **overrides,
        )
