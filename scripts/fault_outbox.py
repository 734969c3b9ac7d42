#!/usr/bin/env python
"""Fault demonstrations for the outbox and the health check (issue 22, ADR 0006),
against real PostgreSQL, Redis, Celery workers, an SMTP server and gunicorn:

  (a) the broker is down: 10 referrals are sent through the API; no email can go.
      The broker comes back, a worker starts and the outbox sweep runs: 10 emails
      are delivered, each once.
  (b) a worker is delivering 150 emails and is killed with SIGKILL part-way. A new
      worker and the sweep deliver the rest: 150 delivered; duplicates (possible
      only for a message the SMTP server had accepted when the worker died) are
      counted, and detectable by their Message-ID.
  (c) /healthz with the broker down (a port that refuses connections, and one that
      accepts them and never answers), 16 calls at once beside an API request: how
      long each took.
  (d) a JSON body over the limit, over a real socket: the API's 413, no reset.

The SMTP server (aiosmtpd, in this process) counts messages by the notification id
each carries. Beat's one-minute sweep is played by this script every two seconds,
and the lease of a claimed email is 5 s instead of 150 s (NOTIFICATION_EMAIL_LEASE
_SECONDS), so that the whole run takes a minute or two rather than ten.

    .venv/bin/python scripts/fault_outbox.py

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, no password) and Redis at
127.0.0.1:6379. Uses a database of its own (dropped at the end; migrations are kept
in a template database between runs) and Redis database 14 (emptied). Exits 1 when
any count is wrong.
"""

import asyncio
import contextlib
import email
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable
BIN = Path(PYTHON).parent
PG = "postgres://postgres@127.0.0.1:5432"
TEMPLATE_DB = "tideline_fault_template"
DB = f"tideline_fault_{os.getpid()}"
REDIS = "redis://127.0.0.1:6379/14"
CLOSED_PORT = "redis://127.0.0.1:1/0"

