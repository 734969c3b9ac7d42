"""The benchmark's table in Markdown, each row marked against issue 15's targets:
every list, search, inbox and detail under 150 ms at p95 and within 3 times its
hand-written SQL; the case list API at least 250 requests/s under load, no errors."""

import math
import platform
from datetime import UTC, datetime

P95_TARGET_MS = 150.0
RATIO_TARGET = 3.0
LOAD_TARGET = 250.0


def _ms(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def _ratio(value) -> str:
    return "-" if value is None else f"{value:,.1f}x"


def _verdict(result: dict) -> str:
    misses = []
    if result["errors"]:
        misses.append(f"{result['errors']} errors")
    if result["p95"] >= P95_TARGET_MS:
        misses.append("p95")
    if result.get("ratio") is not None and result["ratio"] > RATIO_TARGET:
        misses.append("ratio")
    return "met" if not misses else "**unmet** (" + ", ".join(misses) + ")"


# The load test's rows, in order (run.py's `loads` requests them).
LOADS = ("case list API", "/api/v1/me/", "/healthz")


def _load_verdict(name: str, outcome) -> str:
    if name != "case list API":
        return "-"
    met = outcome.per_second >= LOAD_TARGET and outcome.errors == 0
    return "met" if met else "**unmet**"


def markdown(rows, measured: dict, hand_ms: dict, args, params: dict, *, before: str | None) -> str:
    sides = list(measured)
    last = sides[-1]
    lines = [
        f"# Tideline benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"{params.get('cases_total', 0):,} cases in the database; gunicorn with "
        f"{args.workers} workers, DEBUG off, on {platform.node()}; {args.requests} sequential "
        f"requests per row after {args.warm} warm-ups. Queries: counted in-process for one "
        "request. SQL: the request's slowest SELECT (the ORM's) and the hand-written query "
        "of scripts/bench/queries.sql, each timed with psycopg (p50); ratio = ORM / hand, "
        "each counted as at least 1 ms." + (f" Before: {before}." if before else ""),
        "",
    ]
    head = ["Request", "As"]
    for side in sides:
        prefix = f"{side} " if len(sides) > 1 else ""
        head += [
            f"{prefix}p50 / p95 ms",
            f"{prefix}queries",
            f"{prefix}ORM SQL ms",
            f"{prefix}ratio",
        ]
    head += ["hand SQL ms", f"target ({last})"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for key, what, user, _kind, _path, _query in rows:
        label = what.format(deep=f"(page {measured[last].get('deep_reached', '?')})")
        cells = [label, user]
        for side in sides:
            result = measured[side][key]
            cells += [
                f"{_ms(result['p50'])} / {_ms(result['p95'])}",
                str(result.get("queries", "-")),
                _ms(result.get("orm_ms")),
                _ratio(result.get("ratio")),
            ]
        cells += [_ms(hand_ms.get(key)), _verdict(measured[last][key])]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Load: {args.users} users at once for {args.load_seconds:g} s, by wrk, as "
        "officer.north (gunicorn's sync workers close each connection after the answer, "
        "so every request connects anew, as behind a proxy). `/api/v1/me/` is the floor "
        "of an API request: the token, the middleware and one small read; no list, no log "
        "entry. "
        "/healthz's 503 (the outbox waiting for a Celery worker the bench does not run) "
        "counts as an answer.",
        "",
    ]
    head = ["Load", *[f"{side} req/s · p50 / p95 ms · errors" for side in sides], "target"]
    lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name in LOADS:
        cells = [name]
        for side in sides:
            outcome = measured[side][f"load {name}"]
            cells.append(
                f"{outcome.per_second:,.0f} · {_ms(outcome.p50)} / {_ms(outcome.p95)} · "
                f"{outcome.errors}"
            )
        cells.append(_load_verdict(name, measured[last][f"load {name}"]))
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return "\n".join(lines)
