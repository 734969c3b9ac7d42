"""The benchmark's database side: the hand-written queries of queries.sql, the
parameters they need (read from the database), and timing any SQL with psycopg,
the same way for the hand-written query and for the query the ORM sent."""

import re
import statistics
import time
from pathlib import Path
from typing import Any

import psycopg

QUERIES = Path(__file__).with_name("queries.sql")
VICTIM_DUTIES = ["victim_update"]
# What a generalist officer is cleared for (agencies.access.ROLE_CLEARANCES).
CASEWORK_COMPARTMENTS = ["case", "child_safeguarding", "family", "suspect", "victim"]


def hand_written() -> dict[str, str]:
    """The queries of queries.sql by name."""
    text = QUERIES.read_text()
    found: dict[str, str] = {}
    for block in re.split(r"^-- name: ", text, flags=re.M)[1:]:
        name, _, body = block.partition("\n")
        found[name.strip()] = body.strip().rstrip(";")
    return found


def connect(database_url: str) -> psycopg.Connection:
    # No prepared statements: through PgBouncer in transaction mode (1.18) the next
    # transaction may land on a server connection that already holds "_pg3_0".
    url = database_url.replace("postgres://", "postgresql://", 1)
    return psycopg.connect(url, autocommit=True, prepare_threshold=None)


def one(conn: psycopg.Connection, sql: str, params: Any = None) -> Any:
    row = conn.execute(sql, params).fetchone()
    return row[0] if row else None


def parameters(conn: psycopg.Connection, *, deep_page: int) -> dict[str, Any]:
    """The demo users' ids, agencies and grant groups, a reference in the middle of
    the officer's cases, a common surname, and the cursor of the deep page."""
    agency = one(conn, "SELECT id FROM agencies_agency WHERE slug = 'northshire-police'")
    params: dict[str, Any] = {
        "agency": agency,
        "slug": "northshire-police",
        "slug_in_list": '%"northshire-police"%',
        "grant_group": one(
            conn, "SELECT grant_group_id FROM agencies_agency WHERE id = %s", [agency]
        ),
        "view_case": one(
            conn,
            "SELECT p.id FROM auth_permission p"
            " JOIN django_content_type t ON t.id = p.content_type_id"
            " WHERE t.app_label = 'cases' AND p.codename = 'view_case'",
        ),
        "mash": one(conn, "SELECT id FROM agencies_agency WHERE slug = 'northshire-mash'"),
        "officer": one(conn, "SELECT id FROM auth_user WHERE username = 'officer.north'"),
        "victim_duties": VICTIM_DUTIES,
        "compartments": CASEWORK_COMPARTMENTS,
    }
    count = one(conn, "SELECT count(*) FROM cases_case WHERE owning_agency_id = %s", [agency])
    params["cases_total"] = one(conn, "SELECT count(*) FROM cases_case")
    params["reference"] = one(
        conn,
        "SELECT reference FROM cases_case WHERE owning_agency_id = %s ORDER BY reference"
        " OFFSET %s LIMIT 1",
        [agency, count // 2],
    )
    params["surname"] = (
        one(
            conn,
            "SELECT last_name FROM cases_person GROUP BY last_name"
            " ORDER BY count(*) DESC, last_name LIMIT 1 OFFSET 40",
        )
        or "Smith"
    )
    params["case"] = one(
        conn,
        "SELECT id FROM cases_case WHERE owning_agency_id = %s ORDER BY received_on DESC, id DESC"
        " LIMIT 1 OFFSET 7",
        [agency],
    )
    deep = conn.execute(
        "SELECT received_on, id FROM cases_case WHERE owning_agency_id = %s"
        " ORDER BY received_on DESC, id DESC OFFSET %s LIMIT 1",
        [agency, max(0, deep_page - 1) * 25 - 1],
    ).fetchone()
    params["deep_received_on"], params["deep_id"] = deep if deep else (None, None)
    return params


def timed(conn: psycopg.Connection, sql: str, params: Any = None, *, runs: int, warm: int) -> float:
    """The median of `runs` executions (after `warm` unmeasured ones), in ms,
    fetching every row as an application would."""
    samples = []
    for index in range(warm + runs):
        started = time.perf_counter()
        conn.execute(sql, params).fetchall()
        if index >= warm:
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)
