"""Celery tasks of cases: thin and idempotent."""

from celery import shared_task

from cases.reminders import reminders_sweep as _reminders_sweep
from cases.services.grants import grants_expire
from cases.services.stored_files import stored_files_orphans_sweep as orphans_sweep


@shared_task(name="cases.tasks.grants_expiry_sweep")
def grants_expiry_sweep_task() -> int:
    """Run by beat every 15 minutes: a grant whose time after its referral ran out
    ends, and its holders and the case's lead officer are told. A second run ends
    and tells nobody again."""
    return grants_expire()


@shared_task(name="cases.tasks.stored_files_orphans_sweep")
def stored_files_orphans_sweep() -> dict[str, int]:
    """Stored document files that no row names (an outer transaction rolled back),
    deleted once old enough. Idempotent."""
    return orphans_sweep()


@shared_task(name="cases.tasks.reminders_sweep")
def reminders_sweep() -> dict[str, int]:
    """Every 15 minutes: whoever logged a contact is reminded on the day its next
    contact is due (unless a later one with that party is logged), and a task's
    assignee when it is due today and once overdue. Running it twice tells nobody
    twice."""
    return _reminders_sweep()
