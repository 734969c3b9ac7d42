"""Give every closed case without one its retention group and next review date
(cases closed before retention existed, or loaded in bulk). Idempotent."""

from django.core.management.base import BaseCommand

from records.services.retention import retention_schedule_closed_cases


class Command(BaseCommand):
    help = "Schedule the retention review of every closed case that has no schedule yet."

    def handle(self, *args, **options) -> None:
        scheduled = retention_schedule_closed_cases()
        self.stdout.write(f"{scheduled} closed cases scheduled for review.")
