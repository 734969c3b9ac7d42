"""Queries per request, counted in-process: run with the working directory at the tree
under test (the current one, or the BEFORE worktree), with the same settings as its
served copy. Reads JSON from stdin: [{"path": ..., "token": ... | "session": ...}],
signs each request in as the served one was (the API token, or the session cookie),
sends it twice (the first warms the caches), and prints JSON: for each request, its
number of queries and the SELECTs that took longest (the list's own query among
them), to be timed against the hand-written one.

Django's CaptureQueriesContext records every query of the request: the session,
the user, the membership and the access log's entry included."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    requests = json.load(sys.stdin)
    results = []
    for request in requests:
        client = Client(HTTP_HOST="127.0.0.1")
        if request.get("token"):
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {request['token']}"
        if request.get("session"):
            client.cookies[settings.SESSION_COOKIE_NAME] = request["session"]
        client.get(request["path"])
        with CaptureQueriesContext(connection) as captured:
            response = client.get(request["path"])
        selects = [
            q for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
        ]
        # The five that took longest here: run.py times them again and keeps the
        # slowest (one request's timings are too noisy to pick it alone).
        slowest = sorted(selects, key=lambda q: float(q["time"]), reverse=True)[:5]
        results.append(
            {
                "path": request["path"],
                "status": response.status_code,
                "queries": len(captured.captured_queries),
                "slowest_sql": [q["sql"] for q in slowest],
            }
        )
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
