"""The dates Art. 45–51 set for a 约谈, as pure functions over the working-day calendar (SPEC §5, §8).

Working-day periods count from the day after the start: the N-th working day after it is the last allowed
day. Month periods are calendar months: 31 January + 1 month is the last day of February.
"""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta

from qms.workdays import WorkdayResult, add_workdays

HOLD_WORKDAYS = 30  # Art. 45: 30 个工作日内组织约谈
NOTICE_WORKDAYS = 3  # Art. 46 (二): 提前3个工作日通知
REPORT_WORKDAYS = 5  # Art. 50: 整改时限到期后5个工作日内提交书面整改报告
UPWARD_WORKDAYS = 10  # Art. 51: 县级约谈结束后10个工作日内报市级
RECTIFICATION_MONTHS = {"general": 1, "major": 3}  # Art. 47 (四)


def hold_by(trigger_date: dt.date) -> WorkdayResult:
    return add_workdays(trigger_date, HOLD_WORKDAYS)


def earliest_interview_date(notified_on: dt.date) -> WorkdayResult:
    """The first day the interview may be held after a notice delivered on notified_on."""
    return add_workdays(notified_on, NOTICE_WORKDAYS)


def rectification_limit(held_on: dt.date, scale: str) -> dt.date:
    """The latest rectification deadline the law allows: ≤ 1 month (general), ≤ 3 months (major)."""
    return held_on + relativedelta(months=RECTIFICATION_MONTHS[scale])


def rectification_report_due(rectification_deadline: dt.date) -> WorkdayResult:
    return add_workdays(rectification_deadline, REPORT_WORKDAYS)


def upward_report_due(held_on: dt.date) -> WorkdayResult:
    return add_workdays(held_on, UPWARD_WORKDAYS)


def half_year_of(day: dt.date) -> tuple[int, int]:
    return day.year, 1 if day.month <= 6 else 2


def half_year_due(year: int, half: int) -> dt.date:
    """Art. 51: the city reports to the province by the end of June and the end of December."""
    return dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)


def half_year_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if half == 1 else (dt.date(year, 7, 1), dt.date(year, 12, 31))
