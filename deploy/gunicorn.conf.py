"""Gunicorn for Tideline (docs/deployment.md): `gunicorn -c deploy/gunicorn.conf.py`.

Stateless processes: a session lives in PostgreSQL, a document in MEDIA_ROOT (shared
storage when there is more than one machine), a task in the broker. Any process on
any machine may answer any request, so machines are added behind the proxy.
"""

import multiprocessing
import os

wsgi_app = "config.wsgi:application"
# Behind the proxy on the same machine; the proxy terminates TLS.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Threads wait on PostgreSQL far more than they compute. Each thread holds one
# client connection to PgBouncer (CONN_MAX_AGE), never a server connection of its own.
worker_class = "gthread"
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))
# A request that takes 30 s is a fault: kill the worker, log it.
timeout = 30
graceful_timeout = 30
keepalive = 5
# A worker is replaced now and then, the restarts spread, so that no slow leak grows.
max_requests = 5000
max_requests_jitter = 500
# Trust X-Forwarded-* from the proxy on this machine only (Django also reads
# X-Forwarded-Proto through SECURE_PROXY_SSL_HEADER).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# Bodies larger than this are refused by the proxy first (client_max_body_size).
limit_request_line = 8190
