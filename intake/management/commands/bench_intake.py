"""`manage.py bench_intake` (`make bench-intake`): a generated package of 10,000
reports imported on PostgreSQL, timed and its peak memory measured (intake.bench)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from agencies.models import Membership
from intake.bench import figures_record, intake_bench


class Command(BaseCommand):
    help = (
        "Imports a generated package of 10,000 reports (5% sharing identifiers, 1% "
        "malformed, some held on another force's case) and prints reports a second and "
        "peak memory. Run on PostgreSQL: make bench-intake."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1017)
        parser.add_argument(
            "--profile",
            action="store_true",
            help="Import in this process under cProfile and print where the time goes.",
        )
        parser.add_argument(
            "--allow-sqlite", action="store_true", help="For a quick try only: not the figure."
        )

    def handle(self, *args, reports: int, seed: int, profile: bool, allow_sqlite: bool, **_):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "The intake benchmark measures PostgreSQL: set DATABASE_URL to a PostgreSQL "
                "database (make bench-intake uses BENCH_DATABASE_URL)."
            )
        if reports < 1:
            raise CommandError("--reports must be at least 1.")
        if not Membership.objects.filter(user__username="officer.north").exists():
            self.stdout.write("The demo agencies are missing: running seed_demo first.")
            call_command("seed_demo")
        figures = intake_bench(count=reports, seed=seed, profile=profile, write=self.stdout.write)
        for line in figures.lines():
            self.stdout.write(line)
        path = figures_record(figures)
        self.stdout.write(self.style.SUCCESS(f"Written to {path}."))
