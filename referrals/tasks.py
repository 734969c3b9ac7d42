"""Celery tasks of referrals: thin and idempotent."""

from celery import shared_task

from referrals.deadlines import concern_escalations_sweep, referral_deadlines_sweep


@shared_task(name="referrals.tasks.deadlines_sweep")
def referral_deadlines_sweep_task() -> dict[str, int]:
    """Run by beat every 15 minutes, so that the two-hour "due soon" warning is
    never missed. A second run notifies nobody twice."""
    return referral_deadlines_sweep()


@shared_task(name="referrals.tasks.concern_escalations_sweep")
def concern_escalations_sweep_task() -> dict[str, int]:
    """Run by beat every 5 minutes: an urgent concern is escalated at most five
    minutes after its two clock hours pass. A second run notifies nobody twice."""
    return concern_escalations_sweep()
