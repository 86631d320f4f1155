from __future__ import annotations

from celery import shared_task

from qms.core.housekeeping import housekeeping


@shared_task(name="core.housekeeping", acks_late=True, soft_time_limit=540, time_limit=600)
def housekeeping_task() -> dict[str, int]:
    return housekeeping()
