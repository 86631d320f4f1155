"""Scheduled work of credentialing (the beat entry of migration 0002; safe to run twice a day)."""
from __future__ import annotations

from celery import shared_task

from credentialing import services


@shared_task(name="credentialing.daily", time_limit=600)
def daily() -> dict[str, int]:
    """Grants past their end date become expired (the HIS check already refuses them by date; this keeps the
    register and its lists right), and holders of grants ending in 90 / 30 / 7 days are told. The review
    deadlines and the 24-hour emergency completions are Deadline rows the core daily pass reminds of."""
    return {"expired": services.privileges_expire(), "notified": services.privileges_expiring_notify()}
