"""ZB13-8 甲级病案率 and ZB14 不合理复制病历发生率 computed from record reviews (qms.extensions
register_indicator_source), by the definitions written into the catalogue (migration 0002):

- ZB13-8: 终末病历 reviewed in the month (by review date) graded 甲级 / 终末病历 reviewed in the month.
- ZB14: reviewed records (运行 and 终末) flagged 不合理复制病历 / records reviewed in the month.

None when the month has no reviews: the hospital's typed figure, if any, stands.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from inspections.models import RecordReview
from inspections.selectors import _month, record_figures


def _reviews(institution: Any, department: Any, period: dt.date):
    start, end = _month(period)
    qs = RecordReview.objects.filter(institution=institution, reviewed_on__gte=start, reviewed_on__lt=end)
    if department is not None:
        qs = qs.filter(department=department)
    return qs


def grade_a_rate(*, institution: Any, department: Any = None, period: dt.date) -> tuple[int, int] | None:
    f = record_figures(_reviews(institution, department, period))
    return (f["grade_a"], f["final"]) if f["final"] else None


def copy_rate(*, institution: Any, department: Any = None, period: dt.date) -> tuple[int, int] | None:
    f = record_figures(_reviews(institution, department, period))
    return (f["copied"], f["reviewed"]) if f["reviewed"] else None
