# ruff: noqa: S603 (runs wrk)
"""The bounded load test: N users at once, each a persistent HTTP connection,
requesting one path back to back for a fixed time, by wrk (Debian's `wrk`, a load
generator written in C). Reports requests per second, p50 and p95 and the number of
errors (any status but those that count as served, or no answer).

Why wrk and not a Python client: the client shares the machine with the server, and
on two cores a Python client's threads took a quarter of a core from the server at
100 requests a second (and its GIL capped /healthz at about 850). wrk's one thread
costs a few per cent of a core."""

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# wrk's Lua hooks: each thread counts the answers that are not served; `done` adds
# up the threads' counts and prints the totals and percentiles as one JSON line.
_SCRIPT = """
served = {%(served)s}
errors = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function response(status, headers, body)
  if not served[status] then errors = errors + 1 end
end
function done(summary, latency, requests)
  local refused = 0
  for _, thread in ipairs(threads) do refused = refused + thread:get("errors") end
  local failed = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    '\\nTIDELINE {"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, refused + failed))
end
"""


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
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("The load test needs wrk: apt-get install -y wrk")
    served = ", ".join(f"[{status}] = true" for status in sorted(answers))
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "count.lua"
        script.write_text(_SCRIPT % {"served": served})
        command = [wrk, "--threads", "1", "--connections", str(users), "--timeout", "30s",
                   "--duration", f"{int(seconds)}s", "--script", str(script)]  # fmt: skip
        for name, value in (headers or {}).items():
            command += ["--header", f"{name}: {value}"]
        ran = subprocess.run([*command, url], capture_output=True, text=True, check=True)
    summary = json.loads(ran.stdout.split("TIDELINE ", 1)[1])
    return LoadResult(
        requests=summary["requests"],
        errors=summary["errors"],
        seconds=summary["seconds"],
        p50=summary["p50"],
        p95=summary["p95"],
    )
