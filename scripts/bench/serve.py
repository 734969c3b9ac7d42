# ruff: noqa: S603, S607 (runs gunicorn, git and Python from the project)
"""Serving Tideline for the benchmark: gunicorn with production settings (DEBUG off)
from a tree (the working tree, or a git worktree of an earlier revision), and sealing
the access log between the two."""

import os
import signal
import subprocess
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
OUT = ROOT / "var" / "bench"


def served_env(database_url: str) -> dict[str, str]:
    """Production settings (DEBUG off), on loopback without TLS."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "SECURE_SSL_REDIRECT": "0",
        # The static files' manifest needs collectstatic; no page's time depends on it.
        "STATIC_MANIFEST": "0",
        "CELERY_BROKER_URL": "",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "LOG_LEVEL": "WARNING",
    }


class Server:
    def __init__(self, name: str, tree: Path, port: int, env: dict, workers: int) -> None:
        self.name, self.tree, self.port, self.env = name, tree, port, env
        self.base = f"http://127.0.0.1:{port}"
        log = open(OUT / f"gunicorn-{name}.log", "a")  # noqa: SIM115 (open while served)
        self.process = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "--chdir", str(tree), "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--timeout", "120", "--access-logfile", "/dev/null"],
            cwd=tree, env=env, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        for _ in range(120):
            try:
                if requests.get(f"{self.base}/healthz", timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"The {name} server did not start: see var/bench/gunicorn-{name}.log")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


def worktree(revision: str) -> Path:
    path = OUT / "before"
    wanted = subprocess.check_output(["git", "rev-parse", revision], cwd=ROOT, text=True).strip()
    if path.exists():
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=path, text=True, capture_output=True
        )
        if head.stdout.strip() == wanted:
            return path
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=ROOT, check=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(path), wanted], cwd=ROOT, check=True)
    return path


def seal(env: dict) -> None:
    """Seal the access log's waiting entries (where the code seals in batches), so that
    an older revision, which chains each entry onto the last, finds a sealed last one."""
    if (ROOT / "agencies/management/commands/seal_audit.py").exists():
        subprocess.run([str(PYTHON), "manage.py", "seal_audit"], cwd=ROOT, env=env, check=False,
                       stdout=subprocess.DEVNULL)  # fmt: skip
