"""Thin, idempotent Celery task: the sweep of subject access deadlines."""

from celery import shared_task

from subject_access.services.deadlines import subject_access_sweep


@shared_task(name="subject_access.tasks.deadlines_sweep")
def deadlines_sweep() -> dict[str, int]:
    """Every 15 minutes: requests due within five working days, or overdue, told once
    to their handler (and, overdue, to the agency's records managers)."""
    return subject_access_sweep()
