"""Point Celery at a broker for a block: a dead one (nothing listens there) to test an outage."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from qms.celery import app as celery_app

DEAD_BROKER = "redis://127.0.0.1:6390/0"  # nothing listens there


@contextmanager
def broker(url: str, *, eager: bool) -> Iterator[None]:
    old_url, old_eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager

    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    _drop_pools()
    try:
        yield
    finally:
        celery_app.conf.update(broker_url=old_url, task_always_eager=old_eager)
        _drop_pools()


def _drop_pools() -> None:
    """Forget the connection pool and the producer pool built on it, so the next send connects to the broker
    now configured. (app.close() drops only the first: the producer pool, cached on app.amqp, would keep
    publishing to the broker an earlier test used.)"""
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
