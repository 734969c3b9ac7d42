"""Plan guards (issue 15): the lists users open daily keep using their indexes.

On PostgreSQL holding a national dataset (`manage.py seed_scale --cases 50000`, then
ANALYZE), this builds each list's query through the real selectors, as the demo user
who opens it, with the page's ordering and LIMIT, and runs EXPLAIN (ANALYZE, FORMAT
JSON) on it. A plan fails when it reads a big table by a sequential scan, or sorts
on disk ("Sort Method: external ..."). Each plan's verdict is printed; the exit code
is 1 if any failed. Not a pytest test: the normal suite has no national dataset.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tl_plans DEBUG=1 \\
        .venv/bin/python scripts/plan_guard.py [--verbose] [--only NAME ...]

Whatever the selectors write while building a list (the access log's entry for a
read) is rolled back: the guard leaves the database as it found it.
"""

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection, transaction  # noqa: E402

# One page of each list, as its API pages it (a page of 25, one more to know if a
# next page exists).
PAGE = 26
# The big tables of a national dataset: never read whole.
BIG_MODELS = (
    "cases.Case",
    "cases.Person",
    "cases.CaseParty",
    "cases.ContactLog",
    "agencies.AccessLogEntry",
    "referrals.Referral",
    "welfare.Duty",
    "safeguarding.Assessment",
    "safeguarding.CasePriority",
)


def big_tables() -> set[str]:
    from django.apps import apps

    return {apps.get_model(label)._meta.db_table for label in BIG_MODELS}


def user(username: str) -> User:
    return User.objects.get(username=username)


