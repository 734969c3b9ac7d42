"""Folding reports into intake items.

PLACEHOLDER (owned by the bundling/triage/deconfliction work, which replaces this
body): every report becomes an item of its own, with an unknown level and the
default targets. The import calls `reports_bundle` once per batch of new reports,
inside the batch's transaction, after the reports and their identifiers are saved.
"""

from agencies.working_days import add_working_days
from intake.models import IntakeItem, IntakeReport

PRESERVATION_WORKING_DAYS = 5


def reports_bundle(*, reports: list[IntakeReport]) -> None:
    for report in reports:
        item = IntakeItem.objects.create(
            agency_id=report.agency_id,
            received_at=report.received_at,
            report_count=1,
            youngest_age=report.youngest_age,
            action_due_at=add_working_days(report.received_at, 5),
            preservation_due_at=add_working_days(report.received_at, PRESERVATION_WORKING_DAYS),
        )
        report.item = item
        report.save(update_fields=["item"])
