"""The bounded load test: N users at once, each a thread with its own persistent HTTP
session, requesting one path back to back for a fixed time. Reports requests per
second, p50 and p95 and the number of errors (any status but 200, or no answer).

The client shares the machine with the server: on two cores its threads take some
of the CPU the server would have had. The same holds for the before and the after
columns, which is what the comparison needs."""

import statistics
import threading
import time
from dataclasses import dataclass

import requests


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    p50: float
    p95: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(samples: list[float], share: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def load(
    url: str,
    *,
    users: int,
    seconds: float,
    headers: dict | None = None,
    answers: frozenset[int] = frozenset({200}),
) -> LoadResult:
    """`answers`: the statuses that count as served (any other, or none, is an error)."""
    timings: list[list[float]] = [[] for _ in range(users)]
    errors = [0] * users
    stop_at = [0.0]

    def clock_start() -> None:  # run once, when every user is connected and ready
        stop_at[0] = time.perf_counter() + seconds

    start = threading.Barrier(users + 1, action=clock_start)

    def user(index: int) -> None:
        session = requests.Session()
        session.headers.update(headers or {})
        session.get(url, timeout=30)  # the connection is open before the clock starts
        start.wait()
        mine = timings[index]
        while time.perf_counter() < stop_at[0]:
            began = time.perf_counter()
            try:
                ok = session.get(url, timeout=30).status_code in answers
            except requests.RequestException:
                ok = False
            mine.append((time.perf_counter() - began) * 1000)
            if not ok:
                errors[index] += 1

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    samples = [t for per_user in timings for t in per_user]
    return LoadResult(
        requests=len(samples),
        errors=sum(errors),
        seconds=elapsed,
        p50=statistics.median(samples) if samples else float("nan"),
        p95=percentile(samples, 0.95),
    )