def a_reference() -> str:
    """A reference of one of the force's cases, from the middle of its range."""
    from cases.models import Case

    references = Case.objects.filter(owning_agency__slug="northshire-police").order_by("reference")
    count = references.count()
    return references.values_list("reference", flat=True)[count // 2]


def a_surname() -> str:
    """A fairly common surname (the 41st most common), as the benchmark searches."""
    from django.db.models import Count

    from cases.models import Person

    common = (
        Person.objects.values("last_name")
        .annotate(people=Count("id"))
        .order_by("-people", "last_name")
        .values_list("last_name", flat=True)
    )
    return common[40:41].first() or "Smith"


def _lists() -> dict[str, Callable]:
    from agencies.selectors import access_log_list
    from cases.selectors import case_list
    from referrals.selectors import inbox_list
    from safeguarding.models import CasePriority
    from safeguarding.selectors import queue_list
    from welfare.case_list_columns import open_duties_of_cases
    from welfare.models import VICTIM_DUTIES
    from welfare.selectors.duties import duty_list

    officer = lambda: user("officer.north")  # noqa: E731
    return {
        "case list, first page (officer.north)": lambda: case_list(actor=officer(), filters={}),
        # The case list page (#18): open cases by default, and either order by the
        # date received (the longest waiting first is the same index read backwards).
        "case list, open cases, newest first (officer.north)": lambda: case_list(
            actor=officer(), filters={"status": "open"}
        ),
        "case list, open cases, oldest first (officer.north)": lambda: case_list(
            actor=officer(), filters={"status": "open", "ordering": "received_on"}
        ),
        "case list, closed cases, oldest first (officer.north)": lambda: case_list(
            actor=officer(), filters={"status": "closed", "ordering": "received_on"}
        ),
        "case list, all cases, oldest first (officer.north)": lambda: case_list(
            actor=officer(), filters={"ordering": "received_on"}
        ),
        # Its columns, read for the first page's 25 cases: the shared level, and the
        # open duties (each case's next one shown).
        "case list's levels (officer.north)": lambda: CasePriority.objects.filter(
            case_id__in=list(
                case_list(actor=officer(), filters={"status": "open"}).values_list("pk", flat=True)[
                    :25
                ]
            )
        ).values_list("case_id", "level", "agency_grade"),
        "case list's next duties (officer.north)": lambda: open_duties_of_cases(
            officer(),
            list(
                case_list(actor=officer(), filters={"status": "open"}).values_list("pk", flat=True)[
                    :25
                ]
            ),
        ),
        "case search by name (officer.north)": lambda: case_list(
            actor=officer(), filters={"q": a_surname()}
        ),
        "case search by reference (officer.north)": lambda: case_list(
            actor=officer(), filters={"q": a_reference()}
        ),
        # An email is tried as an email, a username and a reference number (#17): the
        # identifiers' cases are gathered by the index identifier_value, beside the rest.
        "case search by identifier (officer.north)": lambda: case_list(
            actor=officer(), filters={"q": "jo.bloggs@example.com"}
        ),
        "work queue (officer.north)": lambda: queue_list(actor=officer(), filters={}),
        "referral inbox (coordinator.mash)": lambda: inbox_list(actor=user("coordinator.mash")),
        "victim updates due (officer.north)": lambda: duty_list(
            actor=officer(), filters={"due": "week", "whose": "mine"}, kinds=VICTIM_DUTIES
        ),
        "access log (auditor.north)": lambda: access_log_list(
            actor=user("auditor.north"), filters={}
        ),
    }


def nodes(plan: dict) -> Iterator[dict]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def problems_of(plan: dict, big: set[str]) -> list[str]:
    found = []
    for node in nodes(plan):
        if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in big:
            # EXPLAIN gives rows per loop (a parallel scan: per worker).
            loops = node.get("Actual Loops", 1) or 1
            kept = node.get("Actual Rows", 0) * loops
            read = kept + node.get("Rows Removed by Filter", 0) * loops
            found.append(
                f"sequential scan on {node['Relation Name']} ({kept} rows kept of {read} read)"
            )
        method = str(node.get("Sort Method", ""))
        if "external" in method:
            found.append(f"sort on disk ({method}, {node.get('Sort Space Used', '?')} kB)")
    return found


def explain(queryset) -> dict:
    sql, params = queryset[:PAGE].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params)
        document = cursor.fetchone()[0]
    document = json.loads(document) if isinstance(document, str) else document
    return document[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print each plan as JSON")
    parser.add_argument("--only", nargs="*", help="the lists whose names contain these words")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("plan_guard: set DATABASE_URL to PostgreSQL (the plans are PostgreSQL's).")
        return 2
    big = big_tables()
    failed = 0
    checked = 0
    with transaction.atomic():
        for name, build in _lists().items():
            if args.only and not any(word in name for word in args.only):
                continue
            checked += 1
            try:
                with transaction.atomic():  # a savepoint: one failure spoils no other
                    result = explain(build())
            except Exception as exc:  # a selector that no longer builds: a failure too
                print(f"FAIL  {name}: could not build or explain ({exc!r})")
                failed += 1
                continue
            plan = result["Plan"]
            found = problems_of(plan, big)
            timing = f"{result.get('Execution Time', 0):.1f} ms"
            if found:
                failed += 1
                print(f"FAIL  {name} [{timing}]: " + "; ".join(found))
            else:
                print(f"ok    {name} [{timing}]")
            if args.verbose or found:
                print(json.dumps(plan, indent=1)[:20000] if args.verbose else _outline(plan))
        transaction.set_rollback(True)
    print(f"{checked - failed} passed, {failed} failed")
    return 1 if failed else 0


def _outline(plan: dict, depth: int = 0) -> str:
    """The plan's tree, one node a line, indented: enough to see what went wrong."""
    line = "      " + "  " * depth + plan.get("Node Type", "?")
    if plan.get("Relation Name"):
        line += f" on {plan['Relation Name']}"
    if plan.get("Index Name"):
        line += f" using {plan['Index Name']}"
    if plan.get("Sort Method"):
        line += f" ({plan['Sort Method']})"
    line += f"  rows={plan.get('Actual Rows', '?')} time={plan.get('Actual Total Time', '?')}ms"
    return "\n".join([line] + [_outline(child, depth + 1) for child in plan.get("Plans", [])])


if __name__ == "__main__":
    sys.exit(main())
