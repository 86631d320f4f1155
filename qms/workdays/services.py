"""The only way a year's working-day schedule changes (SPEC §8; API.md `PUT /api/v1/calendar/years/{year}/`).

The admin pages, the `calendar_year` / `calendar_day` management commands and the API all call these
services. Each one writes the calendar rows and, in the same transaction, recomputes every open Deadline
and every stored copy of a legal date the change moves (the apps' CALENDAR_HOOKS), logging each move.
A correction inside a covered year (the State Council moves a day) goes through the same path.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qms.core.services import deadlines_recompute_for_year, transition_record
from qms.workdays import _package_year, clear_cache
from qms.workdays.models import CalendarDay, CalendarYear

HOLIDAY_NOTE = "法定节假日"
MAKEUP_NOTE = "调休上班"


def _recompute(*, years: Iterable[int], reason: str, actor: Any) -> list[tuple[int, dt.date | None, dt.date]]:
    clear_cache()
    transaction.on_commit(clear_cache)  # other threads of this process must not keep the old schedule
    moved: list[tuple[int, dt.date | None, dt.date]] = []
    for year in sorted(set(years)):
        moved += deadlines_recompute_for_year(year=year, reason=reason, actor=actor)
    return moved


def _check_year(year: int, days: Iterable[dt.date], field: str, errors: dict[str, list[str]]) -> None:
    wrong = sorted(d for d in days if d.year != year)
    if wrong:
        errors.setdefault(field, []).append(
            _("日期 %(d)s 不属于 %(y)s 年。") % {"d": "、".join(d.isoformat() for d in wrong), "y": year}
        )


@transaction.atomic
def calendar_year_set(
    *, year: int, holidays: Iterable[dt.date], workdays: Iterable[dt.date], source: str = "", actor: Any = None
) -> tuple[CalendarYear, list[tuple[int, dt.date | None, dt.date]]]:
    """Enter a year's whole published schedule at once: the weekdays off and the weekend days worked.

    What is entered replaces what was there for that year (package days it leaves out become ordinary days);
    the year is confirmed from then on. Returns the year row and the Deadline rows that moved.
    """
    holidays, workdays = sorted(set(holidays)), sorted(set(workdays))
    errors: dict[str, list[str]] = {}
    if not 2000 <= year <= 2100:
        errors["year"] = [_("年份须在 2000–2100 之间。")]
    _check_year(year, holidays, "holidays", errors)
    _check_year(year, workdays, "workdays", errors)
    both = sorted(set(holidays) & set(workdays))
    if both:
        errors.setdefault("workdays", []).append(
            _("日期 %(d)s 不能既是节假日又是调休上班日。") % {"d": "、".join(d.isoformat() for d in both)}
        )
    weekdays = [d for d in workdays if d.weekday() < 5]
    if weekdays:
        errors.setdefault("workdays", []).append(
            _("调休上班日须为周六或周日：%(d)s 本来就是工作日。") % {"d": "、".join(d.isoformat() for d in weekdays)}
        )
    if errors:
        raise ValidationError(errors)
    wanted: dict[dt.date, tuple[bool, str]] = dict.fromkeys(holidays, (False, HOLIDAY_NOTE))
    wanted.update(dict.fromkeys(workdays, (True, MAKEUP_NOTE)))
    package = _package_year(year)
    if package is not None:
        # The package's days the entered schedule leaves out are ordinary days now: say so explicitly.
        for d in package[0] | package[1]:
            if d not in wanted:
                wanted[d] = (d.weekday() < 5, "按录入安排恢复为正常日")
    CalendarDay.objects.filter(date__year=year).exclude(date__in=list(wanted)).delete()
    for d, (is_workday, note) in wanted.items():
        CalendarDay.objects.update_or_create(date=d, defaults={"is_workday": is_workday, "note": note})
    row, _created = CalendarYear.objects.update_or_create(year=year, defaults={"source": source, "complete": True})
    transition_record(
        obj=row, from_status="", to_status="entered", actor=actor, reason=source,
        data={"holidays": [d.isoformat() for d in holidays], "workdays": [d.isoformat() for d in workdays]},
    )
    moved = _recompute(years=[year], reason=f"{year}年节假日安排录入后重新计算", actor=actor)
    return row, moved


def calendar_year_enter(
    *, year: int, holidays: list[dt.date], makeup_workdays: list[dt.date], source: str = ""
) -> list[tuple[int, dt.date | None, dt.date]]:
    """The older name of calendar_year_set (kept for callers)."""
    return calendar_year_set(year=year, holidays=holidays, workdays=makeup_workdays, source=source)[1]


@transaction.atomic
def calendar_year_save(*, row: CalendarYear, actor: Any = None) -> list[tuple[int, dt.date | None, dt.date]]:
    """The admin's CalendarYear form: its source and whether the year's schedule is complete."""
    old = CalendarYear.objects.filter(pk=row.pk).first() if row.pk else None
    row.save()
    old_year = old.year if old is not None else row.year
    transition_record(obj=row, from_status="" if old is None else "changed", to_status="saved", actor=actor,
                      data={"complete": row.complete, "source": row.source})
    return _recompute(years={old_year, row.year}, reason=f"{row.year}年节假日安排更改后重新计算", actor=actor)


@transaction.atomic
def calendar_year_delete(*, row: CalendarYear, actor: Any = None) -> list[tuple[int, dt.date | None, dt.date]]:
    year = row.year
    transition_record(obj=row, from_status="saved", to_status="deleted", actor=actor)
    row.delete()
    return _recompute(years=[year], reason=f"{year}年节假日安排撤销后重新计算", actor=actor)


@transaction.atomic
def calendar_day_set(
    *, day: dt.date, is_workday: bool, note: str = "", actor: Any = None, row: CalendarDay | None = None
) -> tuple[CalendarDay, list[tuple[int, dt.date | None, dt.date]]]:
    """Enter or correct one day (a holiday or a make-up workday), e.g. a day the State Council moves."""
    years = {day.year}
    if row is not None and row.pk:
        old = CalendarDay.objects.filter(pk=row.pk).first()
        if old is not None:
            years.add(old.date.year)
            if old.date != day:
                old.delete()
    saved, _created = CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": is_workday, "note": note})
    transition_record(obj=saved, from_status="", to_status="workday" if is_workday else "holiday", actor=actor,
                      reason=note, data={"date": day.isoformat()})
    moved = _recompute(years=years, reason=f"{day.isoformat()} 工作日安排更正后重新计算", actor=actor)
    return saved, moved


@transaction.atomic
def calendar_day_delete(*, row: CalendarDay, actor: Any = None) -> list[tuple[int, dt.date | None, dt.date]]:
    day = row.date
    transition_record(obj=row, from_status="workday" if row.is_workday else "holiday", to_status="deleted",
                      actor=actor, data={"date": day.isoformat()})
    row.delete()
    return _recompute(years=[day.year], reason=f"{day.isoformat()} 工作日安排删除后重新计算", actor=actor)