# A broker that hangs: the port accepts connections (the kernel completes them into
# the backlog) but nothing ever reads or answers.
_hung = socket.socket()
_hung.bind(("127.0.0.1", 0))
_hung.listen(64)
HANGS = f"redis://127.0.0.1:{_hung.getsockname()[1]}/0"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SMTP_PORT = _free_port()
ENV = {
    **os.environ,
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DEBUG": "0",
    "SECRET_KEY": "fault-demonstration-only-not-a-real-secret-key-0123456789",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "SECURE_SSL_REDIRECT": "0",
    "STATIC_MANIFEST": "0",
    "DATABASE_URL": f"{PG}/{DB}",
    "CELERY_BROKER_URL": REDIS,
    "CELERY_TASK_ALWAYS_EAGER": "0",
    "EMAIL_URL": f"smtp://127.0.0.1:{SMTP_PORT}",
    "NOTIFICATION_EMAIL_LEASE_SECONDS": "5",
    "LOG_LEVEL": "ERROR",
    "PYTHONPATH": str(ROOT),
}
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    print(f"    {'ok  ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


# --- The SMTP server


class Sink:
    """Accepts every message and records the notification id it carries."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ids: list[str] = []
        self.delay = 0.0

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.ids.append(message["X-Tideline-Notification"])
        return "250 Message accepted for delivery"

    def count(self, among: set[str]) -> tuple[int, int]:
        """(messages received, distinct notifications) among `among`."""
        with self.lock:
            received = [one for one in self.ids if one in among]
        return len(received), len(set(received))


# --- Processes


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_create() -> None:
    """A fresh database, copied from a template that is migrated once (migrating
    from nothing takes a minute)."""
    with contextlib.suppress(Exception):
        _psql(f"CREATE DATABASE {TEMPLATE_DB}")
    subprocess.run(  # noqa: S603 - this project's own command
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env={**ENV, "DATABASE_URL": f"{PG}/{TEMPLATE_DB}"},
        check=True,
    )
    _psql(f"CREATE DATABASE {DB} TEMPLATE {TEMPLATE_DB}")


LOGS = Path(tempfile.gettempdir()) / f"tideline-fault-{os.getpid()}.log"


def worker_start(name: str) -> subprocess.Popen:
    log = LOGS.open("a")
    return subprocess.Popen(  # noqa: S603 - the project's own worker
        [str(BIN / "celery"), "-A", "config", "worker", "--pool=prefork", "--concurrency=2",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@fault",
         "--loglevel=ERROR"],
        cwd=ROOT, env=ENV, start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


def kill_group(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)


def wait_for(condition, timeout: float, every: float = 0.2, tick=None) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick:
            tick()
        time.sleep(every)
    return condition()


# --- (a) writes with the broker down, in a process of their own


def write_referrals(count: int) -> None:
    """Run in a child process whose broker is a closed port: sets up two agencies
    and sends `count` draft referrals through the API, as an officer would."""
    import django

    django.setup()
    from rest_framework.test import APIClient

    from agencies.models import Role
    from tests.authz.rows_referrals import make_referral
    from tests.factories import AgencyFactory, MembershipFactory

    north = AgencyFactory(slug="fault-police", name="Fault Police")
    harbour = AgencyFactory(slug="fault-charity", name="Fault Charity", victim_support=True)
    officer = MembershipFactory(agency=north, role=Role.GENERALIST_OFFICER).user
    MembershipFactory(agency=harbour, role=Role.PARTNER_CASEWORKER)
    client = APIClient()
    client.force_authenticate(user=officer)
    statuses, timings = [], []
    for _ in range(count):
        draft = make_referral(
            from_agency=north, to_agency=harbour, state="draft", created_by=officer
        )
        started = time.monotonic()
        response = client.post(f"/api/v1/referrals/{draft.pk}/send/")
        timings.append(time.monotonic() - started)
        statuses.append(response.status_code)
    print(json.dumps({"statuses": statuses, "slowest": max(timings)}))


def phase_a(sink: Sink, app, Notification) -> None:
    print("\n(a) The broker is down while 10 referrals are sent")
    child = subprocess.run(  # noqa: S603 - this script, again
        [PYTHON, __file__, "--write-referrals", "10"],
        cwd=ROOT, env={**ENV, "CELERY_BROKER_URL": CLOSED_PORT},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    written = json.loads(child.stdout.strip().splitlines()[-1])
    ids = {str(pk) for pk in Notification.objects.values_list("pk", flat=True)}
    pending = Notification.objects.filter(email_state="pending").count()
    print(f"    answers: {Counter(written['statuses'])}, slowest {written['slowest']:.2f} s")
    print(f"    emails owed: {pending}; delivered while the broker was down: {sink.count(ids)[0]}")
    check(written["statuses"] == [200] * 10, "10 referrals sent, each answered 200")
    check(len(ids) == 10 and pending == 10, "10 emails stored as owed")
    check(sink.count(ids)[0] == 0, "none delivered while the broker was down")

    print("    the broker is back: a worker starts, beat's sweep runs")
    worker = worker_start("a")
    try:

        def sweep():
            app.send_task("common.tasks.notification_emails_sweep")

        wait_for(
            lambda: Notification.objects.filter(email_state="sent").count() == 10,
            timeout=60, every=2, tick=sweep,
        )  # fmt: skip
        for _ in range(2):  # and again: nothing more may go
            sweep()
        time.sleep(3)
    finally:
        kill_group(worker, signal.SIGTERM)
    received, distinct = sink.count(ids)
    print(f"    delivered: {received} messages, {distinct} distinct notifications")
    check(distinct == 10 and received == 10, "10 emails delivered, each once")


# --- (b) a worker killed mid-delivery


def phase_b(sink: Sink, app, Notification, notify, User, redis_client) -> None:
    print("\n(b) A worker is killed (SIGKILL) while it delivers 150 emails")
    from django.db import transaction

    sink.delay = 0.05  # a mail server that takes 50 ms a message
    recipient = User.objects.get(membership__agency__slug="fault-charity")
    first = worker_start("b1")
    time.sleep(4)  # let it start before the work is queued
    with transaction.atomic():
        created = [
            notify(
                user=recipient,
                kind="referrals.referral_sent",
                message=f"A referral was sent to your team ({index}).",
                link="/referrals/",
                dedupe_key=f"fault:b:{index}",
            )
            for index in range(150)
        ]
    ids = {str(notification.pk) for notification in created}
    # on commit: 150 fast-path tasks queued
    wait_for(lambda: sink.count(ids)[0] >= 40, timeout=60, every=0.05)
    kill_group(first)
    at_kill, _ = sink.count(ids)
    sent_at_kill = Notification.objects.filter(pk__in=ids, email_state="sent").count()
    unacked = redis_client.hlen("unacked")
    queued = redis_client.llen("celery")
    print(
        f"    killed after {at_kill} delivered ({sent_at_kill} marked sent); "
        f"{unacked} tasks left unacknowledged in Redis (back only after its 15-minute "
        f"visibility timeout), {queued} still queued"
    )

    print("    a new worker starts; beat's sweep runs")
    second = worker_start("b2")
    try:
        done = wait_for(
            lambda: Notification.objects.filter(pk__in=ids, email_state="sent").count() == 150,
            timeout=90, every=2,
            tick=lambda: app.send_task("common.tasks.notification_emails_sweep"),
        )  # fmt: skip
        time.sleep(3)
    finally:
        kill_group(second, signal.SIGTERM)
    received, distinct = sink.count(ids)
    with sink.lock:
        twice = sorted(one for one, n in Counter(sink.ids).items() if one in ids and n > 1)
    print(
        f"    delivered: {received} messages, {distinct} distinct notifications, "
        f"{received - distinct} duplicates (same Message-ID: {', '.join(twice) or 'none'})"
    )
    check(done and distinct == 150, "150 of 150 delivered")
    check(received - distinct <= 4, "duplicates only for messages in flight at the kill")


# --- (c) and (d): the web tier, in gunicorn


def gunicorn_start(broker: str) -> tuple[subprocess.Popen, int]:
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - the project's own web server
        [str(BIN / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}", "--workers", "1",
         "--threads", "4", "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env={**ENV, "CELERY_BROKER_URL": broker}, start_new_session=True,
        stdout=LOGS.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip

    def answers() -> bool:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        return False

    wait_for(answers, timeout=30)
    return process, port


def _get(port: int, path: str) -> tuple[int, float]:
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", path)
    status = conn.getresponse().status
    conn.close()
    return status, time.monotonic() - started


def phase_c() -> None:
    print("\n(c) /healthz with the broker down: 16 calls at once, and an API request beside")
    for label, broker in (("refusing connections", CLOSED_PORT), ("never answering", HANGS)):
        server, port = gunicorn_start(broker)
        try:
            _get(port, "/api/v1/me/")  # the process is warm
            status, first = _get(port, "/healthz")
            with ThreadPoolExecutor(max_workers=17) as pool:
                calls = [pool.submit(_get, port, "/healthz") for _ in range(16)]
                other = pool.submit(_get, port, "/api/v1/me/")
                times = [call.result()[1] for call in calls]
                other_status, other_time = other.result()
            print(
                f"    broker {label}: first /healthz {status} in {first * 1000:.0f} ms; "
                f"16 at once: median {statistics.median(times) * 1000:.0f} ms, slowest "
                f"{max(times) * 1000:.0f} ms; the API request beside them: {other_status} in "
                f"{other_time * 1000:.0f} ms"
            )
            check(status == 503 and first < 0.3, f"/healthz answers 503 in under 300 ms ({label})")
            check(max(times) < 0.3, f"16 concurrent /healthz each under 300 ms ({label})")
        finally:
            kill_group(server, signal.SIGTERM)


def phase_d() -> None:
    print("\n(d) A 5 MB JSON body to the API, over a real socket")
    server, port = gunicorn_start(CLOSED_PORT)
    try:
        body = json.dumps({"summary_for_receiver": "x" * 5_000_000}).encode()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", "/api/v1/referrals/", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            answer: tuple[int | None, Any] = (response.status, json.loads(response.read()))
        except (ConnectionResetError, BrokenPipeError) as exc:
            answer = (None, repr(exc))
        print(f"    answer: {answer}")
        check(answer[0] == 413 and answer[1].get("max_bytes") == 2_621_440, "413 with the limit")
    finally:
        kill_group(server, signal.SIGTERM)


def main() -> int:
    from aiosmtpd.controller import Controller

    started = time.monotonic()
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    print(f"Database {DB}, Redis {REDIS}, SMTP 127.0.0.1:{SMTP_PORT}; workers log to {LOGS}")
    database_create()
    os.environ.update(ENV)
    import django

    django.setup()
    import redis
    from django.contrib.auth.models import User

    from common.models import Notification
    from common.notifications import notify
    from config.celery import app

    redis_client = redis.Redis.from_url(REDIS)
    redis_client.flushdb()
    try:
        phase_a(sink, app, Notification)
        phase_b(sink, app, Notification, notify, User, redis_client)
        phase_c()
        phase_d()
    finally:
        controller.stop()
        redis_client.flushdb()
        from django.db import connections

        connections.close_all()
        with contextlib.suppress(Exception):
            _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    print(f"\n{len(failures)} failed, in {time.monotonic() - started:.0f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write-referrals"]:
        write_referrals(int(sys.argv[2]))
    else:
        sys.exit(main())
