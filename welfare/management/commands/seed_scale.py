"""`manage.py seed_scale --cases N`: a national dataset on PostgreSQL for the benchmark
(`make bench`) and the plan guards (scripts/plan_guard.py), in the proportions of
issue 15. Per 1,000,000 cases: 5M persons, 5M parties, 5M contacts, 500k
assessments, 200k referrals, 280k duties and 2M access-log entries, spread over the
demo agencies so that the demo users see large scopes (Northshire Police owns 60%
of the cases; the MASH is granted those it accepted referrals for; the MASH and the
charities receive most of the referrals).

Rows go in by COPY through the models' own metadata (welfare.management.scale_copy),
in one transaction: a failed seed leaves nothing behind. The big tables' secondary
indexes are dropped and built again once at the end when the seed at least doubles
the table. Ends with VACUUM ANALYZE."""

import threading
import time
from collections.abc import Sequence

from django.contrib.auth.models import Permission, User
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from agencies.access import CASEWORK
from agencies.models import AccessLogEntry, Agency, Membership, Team
from cases.models import (
    Case,
    CaseGrant,
    CaseGroupObjectPermission,
    CaseParty,
    CaseReferenceCounter,
    ContactLog,
    Person,
)
from referrals.models import Referral
from safeguarding.models import Assessment, CasePriority
from safeguarding.risk_templates import template_get
from welfare.management import scale_copy
from welfare.management.scale_access_log import access_log_seed
from welfare.management.scale_rows import Generator, World
from welfare.models import Duty

# What a chunk writes, in foreign-key order, and the fields the generator gives.
TABLES = (
    ("case", Case),
    ("person", Person),
    ("party", CaseParty),
    ("contact", ContactLog),
    ("assessment", Assessment),
    ("priority", CasePriority),
    ("referral", Referral),
    ("referral_party", Referral.parties.through),
    ("grant", CaseGrant),
    ("case_permission", CaseGroupObjectPermission),
    ("duty", Duty),
)


# The tables whose indexes are rebuilt after a load that at least doubles them.
BIG = ("case", "person", "party", "contact", "assessment", "priority", "referral", "duty")
ACCESS_LOG_PER_CASE = 2


