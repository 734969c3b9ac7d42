"""`make bench-intake` (issue 17's volume): a generated package of 10,000 reports
imported on PostgreSQL, as officer.north would import it, measured.

1. The demo agencies (seed_demo, when they are missing) and a few Southshire cases
   whose suspects hold identifiers that some of the package's reports carry: those
   reports are deconflicted against another force.
2. The previous run's package is removed (its reports, items, identifiers and
   rejections), so that each run starts from the same index, and the import's tables
   are vacuumed and analysed (as autovacuum keeps a live database).
3. The package is generated to a file under var/bench/ (streamed: nothing held in
   memory), about 5% of its reports sharing identifiers and 1% malformed, and
   uploaded through the service (`package_upload`).
4. The import (`package_import`) runs in a process of its own (forked), with DEBUG
   off as in production, so that its peak memory is its own: the figures are the
   wall time of that process, reports per second, the import process's peak resident
   memory (its rusage ru_maxrss) and this process's (removing the previous run,
   generation and upload).

A line goes to var/bench/intake-<time>.md. `--profile` runs the import in this
process under cProfile instead, and prints where the time goes.
"""

import cProfile
import io
import os
import pstats
import re
import resource
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from cases.models import Case, Identifier, IdentifierKind
from cases.services.cases import case_create
from cases.services.identifiers import party_identifier_add
from cases.services.people import party_add_for_person
from intake.demo_package import NORTHSHIRE_POSTCODES, OtherForceIdentifier, package_lines
from intake.models import DeconflictionHit, IntakeItem, IntakePackage, IntakeReport
from intake.services.packages import package_import, package_upload

BENCH_KEY_PREFIX = "bench-intake-"
SOUTH_CASES = 5
SOUTH_CASE_KEY = "BENCH-INTAKE-SOUTH-{n}"
OUT = Path(settings.BASE_DIR) / "var" / "bench"


@dataclass
class BenchFigures:
    reports: int
    seconds: float
    accepted: int
    rejected: int
    duplicates: int
    items: int
    bundled_items: int
    hits: int
    critical: int
    import_peak_mb: float
    import_cpu_seconds: float
    process_peak_mb: float
    file_mb: float
    database: str
    # The machine's load average (1 minute) as the import ended: the machine is shared.
    load: float = 0.0

    @property
    def per_second(self) -> float:
        return self.reports / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        return [
            f"Imported {self.reports:,} reports in {self.seconds:.1f} s: "
            f"{self.per_second:,.0f} reports a second ({self.database}); the import's "
            f"process used {self.import_cpu_seconds:.1f} s of CPU (the rest: waiting on "
            "the database, or for a core).",
            f"Peak memory: the import's process {self.import_peak_mb:.0f} MB; "
            f"this process (removing the previous run, generation and upload) "
            f"{self.process_peak_mb:.0f} MB "
            "(ru_maxrss, resident).",
            f"Accepted {self.accepted:,}, rejected {self.rejected:,}, "
            f"duplicates {self.duplicates:,}; items {self.items:,} "
            f"({self.bundled_items:,} bundles of 2 or more), critical {self.critical:,}, "
            f"deconfliction hits {self.hits:,}. Package {self.file_mb:.1f} MB. "
            f"Load average as it ended: {self.load:.1f} on {os.cpu_count()} cores.",
            "Target: 10,000 reports in under 60 s, peak under 500 MB: "
            + ("met." if self.seconds < 60 and self.import_peak_mb < 500 else "MISSED."),
        ]

    def markdown(self, when: datetime) -> str:
        return (
            f"| {when:%Y-%m-%d %H:%M} UTC | {self.reports:,} | {self.seconds:.1f} s "
            f"| {self.per_second:,.0f}/s | {self.import_cpu_seconds:.0f} s "
            f"| {self.import_peak_mb:.0f} MB "
            f"| {self.process_peak_mb:.0f} MB | {self.accepted:,} | {self.rejected:,} "
            f"| {self.duplicates:,} | {self.items:,} | {self.bundled_items:,} "
            f"| {self.hits:,} | {self.load:.1f} | {self.database} |"
        )


MARKDOWN_HEADER = (
    "| when | reports | import time | rate | import CPU | import peak RSS | process peak RSS "
    "| accepted | rejected | duplicates | items | bundles | hits | load | database |\n"
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
)


