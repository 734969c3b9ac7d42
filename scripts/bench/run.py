# ruff: noqa: S603 (runs gunicorn, git and Python from the project)
"""`make bench`: Tideline served by gunicorn with DEBUG off, measured as the demo users
open it every day (issue 15). For each list and detail, API and page: p50 and p95 of
sequential requests, the queries per request, and how many times slower the ORM's
query is than the hand-written one of queries.sql. Then a bounded load test of the
case list API and /healthz. Writes the table to var/bench/<time>.md and prints it.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tideline_bench \\
        .venv/bin/python scripts/bench/run.py [--before REV]

With --before REV (make bench BEFORE=REV), that revision is served too, from a git
worktree in var/bench/before, on another port, against the same database, and the
table shows before and after side by side. Settings: see `--help`."""

import argparse
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import report
import requests
import sql as bench_sql
from client import api_token, page_session
from load import load, percentile
from serve import OUT, PYTHON, ROOT, Server, seal, served_env, worktree

USERS = ("officer.north", "coordinator.mash", "auditor.north")

# key, what, as whom, api or page, path ({name} from the parameters), hand-written query
ROWS = (
    (
        "case_list_api",
        "case list API, first page",
        "officer.north",
        "api",
        "/api/v1/cases/",
        "case_list",
    ),
    (
        "case_search_name",
        "case list API, name search",
        "officer.north",
        "api",
        "/api/v1/cases/?q={surname}",
        "case_search",
    ),
    (
        "case_search_ref",
        "case list API, reference search",
        "officer.north",
        "api",
        "/api/v1/cases/?q={reference}",
        "case_search",
    ),
    (
        "case_list_page",
        "`/cases/` page",
        "officer.north",
        "page",
        "/cases/",
        "case_list",
    ),
    (
        "case_list_deep",
        "`/cases/` page {deep}",
        "officer.north",
        "page",
        None,
        "case_list_deep",
    ),
    (
        "inbox_api",
        "referral inbox API",
        "coordinator.mash",
        "api",
        "/api/v1/referrals/inbox/",
        "inbox",
    ),
    (
        "inbox_page",
        "referral inbox page",
        "coordinator.mash",
        "page",
        "/referrals/",
        "inbox",
    ),
    (
        "queue_page",
        "queue page",
        "officer.north",
        "page",
        "/queue/",
        "queue",
    ),
    (
        "access_log_page",
        "access log page",
        "auditor.north",
        "page",
        "/audit/access-log/",
        "access_log",
    ),
    (
        "queue_api",
        "work queue API",
        "officer.north",
        "api",
        "/api/v1/queue/",
        "queue",
    ),
    (
        "victim_updates_page",
        "victim updates due page",
        "officer.north",
        "page",
        "/victim-updates/",
        "victim_updates",
    ),
    (
        "victim_updates_api",
        "victim updates due API",
        "officer.north",
        "api",
        "/api/v1/victim-updates/",
        "victim_updates",
    ),
    (
        "case_detail_page",
        "case detail page",
        "officer.north",
        "page",
        "/cases/{case}/",
        "case_detail",
    ),
    (
        "case_detail_api",
        "case detail API",
        "officer.north",
        "api",
        "/api/v1/cases/{case}/",
        "case_detail",
    ),
    (
        "access_log_api",
        "access log API",
        "auditor.north",
        "api",
        "/api/v1/audit/access-log/",
        "access_log",
    ),
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env = os.environ.get
    parser.add_argument(
        "--before", default=env("BEFORE") or None, help="a git revision to compare with"
    )
    parser.add_argument(
        "--database-url",
        default=env("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/tideline_bench",
    )
    parser.add_argument(
        "--before-database-url",
        default=env("BEFORE_DATABASE_URL") or None,
        help=(
            "the database the before revision reads (default: the same one): a copy of "
            "the seeded database left at the before revision's migrations, so that the old "
            "code is measured on its own schema and indexes"
        ),
    )
    parser.add_argument("--port", type=int, default=int(env("BENCH_PORT", "8471")))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", "4")))
    parser.add_argument("--requests", type=int, default=int(env("BENCH_REQUESTS", "30")))
    parser.add_argument("--warm", type=int, default=int(env("BENCH_WARM", "3")))
    parser.add_argument("--deep-page", type=int, default=int(env("BENCH_DEEP_PAGE", "2000")))
    parser.add_argument("--users", type=int, default=int(env("BENCH_USERS", "8")))
    parser.add_argument(
        "--load-seconds", type=float, default=float(env("BENCH_LOAD_SECONDS", "30"))
    )
    return parser.parse_args()  # fmt: skip


def deep_path(server: Server, browser, depth: int) -> tuple[str, int]:
    """The path of the case list's page `depth` (or the last one before it): by its
    number where the list is paged by OFFSET, else by following Next links."""
    page = browser.get(f"{server.base}/cases/").text
    following = re.search(r'href="([^"]+)" rel="next"', page)
    if following and "page=" in following.group(1):
        last = re.search(r"Page 1 of ([\d,]+)", page)
        reached = min(depth, int(last.group(1).replace(",", ""))) if last else depth
        return f"/cases/?page={reached}", reached
    path, reached = "/cases/", 1
    while following and reached < depth:
        path = "/cases/" + following.group(1).replace("&amp;", "&")
        reached += 1
        following = re.search(r'href="([^"]+)" rel="next"', browser.get(server.base + path).text)
    return path, reached


def _get(server: Server, sessions, tokens, user: str, kind: str, path: str):
    if kind == "api":
        headers = {"Authorization": f"Bearer {tokens[user]}"}
        return requests.get(server.base + path, headers=headers, timeout=60)
    # A page that redirects (to the sign-in page, say) is an error, not a page.
    return sessions[user].get(server.base + path, timeout=60, allow_redirects=False)


def latencies(server: Server, sessions, tokens, paths: dict, args) -> dict:
    """p50 and p95 of `args.requests` sequential requests per row, after warm-ups."""
    results = {}
    for key, _what, user, kind, _path, _query in ROWS:
        timings, errors = [], 0
        for index in range(args.warm + args.requests):
            began = time.perf_counter()
            answer = _get(server, sessions, tokens, user, kind, paths[key])
            elapsed = (time.perf_counter() - began) * 1000
            if index >= args.warm:
                timings.append(elapsed)
                errors += answer.status_code != 200
        results[key] = {
            "path": paths[key],
            "p50": percentile(timings, 0.5),
            "p95": percentile(timings, 0.95),
            "errors": errors,
        }
        print(
            f"  {key}: p50 {results[key]['p50']:.1f} ms, p95 {results[key]['p95']:.1f} ms, "
            f"{errors} errors",
            flush=True,
        )
    return results


def queries_and_sql(server: Server, sessions, tokens, paths, results, args, conn, hand_ms):
    """Queries per request (in-process, in the served tree), and the request's slowest
    SELECT timed against the hand-written query."""
    asked = []
    for key, _what, user, kind, _path, _query in ROWS:
        if kind == "api":
            asked.append({"path": paths[key], "token": tokens[user]})
        else:
            asked.append({"path": paths[key], "session": sessions[user].cookies.get("sessionid")})
    counted = subprocess.run(
        [str(PYTHON), str(Path(__file__).with_name("count_queries.py"))],
        cwd=server.tree,
        env={**server.env, "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver"},
        input=json.dumps(asked),
        capture_output=True,
        text=True,
    )
    if counted.returncode != 0:
        print(counted.stderr[-3000:])
        raise SystemExit("Counting queries failed.")
    for (key, *_rest), count in zip(ROWS, json.loads(counted.stdout), strict=True):
        result = results[key]
        result["queries"] = count["queries"]
        result["ratio"] = result["orm_ms"] = None
        try:
            result["orm_ms"] = slowest_timed(conn, count["slowest_sql"], args)
        except Exception as exc:  # reported, and the row shows no ratio
            print(f"  {key}: timing the ORM's query failed: {exc}")
        if result["orm_ms"] is not None and hand_ms.get(key):
            # Under a millisecond the round trip is timed more than the query: both
            # count as at least 1 ms, so 0.9 against 0.1 ms is no "9 times slower".
            result["ratio"] = max(result["orm_ms"], 1.0) / max(hand_ms[key], 1.0)


def slowest_timed(conn, candidates: list[str], args) -> float | None:
    """The p50 of the slowest of the request's longest SELECTs: each timed briefly to
    find it, then that one as the hand-written query is."""
    if not candidates:
        return None
    quick = {sql: bench_sql.timed(conn, sql, runs=3, warm=1) for sql in candidates}
    slowest = max(quick, key=lambda sql: quick[sql])
    return bench_sql.timed(conn, slowest, runs=args.requests, warm=args.warm)


def loads(server: Server, tokens, args) -> dict:
    results = {}
    officer = {"Authorization": f"Bearer {tokens['officer.north']}"}
    # /healthz answers 503 while the outbox waits for a Celery worker, which the bench
    # does not run: that is still the health check answering.
    for name, path, headers, answers in (
        ("case list API", "/api/v1/cases/", officer, frozenset({200})),
        ("/api/v1/me/", "/api/v1/me/", officer, frozenset({200})),
        ("/healthz", "/healthz", {}, frozenset({200, 503})),
    ):
        outcome = load(
            server.base + path,
            users=args.users,
            seconds=args.load_seconds,
            headers=headers,
            answers=answers,
        )
        results[f"load {name}"] = outcome
        print(
            f"  load {name}: {outcome.per_second:.0f} req/s, p50 {outcome.p50:.1f} ms, "
            f"p95 {outcome.p95:.1f} ms, {outcome.errors} errors",
            flush=True,
        )
    return results


def measure(server: Server, sessions, tokens, params, args, conn, hand_ms) -> dict:
    print(f"== {server.name}: {server.base} ({server.tree})", flush=True)
    deep, reached = deep_path(server, sessions["officer.north"], args.deep_page)
    paths = {
        key: deep if path is None else path.format(**params)
        for key, _what, _user, _kind, path, _query in ROWS
    }
    results = latencies(server, sessions, tokens, paths, args)
    queries_and_sql(server, sessions, tokens, paths, results, args, conn, hand_ms)
    results.update(loads(server, tokens, args))
    results["deep_reached"] = reached
    return results


def main() -> int:
    args = arguments()
    OUT.mkdir(parents=True, exist_ok=True)
    env = served_env(args.database_url)
    conn = bench_sql.connect(args.database_url)
    params = bench_sql.parameters(conn, deep_page=args.deep_page)
    params["like"] = ""
    hand = bench_sql.hand_written()
    hand_ms: dict[str, float | None] = {}
    for key, *_rest, query in ROWS:
        values = dict(params)
        if key == "case_search_name":
            values["like"] = f"%{params['surname']}%"
        elif key == "case_search_ref":
            values["like"] = f"%{params['reference']}%"
        try:
            hand_ms[key] = bench_sql.timed(
                conn, hand[query], values, runs=args.requests, warm=args.warm
            )
        except Exception as exc:  # a column the schema does not have (yet): no ratio
            print(f"The hand-written query {query} failed: {exc}")
            hand_ms[key] = None
    servers = [Server("after", ROOT, args.port, env, args.workers)]
    envs = {"after": env}
    try:
        if args.before:
            envs["before"] = served_env(args.before_database_url or args.database_url)
            servers.insert(
                0,
                Server(
                    "before", worktree(args.before), args.port + 1, envs["before"], args.workers
                ),
            )
        measured = {}
        for server in servers:
            # One database: the sessions and tokens of the one signed in serve both.
            if server is servers[0] or args.before_database_url:
                sessions = {user: page_session(server.base, user) for user in USERS}
                tokens = {user: api_token(server.base, user) for user in USERS}
            seal(envs[server.name])
            measured[server.name] = measure(server, sessions, tokens, params, args, conn, hand_ms)
        seal(env)
    finally:
        for server in servers:
            server.stop()
    table = report.markdown(ROWS, measured, hand_ms, args, params, before=args.before)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (OUT / f"{stamp}.md").write_text(table)
    print()
    print(table)
    print(f"Written to var/bench/{stamp}.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
