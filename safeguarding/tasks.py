"""Celery tasks of safeguarding: thin and idempotent."""

from celery import shared_task

from safeguarding.deadlines import deadlines_sweep


@shared_task(name="safeguarding.tasks.deadlines_sweep")
def deadlines_sweep_task() -> dict[str, int]:
    """Run by beat every 15 minutes. A second run notifies nobody twice."""
    return deadlines_sweep()