def _mb(kilobytes: int) -> float:
    # ru_maxrss is in kilobytes on Linux.
    return kilobytes / 1024


def _user(username: str) -> User:
    return User.objects.select_related("membership__agency", "membership__team").get(
        username=username
    )


def south_cases_seed(count: int = SOUTH_CASES) -> list[OtherForceIdentifier]:
    """Southshire cases (idempotent) whose suspects each hold an email address, and
    those addresses: the package's other-force identifiers."""
    investigator = _user("investigator.south")
    held = []
    for n in range(1, count + 1):
        key = SOUTH_CASE_KEY.format(n=n)
        email = f"bench.suspect.{n}@example.org"
        held.append(OtherForceIdentifier(IdentifierKind.EMAIL, email))
        if Case.objects.filter(owning_agency__slug="southshire-police", source_reference=key):
            continue
        with transaction.atomic():
            received = timezone.localdate() - timedelta(days=30 + n)
            case = case_create(
                actor=investigator,
                title=f"Benchmark: images shared online ({n})",
                source="nca_industry_report",
                source_reference=key,
                received_on=received,
                opened_on=received,
                lead_officer=investigator,
                team=investigator.membership.team,
            )
            suspect = party_add_for_person(
                actor=investigator,
                case=case,
                person=None,
                new_person={
                    "first_name": "Bench",
                    "last_name": f"Suspect{n}",
                    "date_of_birth": date(1980, 1, n),
                    "gender": "male",
                },
                role="suspect",
            )
            party_identifier_add(
                actor=investigator, party=suspect, kind=IdentifierKind.EMAIL, given=email
            )
    return held


def previous_runs_remove(*, agency_slug: str = "northshire-police") -> int:
    """The earlier runs' packages and all they made; how many packages."""
    packages = IntakePackage.objects.filter(
        agency__slug=agency_slug, idempotency_key__startswith=BENCH_KEY_PREFIX
    )
    if not packages.exists():
        return 0
    with transaction.atomic():
        reports = IntakeReport.objects.filter(package__in=packages)
        item_ids = set(reports.exclude(item=None).values_list("item_id", flat=True))
        Identifier.objects.filter(report_id__in=reports.values("id")).delete()
        reports.delete()
        # Items left without a report go, with their hits; an item that also holds
        # another package's reports stays.
        IntakeItem.objects.filter(pk__in=item_ids, reports=None).delete()
        return packages.delete()[1].get("intake.IntakePackage", 0)


# The tables the import reads and writes.
VACUUMED = (
    "cases_identifier",
    "intake_intakereport",
    "intake_intakeitem",
    "intake_deconflictionhit",
    "intake_intakerejection",
)


