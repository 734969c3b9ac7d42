from django.core.management.base import BaseCommand

from agencies.audit_chain import SEAL_BATCH, access_log_seal


class Command(BaseCommand):
    help = (
        "Seals into the hash chain every access-log entry waiting for it, in batches "
        "(the beat task does this every few seconds; run it after a bulk load)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=SEAL_BATCH)

    def handle(self, *args, batch_size: int, **options):
        sealed = access_log_seal(batch_size=batch_size)
        noun = "entry" if sealed == 1 else "entries"
        self.stdout.write(f"Sealed {sealed} access-log {noun}.", self.style.SUCCESS)
