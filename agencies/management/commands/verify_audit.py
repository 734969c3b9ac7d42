from django.core.management.base import BaseCommand, CommandError

from agencies.audit import access_log_verify


class Command(BaseCommand):
    help = (
        "Checks the whole access log hash chain. Exits 0 if it is intact; otherwise "
        "exits 1 and names the first entry that was changed, or the first one missing."
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
