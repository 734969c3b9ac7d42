from django.core.management.base import BaseCommand, CommandError

from agencies.audit_chain import access_log_unsealed, access_log_verify


class Command(BaseCommand):
    help = (
        "Seals the access-log entries waiting to be chained, then checks the whole hash "
        "chain. Exits 0 if it is intact; otherwise exits 1 and names the first sealed "
        "entry that was changed, moved or removed. Warns about entries left unsealed "
        "for too long (the sealer is not running)."
    )

    def handle(self, *args, **options):
        checked, chain_break = access_log_verify()
        if chain_break is not None:
            raise CommandError(
                f"Access log broken at entry #{chain_break.sequence}: {chain_break.problem}.",
                returncode=1,
            )
        noun = "entry" if checked == 1 else "entries"
        self.stdout.write(f"Access log intact: {checked} {noun} checked.", self.style.SUCCESS)
        unsealed = access_log_unsealed()
        if unsealed is not None:
            self.stderr.write(
                f"Warning: {unsealed.count} access-log "
                f"{'entry is' if unsealed.count == 1 else 'entries are'} not sealed into "
                f"the chain and older than the sealer allows (the oldest is "
                f"#{unsealed.oldest_sequence}, at {unsealed.oldest_at.isoformat()}). "
                "Is the sealer running?",
                self.style.WARNING,
            )
