"""Daily housekeeping: what the product keeps only for a while is deleted when its time is up.

- files under MEDIA_ROOT that no row references (a rolled-back or killed write; issue 13 item 10);
- Idempotency-Key records past QMS_IDEMPOTENCY_TTL_HOURS;
- the access log (django-axes sign-ins and failed sign-ins, HIS request log) past
  QMS_ACCESS_LOG_RETENTION_DAYS (README: "Access log").
"""
from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from qms.core.idempotency import purge_expired
from qms.uploads import sweep_orphan_files

ACCESS_LOGS = [("axes", "AccessLog", "attempt_time"), ("axes", "AccessFailureLog", "attempt_time"),
               ("his", "ApiRequestLog", "at")]


def purge_access_log(*, now: dt.datetime | None = None) -> int:
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.QMS_ACCESS_LOG_RETENTION_DAYS)
    removed = 0
    for app_label, model_name, field in ACCESS_LOGS:
        try:
            model = apps.get_model(app_label, model_name)
        except LookupError:
            continue
        removed += model._base_manager.filter(**{f"{field}__lt": cutoff}).delete()[0]
    return removed


def housekeeping(*, now: dt.datetime | None = None) -> dict[str, int]:
    return {
        "orphan_files": len(sweep_orphan_files(now=now)),
        "idempotency_records": purge_expired(),
        "access_log": purge_access_log(now=now),
    }