class Command(BaseCommand):
    help = "Fills PostgreSQL with a national dataset (issue 15) for the benchmark and plan guards."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="How many cases to add.")
        parser.add_argument(
            "--seed", type=int, default=15, help="The random seed (same seed, same data)."
        )
        parser.add_argument(
            "--chunk", type=int, default=5000, help="Cases generated per COPY round."
        )
        parser.add_argument(
            "--append",
            action="store_true",
            help="Add to a database that already holds a national dataset.",
        )
        parser.add_argument(
            "--check-keys",
            action="store_true",
            help="Check every foreign key as rows go in (slower). By default the checks "
            "are skipped when the tables have no trigger of their own that would be "
            "skipped with them: the generator only links rows it made or read.",
        )
        parser.add_argument(
            "--no-vacuum", action="store_true", help="Skip the final VACUUM ANALYZE."
        )

    def handle(
        self,
        *args,
        cases: int,
        seed: int,
        chunk: int,
        append: bool,
        check_keys: bool,
        no_vacuum: bool,
        **_,
    ):
        if connection.vendor != "postgresql":
            raise CommandError(
                "seed_scale writes with PostgreSQL's COPY and measures PostgreSQL's plans: "
                "set DATABASE_URL to a PostgreSQL database (SQLite is refused)."
            )
        if cases < 1:
            raise CommandError("--cases must be at least 1.")
        if not Membership.objects.filter(user__username="officer.north").exists():
            self.stdout.write("The demo agencies are missing: running seed_demo first.")
            call_command("seed_demo")
        held = Case.objects.count()
        if held > 1000 and not append:
            raise CommandError(
                f"This database already holds {held:,} cases (a national dataset?). "
                "Pass --append to add more, or seed a fresh database."
            )
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                # Django's foreign keys are deferred to the commit: checked at the end
                # of each COPY instead, the queue of checks never grows with the seed,
                # and the indexes can be rebuilt inside the transaction.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if not check_keys:
                self._foreign_key_checks_skip([model._meta.db_table for _key, model in TABLES])
            world = self._world()
            # Appending draws other values (ids above all) than the first seed did.
            generator = Generator(world, f"{seed}:{held}" if append else seed)
            generator.templates = {
                "victim_needs": template_get("victim_needs", 1),
                "child_safeguarding_concern": template_get("child_safeguarding_concern", 1),
            }
            writers = {
                key: scale_copy.TableWriter(model, self._fields_given(key), warn=self._warn)
                for key, model in TABLES
            }
            log_table = AccessLogEntry._meta.db_table
            rebuild = self._indexes_set_aside(
                {writers[key].table: cases for key in BIG}
                | {log_table: cases * ACCESS_LOG_PER_CASE}
            )
            made = self._cases_write(generator, writers, cases, chunk, started)
            self._counters_save(world)
            self._access_log_triggers(log_table, check_keys)
            entries = access_log_seed(
                generator, made, cases * ACCESS_LOG_PER_CASE, progress=self._log_progress(started)
            )
            if rebuild:
                self.stdout.write(f"Building {len(rebuild)} indexes again...")
                scale_copy.indexes_rebuild(rebuild, self.stdout.write)
            self._progress("indexes", sum(w.written for w in writers.values()) + entries, started)
        rows = sum(w.written for w in writers.values()) + entries
        self.stdout.write(
            self.style.SUCCESS(
                f"Committed {rows:,} rows in {time.monotonic() - started:.0f} s "
                f"({rows / (time.monotonic() - started):,.0f} rows/s): "
                + ", ".join(f"{key} {w.written:,}" for key, w in writers.items())
                + f", access log {entries:,}."
            )
        )
        if not no_vacuum:
            self.stdout.write("VACUUM ANALYZE...")
            vacuum_started = time.monotonic()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"VACUUM ANALYZE took {time.monotonic() - vacuum_started:.0f} s.")
        self.stdout.write(f"seed_scale done in {time.monotonic() - started:.0f} s.")

    # --- the parts

    def _insert_triggers(self, tables: list[str]) -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT c.relname || '.' || t.tgname FROM pg_trigger t
                  JOIN pg_class c ON c.oid = t.tgrelid
                 WHERE NOT t.tgisinternal AND c.relname = ANY(%s)
                   AND (t.tgtype & 4) <> 0
                """,
                [tables],
            )
            return [name for (name,) in cursor.fetchall()]

    def _foreign_key_checks_skip(self, tables: list[str]) -> None:
        """PostgreSQL's replication role "replica" skips the foreign-key checks, but
        also every ordinary trigger: only taken when the seeded tables have none that
        fires on INSERT (a trigger keeping a search column, say, must run)."""
        insert_triggers = self._insert_triggers(tables)
        with connection.cursor() as cursor:
            if insert_triggers:
                self.stdout.write(
                    "Foreign keys checked row by row: these triggers must run: "
                    + ", ".join(insert_triggers)
                )
                return
            cursor.execute("SET LOCAL session_replication_role = replica")
            self.stdout.write("Foreign-key checks skipped for the load (no insert triggers).")

    def _warn(self, message: str) -> None:
        self.stdout.write(self.style.WARNING(message))

    def _fields_given(self, key: str) -> Sequence[str]:
        """The fields the generator fills for a table (learnt from one sample row)."""
        return _FIELDS[key]

    def _world(self) -> World:
        agencies = {a.slug: a for a in Agency.objects.all()}
        teams = {(t.agency.slug, t.slug): t.pk for t in Team.objects.select_related("agency")}
        users = dict(User.objects.values_list("username", "id"))
        staff: dict[str, list[int]] = {}
        for membership in Membership.objects.select_related("agency").filter(role__in=CASEWORK):
            staff.setdefault(membership.agency.slug, []).append(membership.user_id)
        for slug in agencies:
            staff.setdefault(slug, [users["officer.north"]])
        counters = {
            (c.agency.slug, c.year): c.last_number
            for c in CaseReferenceCounter.objects.select_related("agency")
        }
        view_case = Permission.objects.get(codename="view_case", content_type__app_label="cases")
        view_whole = Permission.objects.get(
            codename="view_whole_case", content_type__app_label="cases"
        )
        missing = [a.slug for a in agencies.values() if a.grant_group_id is None]
        if missing:
            raise CommandError(f"Agencies without a grant group: {', '.join(missing)}.")
        return World(agencies, teams, users, staff, view_case.pk, view_whole.pk, counters)

    def _access_log_triggers(self, table: str, check_keys: bool) -> None:
        """The access log's one insert trigger moves its numbers' sequence past an entry
        written with its own number; the seed moves it once at the end instead
        (numbers_catch_up), so the log is written without triggers too, unless it has
        an insert trigger the seed does not know."""
        others = [name for name in self._insert_triggers([table]) if "numbers_follow" not in name]
        if others or check_keys:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")

    def _indexes_set_aside(self, adding: dict[str, int]) -> list[str]:
        # Rebuild a table's indexes when the seed at least doubles it (the widest add
        # about 5 rows per case: at least one per case is doubling enough to compare).
        tables = [
            table
            for table, rows in adding.items()
            if scale_copy.table_rows_up_to(table, rows) < rows
        ]
        if not tables:
            return []
        self.stdout.write(f"Setting aside the secondary indexes of {', '.join(tables)}.")
        return scale_copy.indexes_set_aside(tables)

    def _cases_write(self, generator, writers, cases: int, chunk: int, started: float) -> list:
        """Chunk by chunk: while one chunk is copied (by a thread, on the seed's own
        psycopg connection; PostgreSQL does its share on the other core), the next is
        generated. Nothing else uses the connection meanwhile."""
        out: dict = dict(writers)
        out["cases_made"] = []
        raw = connection.connection
        copying: threading.Thread | None = None
        failed: list[BaseException] = []

        def copy_all(rows: dict[str, list[tuple]]) -> None:
            try:
                for key, _model in TABLES:
                    writers[key].copy(raw, rows[key])
            except BaseException as exc:  # raised again in the seed's own thread
                failed.append(exc)

        done = 0
        while done < cases:
            batch = min(chunk, cases - done)
            for _ in range(batch):
                generator.case(out)
            rows = {key: writers[key].take() for key, _model in TABLES}
            self._copy_wait(copying, failed)
            if done:
                self._progress(f"{done:,} cases", sum(w.written for w in writers.values()), started)
            copying = threading.Thread(target=copy_all, args=(rows,))
            copying.start()
            done += batch
        self._copy_wait(copying, failed)
        self._progress(f"{done:,} cases", sum(w.written for w in writers.values()), started)
        return out["cases_made"]

    @staticmethod
    def _copy_wait(copying: "threading.Thread | None", failed: list[BaseException]) -> None:
        if copying is not None:
            copying.join()
        if failed:
            raise failed[0]

    def _progress(self, what: str, rows: int, started: float) -> None:
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"  {what}: {rows:,} rows in {elapsed:.0f} s ({rows / max(elapsed, 0.001):,.0f} rows/s)"
        )
        self.stdout.flush()

    def _log_progress(self, started: float):
        def report(count: int) -> None:
            self._progress("access log", count, started)

        return report

    def _counters_save(self, world: World) -> None:
        """The next case a person opens must not take a reference the seed used."""
        for (slug, year), number in world.counters.items():
            CaseReferenceCounter.objects.update_or_create(
                agency=world.agency[slug], year=year, defaults={"last_number": number}
            )


_FIELDS: dict[str, Sequence[str]] = {
    "case": [
        "id",
        "owning_agency_id",
        "reference",
        "title",
        "summary",
        "status",
        "closing_reason",
        "lead_officer_id",
        "team_id",
        "source",
        "source_reference",
        "received_on",
        "opened_on",
        "closed_on",
        "created_by_id",
        "created_at",
        "updated_at",
    ],
    "person": [
        "id",
        "recorded_by_agency_id",
        "first_name",
        "last_name",
        "aliases",
        "date_of_birth",
        "gender",
        "address",
        "phone",
        "created_by_id",
        "created_at",
        "updated_at",
    ],
    "party": [
        "id",
        "case_id",
        "person_id",
        "role",
        "compartment",
        "related_to_id",
        "relationship",
        "created_by_id",
        "created_at",
    ],
    "contact": [
        "id",
        "case_id",
        "party_id",
        "contacted_at",
        "channel",
        "direction",
        "made_by_id",
        "summary",
        "created_at",
    ],
    "assessment": [
        "id",
        "case_id",
        "subject_id",
        "template_key",
        "template_version",
        "answers",
        "computed_level",
        "known_factors",
        "total_factors",
        "assessor_id",
        "assessed_at",
        "review_on",
    ],
    "priority": [
        "case_id",
        "agency_id",
        "level",
        "level_rank",
        "band",
        "agency_grade",
        "received_on",
        "action_due_at",
        "actioned_at",
    ],
    "referral": [
        "id",
        "case_id",
        "from_agency_id",
        "created_by_id",
        "to_agency_id",
        "purpose",
        "urgency",
        "state",
        "summary_for_receiver",
        "lawful_basis",
        "sensitive_condition",
        "consent_status",
        "consent_reason",
        "sent_by_id",
        "sent_at",
        "decision_due_at",
        "decided_at",
        "threshold_due_at",
        "victim_support_due_at",
        "stale_at",
        "owner_id",
        "started_at",
        "completed_at",
        "outcome",
        "decline_reason",
        "withdrawn_at",
        "withdraw_reason",
        "last_update_at",
        "created_at",
        "updated_at",
        "disclosure",
    ],
    "referral_party": ("referral_id", "caseparty_id"),
    "grant": [
        "id",
        "case_id",
        "agency_id",
        "reason",
        "granted_by_id",
        "granted_at",
        "source_kind",
        "source_id",
        "source_label",
    ],
    "case_permission": ("permission_id", "group_id", "content_object_id"),
    "duty": [
        "id",
        "case_id",
        "party_id",
        "kind",
        "compartment",
        "trigger",
        "reason",
        "source_key",
        "due_at",
        "agency_id",
        "team_id",
        "responsible_id",
        "status",
        "resolved_at",
        "resolved_by_id",
        "created_at",
    ],
}
