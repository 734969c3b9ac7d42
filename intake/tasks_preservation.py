"""Thin, idempotent Celery task: the sweep of the preservation duty (a request to the
service provider owed within 5 working days of an item's receipt)."""

from celery import shared_task

from intake.services.preservation import preservation_sweep as _preservation_sweep


@shared_task(name="intake.tasks_preservation.preservation_sweep")
def preservation_sweep() -> dict[str, int]:
    """Every 15 minutes: preservation requests due within a working day, or overdue,
    told to the agency's intake supervisors. Running it twice tells nobody twice."""
    return _preservation_sweep()
