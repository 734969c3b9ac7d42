"""Celery tasks of intake: thin and idempotent; each calls one service."""

from celery import shared_task

from intake.models import PackageState
from intake.services.packages import package_import as _package_import
from intake.services.packages import packages_raw_dispose_sweep as _dispose_sweep

# Well inside CELERY_TASK_TIME_LIMIT (300 s): a large package is imported by a chain
# of tasks, each taking up where the last one's committed batches end.
IMPORT_BUDGET_SECONDS = 200


@shared_task(
    name="intake.tasks.package_import",
    acks_late=True,
    # A batch that failed (the database went away) rolled back whole: trying again
    # resumes after the last committed batch.
    autoretry_for=(Exception,),
    retry_backoff=30,
    max_retries=5,
)
def package_import(package_id: str) -> dict[str, int | str]:
    """Import one uploaded package. A worker killed midway leaves the batches it
    committed; the task run again (acks_late) resumes after them, without duplicates.
    An imported package is left as it is."""
    package = _package_import(package_id=package_id, budget_seconds=IMPORT_BUDGET_SECONDS)
    if package.state == PackageState.IMPORTING:
        package_import.apply_async(args=[str(package.pk)])
    return {
        "state": package.state,
        "processed": package.processed,
        "accepted": package.accepted,
        "rejected": package.rejected,
        "duplicates": package.duplicates,
    }


@shared_task(name="intake.tasks.packages_raw_dispose_sweep")
def packages_raw_dispose_sweep() -> int:
    """Run by beat: the raw file of each package whose every report has been decided
    is disposed of, and the log says so. Idempotent."""
    return _dispose_sweep()
