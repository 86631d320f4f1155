"""The statutory working-day calendar (SPEC §8).

Order of authority for a day: a CalendarDay row entered by an administrator, then the chinesecalendar
package for the years it covers, then Monday–Friday. A day is *confirmed* when its year is covered by the
package or entered as a CalendarYear; every answer says whether it is.

Working-day deadlines count from the day after the start: the N-th working day after it is the last
allowed day. chinesecalendar's own find_workday(n, d) starts on the first workday on or after d, one day
late when d is a holiday, so it is not used.
"""
from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

_lock = threading.Lock()
_cache: dict[int, tuple[float, frozenset[dt.date], frozenset[dt.date], bool]] = {}
# Other processes (workers) see an administrator's change within this many seconds.
CACHE_SECONDS = 300


@dataclass(frozen=True)
class WorkdayResult:
    date: dt.date
    confirmed: bool


def _package_year(year: int) -> tuple[set[dt.date], set[dt.date]] | None:
    from chinese_calendar import constants

    if not (min(constants.holidays).year <= year <= max(constants.holidays).year):
        return None
    holidays = {d for d in constants.holidays if d.year == year}
    workdays = {d for d in constants.workdays if d.year == year}
    return holidays, workdays


def _year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date], bool]:
    """(days off on weekdays, workdays on weekends, confirmed) for one year, cached."""
    now = time.monotonic()
    hit = _cache.get(year)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1], hit[2], hit[3]
    from qms.workdays.models import CalendarDay, CalendarYear

    package = _package_year(year)
    off, on = (set(package[0]), set(package[1])) if package else (set(), set())
    for day in CalendarDay.objects.filter(date__year=year).only("date", "is_workday"):
        off.discard(day.date)
        on.discard(day.date)
        (on if day.is_workday else off).add(day.date)
    confirmed = package is not None or CalendarYear.objects.filter(year=year, complete=True).exists()
    entry = (now, frozenset(off), frozenset(on), confirmed)
    with _lock:
        _cache[year] = entry
    return entry[1], entry[2], entry[3]


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def year_confirmed(year: int) -> bool:
    return _year(year)[2]


def _working(day: dt.date) -> tuple[bool, bool]:
    off, on, confirmed = _year(day.year)
    if day in on:
        return True, confirmed
    if day in off:
        return False, confirmed
    return day.weekday() < 5, confirmed


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is it a working day, is that answer confirmed)."""
    return _working(day)


def add_workdays(start: dt.date, days: int) -> WorkdayResult:
    """The days-th working day after start (start itself for 0)."""
    if days < 0:
        raise ValueError("days must be >= 0")
    confirmed = year_confirmed(start.year)
    current = start
    remaining = days
    while remaining:
        current += dt.timedelta(days=1)
        working, day_confirmed = _working(current)
        confirmed = confirmed and day_confirmed
        if working:
            remaining -= 1
    return WorkdayResult(date=current, confirmed=confirmed)


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end]: how many working days after start end is. Negative if end < start."""
    if end < start:
        count, confirmed = workdays_between(end, start)
        return -count, confirmed
    count = 0
    confirmed = True
    current = start
    while current < end:
        current += dt.timedelta(days=1)
        working, day_confirmed = _working(current)
        confirmed = confirmed and day_confirmed
        count += working
    return count, confirmed


def nth_workday_of_month(year: int, month: int, n: int) -> WorkdayResult:
    """The n-th working day of a month (n >= 1), e.g. the 5th working day for monthly reports."""
    first = dt.date(year, month, 1)
    return add_workdays(first - dt.timedelta(days=1), n)
