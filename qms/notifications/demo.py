"""Demo: run the daily pass once over the demo's deadlines so the inbox has what a quality officer sees."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from qms.notifications.models import PassRun
from qms.notifications.services import deadline_pass


def seed(ctx: Any) -> None:
    if PassRun.objects.filter(kind=PassRun.Kind.DAILY, today=timezone.localdate()).exists():
        return  # idempotent: the pass ran today already (and would add nothing: its claims are taken)
    run = deadline_pass(kick=False)
    ctx.log.append(f"notifications: daily pass found {run.found}, sent {run.notified} notifications")
