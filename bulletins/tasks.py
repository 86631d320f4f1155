"""Celery tasks of the bulletin: they take ids and call one service (STYLE "Celery")."""
from __future__ import annotations

from celery import shared_task

from bulletins import services


@shared_task(name="bulletins.generate", time_limit=300, soft_time_limit=270, acks_late=True)
def bulletin_generate_task(bulletin_id: int) -> str:
    bulletin = services.bulletin_generate(bulletin_id=bulletin_id)
    return bulletin.status if bulletin is not None else "skipped"


@shared_task(name="bulletins.render", time_limit=300, soft_time_limit=270, acks_late=True)
def bulletin_render_task(bulletin_id: int) -> str:
    bulletin = services.bulletin_render(bulletin_id=bulletin_id)
    return bulletin.status if bulletin is not None else "skipped"


@shared_task(name="bulletins.draft_monthly", time_limit=3600, soft_time_limit=3500)
def bulletin_draft_monthly_task() -> list[int]:
    """Beat: on the configured day of each month, draft last month's bulletin of every active hospital."""
    return services.bulletin_draft_monthly()
