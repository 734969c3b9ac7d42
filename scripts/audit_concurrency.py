"""Twenty readers at once against twenty in a row: does the access log make readers
queue behind each other? (Issue 15, ADR 0012.) Not a test: timings belong here.

Each reader has its own database connection and writes the entry a read of a case
writes (`access_log_record`, the one audit path, in its own transaction, as the
middleware does after a view). `--hold-ms` keeps each reader's transaction open that
long after its entry, as a service that logs a change and then goes on working does.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tl_audit DEBUG=1 \\
        .venv/bin/python scripts/audit_concurrency.py --readers 20 --rounds 30

It runs unchanged on the code before ADR 0012 (commit 986995c), which is how the
"before" figures were taken: only `agencies.audit.access_log_record` is used.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from agencies.audit import access_log_record  # noqa: E402


def read_one_case(reader: int, hold_ms: float) -> None:
    with transaction.atomic():
        access_log_record(
            actor=None,
            username=f"reader.{reader}",
            agency_slug="northshire-police",
            action="cases.case.viewed",
            object_type="case",
            object_id=f"bench-case-{reader}",
            object_agency_slug="northshire-police",
            justification="own agency (northshire-police), role generalist_officer",
        )
        if hold_ms:
            time.sleep(hold_ms / 1000)


def in_a_row(readers: int, rounds: int, hold_ms: float) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for reader in range(readers):
            read_one_case(reader, hold_ms)
        times.append(time.perf_counter() - started)
    return times


def at_once(readers: int, rounds: int, hold_ms: float) -> list[float]:
    """Readers are threads that keep their own connection between rounds; each round
    starts them together and ends when the last one is done."""
    start = threading.Barrier(readers + 1)
    done = threading.Barrier(readers + 1)

    def reader_loop(reader: int) -> None:
        connection.ensure_connection()
        for _ in range(rounds):
            start.wait()
            read_one_case(reader, hold_ms)
            done.wait()
        connection.close()

    threads = [threading.Thread(target=reader_loop, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    times = []
    for _ in range(rounds):
        start.wait()
        started = time.perf_counter()
        done.wait()
        times.append(time.perf_counter() - started)
    for thread in threads:
        thread.join()
    return times


def _ms(times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(times) * 1000:7.1f} ms, p90 {p90 * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--hold-ms", type=float, default=0.0)
    options = parser.parse_args()
    readers, rounds, hold = options.readers, options.rounds, options.hold_ms
    in_a_row(readers, 2, hold)  # warm up: connections, caches
    single = in_a_row(1, rounds * 5, hold)
    serial = in_a_row(readers, rounds, hold)
    concurrent = at_once(readers, rounds, hold)
    single_median = statistics.median(single)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}, hold {hold} ms")
    print(f"one read:                {_ms(single)}")
    print(f"{readers} reads in a row:     {_ms(serial)}")
    print(f"{readers} reads at once:      {_ms(concurrent)}")
    print(
        f"at once = {statistics.median(concurrent) / single_median:.1f} single reads; "
        f"in a row = {statistics.median(serial) / single_median:.1f}"
    )


if __name__ == "__main__":
    main()