def tables_vacuum(write: Callable[[str], None]) -> None:
    """VACUUM ANALYZE the import's tables, as autovacuum keeps a live database: on
    statistics older than the rows (a fresh bench database, or just after the previous
    run was removed) the planner misjudges the identifier index's lookups."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in VACUUMED:
            cursor.execute(f"VACUUM ANALYZE {table}")
    write(f"VACUUM ANALYZE: {', '.join(VACUUMED)}.")


def package_write(
    path: Path, *, count: int, seed: int, namespace: str, held: list[OtherForceIdentifier]
) -> int:
    """The package, line by line to `path`; its size in bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for line in package_lines(
            count=count,
            seed=seed,
            agency_area_postcodes=NORTHSHIRE_POSTCODES,
            share_rate=0.05,
            malformed_rate=0.01,
            duplicates=count // 200,
            critical=max(1, count // 2000),
            hits=max(len(held), count // 200),
            other_force_identifiers=held,
            now=timezone.now(),
            package_reference=f"NCA-BENCH-{namespace.upper()}",
            namespace=namespace,
        ):
            out.write(line)
            out.write("\n")
    return path.stat().st_size


def _import_forked(package_id: uuid.UUID) -> tuple[float, int, float]:
    """package_import in a child process: its wall time, peak RSS (kB) and CPU time."""
    connections.close_all()
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover: the child
        status = 0
        try:
            settings.DEBUG = False  # as in production: no query log
            package_import(package_id=package_id)
        except BaseException:  # reported through the exit status
            import traceback

            traceback.print_exc()
            status = 1
        finally:
            connections.close_all()
            os._exit(status)
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("The import failed: see its traceback above.")
    return seconds, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


_STATEMENT = re.compile(
    r"^\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b.*?"
    r"(?:\bFROM\s+|INTO\s+|UPDATE\s+|DELETE FROM\s+)\"?([a-z_]+)\"?",
    re.IGNORECASE | re.DOTALL,
)


class _QueryTimes:
    """The database's share of the import: time and count by statement and table."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.count: dict[str, int] = defaultdict(int)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        match = _STATEMENT.match(sql)
        key = f"{match.group(1).upper()} {match.group(2)}" if match else sql[:40]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds[key] += time.perf_counter() - started
            self.count[key] += 1

    def lines(self, limit: int = 15) -> list[str]:
        total = sum(self.seconds.values())
        rows = sorted(self.seconds.items(), key=lambda pair: -pair[1])[:limit]
        return [f"Queries: {sum(self.count.values()):,}, {total:.1f} s in all; the slowest:"] + [
            f"  {seconds:7.2f} s {self.count[key]:6,} x {key}" for key, seconds in rows
        ]


def _import_profiled(
    package_id: uuid.UUID, write: Callable[[str], None]
) -> tuple[float, int, float]:
    settings.DEBUG = False
    profile = cProfile.Profile()
    queries = _QueryTimes()
    cpu = time.process_time()
    started = time.perf_counter()
    with connection.execute_wrapper(queries):
        profile.runcall(package_import, package_id=package_id)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text).sort_stats("cumulative")
    stats.print_stats(40)
    write(text.getvalue())
    write("\n".join(queries.lines()))
    return seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, cpu


def intake_bench(
    *, count: int = 10_000, seed: int = 1017, profile: bool = False, write: Callable[[str], None]
) -> BenchFigures:
    when = datetime.now(UTC)
    namespace = f"b{when:%Y%m%d%H%M%S}"
    held = south_cases_seed()
    removed = previous_runs_remove()
    if removed:
        write(f"Removed {removed} earlier benchmark package(s) and what they made.")
    tables_vacuum(write)
    path = OUT / f"intake-{when:%Y%m%dT%H%M%S}.jsonl"
    size = package_write(path, count=count, seed=seed, namespace=namespace, held=held)
    write(f"Generated {count:,} reports ({size / 1e6:.1f} MB) in {path}.")
    officer = _user("officer.north")
    with path.open("rb") as stream:
        package = package_upload(
            actor=officer,
            file_name=path.name,
            stream=stream,
            content_type="application/x-ndjson",
            size=size,
            idempotency_key=f"{BENCH_KEY_PREFIX}{namespace}",
            queue_import=False,
        )
    write(f"Uploaded; importing package {package.pk}...")
    if profile:
        seconds, import_peak, cpu = _import_profiled(package.pk, write)
    else:
        seconds, import_peak, cpu = _import_forked(package.pk)
    package.refresh_from_db()
    items = (
        IntakeItem.objects.filter(reports__package=package)
        .annotate(n=Count("reports"))
        .values_list("n", "band")
    )
    sizes = list(items)
    hits = DeconflictionHit.objects.filter(item__reports__package=package).distinct().count()
    path.unlink(missing_ok=True)
    return BenchFigures(
        reports=count,
        seconds=seconds,
        accepted=package.accepted,
        rejected=package.rejected,
        duplicates=package.duplicates,
        items=len(sizes),
        bundled_items=sum(1 for n, _ in sizes if n > 1),
        hits=hits,
        critical=sum(1 for _, band in sizes if band == 0),
        import_peak_mb=_mb(import_peak),
        import_cpu_seconds=cpu,
        process_peak_mb=_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss),
        file_mb=size / 1e6,
        database=f"{connection.vendor} {connection.settings_dict.get('NAME')}",
        load=os.getloadavg()[0],
    )


def figures_record(figures: BenchFigures, *, when: datetime | None = None) -> Path:
    when = when or datetime.now(UTC)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"intake-{when:%Y%m%dT%H%M%S}.md"
    path.write_text(
        "# make bench-intake\n\n"
        + MARKDOWN_HEADER
        + "\n"
        + figures.markdown(when)
        + "\n\n"
        + "\n".join(figures.lines())
        + "\n",
        encoding="utf-8",
    )
    return path
