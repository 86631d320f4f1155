"""Scheduled work of the indicators app (the daily/monthly pass may call these; safe to run twice)."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from indicators import services
from organizations.models import Institution


@shared_task(name="indicators.open_monthly_reports", time_limit=600)
def open_monthly_reports() -> int:
    """Open last month's report (and its monthly_report.due deadline) for every business department."""
    period = services.add_months(timezone.localdate().replace(day=1), -1)
    return sum(
        services.monthly_reports_open_for_month(institution=i, period=period)
        for i in Institution.objects.filter(is_active=True)
    )


@shared_task(name="indicators.recompute_event_rates", time_limit=600)
def recompute_event_rates() -> int:
    """Indicator 9 for this month and last: late event reports change it."""
    this = timezone.localdate().replace(day=1)
    return services.event_rates_recompute_month(period=this) + services.event_rates_recompute_month(
        period=services.add_months(this, -1)
    )


@shared_task(name="indicators.record_computed_values", time_limit=900)
def record_computed_values() -> int:
    """The indicators other apps compute from their records (ZB01, ZB13-8 …), for this month and last."""
    this = timezone.localdate().replace(day=1)
    return services.computed_values_record(period=this) + services.computed_values_record(
        period=services.add_months(this, -1)
    )
