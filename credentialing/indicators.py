"""ZB01 and ZB02 computed from the register each month (qms.extensions.register_indicator_source).

Definitions used (stated in the catalogue by migration 0002):
- ZB01 四级手术动态评估率 = grade-4 surgery kinds (术种) in the hospital's catalogue, in use during the month, whose
  last 动态评估 lies within the 12 months before the month's end (评估周期原则上不超过1年) / all such kinds.
  None (no basis) when the hospital's catalogue lists no 四级手术术种.
- ZB02 三级公立医院医务人员准入授权信息化管理 = 1 / 1 when, in the month, the hospital held its grants in this
  register (at least one grant valid on a day of the month) and its HIS asked the check endpoint at least once
  (the HIS request log shows it): 权限管理嵌入信息系统; 0 / 1 otherwise.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db.models import Q

from credentialing.models import Privilege, PrivilegeItem
from credentialing.workflow import VALID, ItemStatus, Status

CHECK_PATH = "/api/v1/privileges/check/"


def _month(period: dt.date) -> tuple[dt.date, dt.date]:
    start = period.replace(day=1)
    return start, start + relativedelta(months=1) - dt.timedelta(days=1)


def zb01(*, institution: Any, department: Any = None, period: dt.date) -> tuple[int, int] | None:
    start, end = _month(period)
    kinds = PrivilegeItem.objects.filter(
        institution=institution, category="surgery", surgery_grade=4, is_active=True, created_at__date__lte=end,
    ).exclude(code="SURG-4").filter(Q(status=ItemStatus.ACTIVE) | Q(status_changed_at__date__gte=start))
    total = kinds.count()
    if not total:
        return None
    assessed = kinds.filter(last_assessed_on__gt=end - relativedelta(years=1), last_assessed_on__lte=end).count()
    return assessed, total


def zb02(*, institution: Any, department: Any = None, period: dt.date) -> tuple[int, int] | None:
    from qms.his.models import ApiRequestLog

    start, end = _month(period)
    has_register = Privilege.objects.filter(
        institution=institution, valid_from__lte=end, valid_until__gte=start,
        status__in=[*VALID, Status.SUSPENDED, Status.REVOKED, Status.EXPIRED],
    ).exists()
    checked = ApiRequestLog.objects.filter(
        institution=institution, path__startswith=CHECK_PATH, at__date__gte=start, at__date__lte=end
    ).exists()
    return (1 if has_register and checked else 0), 1
