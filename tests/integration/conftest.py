"""Real services: PostgreSQL at DATABASE_URL and Redis at REDIS_URL, and a real `celery -A qms worker`.

Without them these tests skip with the reason, except under CI (env CI set), where they fail: CI must never
skip for want of a service.
"""
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))


def need(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    need(connection.vendor == "postgresql", "needs PostgreSQL: set DATABASE_URL=postgres://…")


def require_redis() -> str:
    url = os.environ.get("REDIS_URL", "")
    need(bool(url), "needs Redis: set REDIS_URL=redis://…")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        need(False, f"Redis at {url} is unreachable: {exc}")
    return url


def test_database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] or ""
    if s.get("PASSWORD"):
        auth += f":{s['PASSWORD']}"
    host = s["HOST"] or "127.0.0.1"
    port = s["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{s['NAME']}"


class Worker:
    def __init__(self, proc: subprocess.Popen, log: Path) -> None:
        self.proc = proc
        self.log = log

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.output():
                return
            if self.proc.poll() is not None:
                raise AssertionError(f"worker exited:\n{self.output()}")
            time.sleep(0.2)
        raise AssertionError(f"worker not ready in {timeout}s:\n{self.output()}")


@pytest.fixture
def celery_broker():
    """Point this process's Celery app at the real Redis (not eager), with an empty queue."""
    require_postgres()
    url = require_redis()
    import redis

    from qms.celery import app

    redis.Redis.from_url(url).flushdb()
    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = url, False
    app._pool = None
    app.amqp._producer_pool = None
    yield url
    app.conf.broker_url, app.conf.task_always_eager = old
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def start_worker(transactional_db, celery_broker, tmp_path):
    """start_worker(**env) → a running `celery -A qms worker` against the test database and Redis."""
    workers: list[Worker] = []

    def start(**extra_env: str) -> Worker:
        env = dict(os.environ)
        env.update(
            DJANGO_SETTINGS_MODULE="qms.settings.base",
            DATABASE_URL=test_database_url(),
            REDIS_URL=celery_broker,
            DB_CONN_MAX_AGE="0",
            EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
            LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra_env)
        log = tmp_path / f"worker-{len(workers)}.log"
        proc = subprocess.Popen(
            [CELERY, "-A", "qms", "worker", "-l", "info", "--concurrency", "1", "--pool", "prefork",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"itest-{uuid.uuid4().hex[:8]}@%h"],
            cwd=BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )
        worker = Worker(proc, log)
        workers.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in workers:
        if worker.proc.poll() is None:
            worker.proc.terminate()
            try:
                worker.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.proc.kill()
                worker.proc.wait()
    # the worker's connections are closed: the test database can be flushed
