"""gunicorn settings of the web service (docker-compose `web`, the Dockerfile, and bench/bench_load.py, which
measures exactly this). Read from the working directory by gunicorn itself; each one can be overridden by the
environment.

- workers = 2 × cores (WEB_CONCURRENCY): a request is Python under the GIL plus sub-millisecond round trips to
  PostgreSQL, so processes, not threads, use the cores; twice the cores keeps a core busy while a worker waits
  on the database or a commit's fsync.
- threads = 1 (GUNICORN_THREADS): the sync worker is the cheapest per request; more threads in a process only
  share its GIL. Set it above 1 (the gthread worker) behind no proxy, for clients that keep connections open.
- persistent database connections: CONN_MAX_AGE (DB_CONN_MAX_AGE, 60 s) with health checks in the settings, one
  connection per worker thread, so at most workers × threads connections per web container.
- max_requests with jitter: a worker is replaced now and then, so a leak cannot grow without bound.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * multiprocessing.cpu_count())
threads = int(os.environ.get("GUNICORN_THREADS") or 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
max_requests = 5000
max_requests_jitter = 500
