"""Thin, idempotent Celery tasks: the sweeps of duties of care and staff welfare."""

from celery import shared_task

from welfare.deadlines import duties_sweep as _duties_sweep
from welfare.staff_deadlines import staff_welfare_sweep


@shared_task(name="welfare.tasks.duties_sweep")
def duties_sweep() -> dict[str, int]:
    """Every 15 minutes: duties due soon or missed (victim updates, family duties,
    the 48-hour check, welfare contacts), bail about to end, and staff debriefs and
    welfare reviews that are due. Running it twice tells nobody twice."""
    duties, staff = _duties_sweep(), staff_welfare_sweep()
    counts = {**duties, **staff}
    counts["notifications"] = duties.get("notifications", 0) + staff.get("notifications", 0)
    return counts
