"""Celery tasks: take ids, call one service, safe to run twice (the claims make reruns send nothing again).

acks_late + reject_on_worker_lost (settings): a worker killed mid-pass has its task delivered again.
"""
from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import InterfaceError, OperationalError

from qms.notifications import services

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(
    name="notifications.deadline_pass", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
    max_retries=3, soft_time_limit=540, time_limit=600,
)
def deadline_pass_task(run_id: int | None = None, today: str | None = None) -> int:
    day = dt.date.fromisoformat(today) if today else None
    return services.deadline_pass(today=day, run_id=run_id).pk


@shared_task(
    name="notifications.hourly_pass", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
    max_retries=3, soft_time_limit=300, time_limit=360,
)
def hourly_pass_task(run_id: int | None = None) -> int:
    return services.hourly_pass(run_id=run_id).pk


@shared_task(
    name="notifications.outbox_flush", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=True,
    max_retries=3, soft_time_limit=120, time_limit=150,
)
def outbox_flush_task() -> int:
    return services.outbox_flush()
