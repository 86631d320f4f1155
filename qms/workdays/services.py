import datetime as dt

from django.db import transaction

from qms.core.services import deadlines_recompute_for_year
from qms.workdays import clear_cache
from qms.workdays.models import CalendarDay, CalendarYear


@transaction.atomic
def calendar_year_enter(
    *, year: int, holidays: list[dt.date], makeup_workdays: list[dt.date], source: str = ""
) -> list[tuple[int, dt.date | None, dt.date]]:
    """Enter a year's published schedule; open deadlines falling in that year are recomputed and logged."""
    for day in holidays:
        CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": False, "note": "法定节假日"})
    for day in makeup_workdays:
        CalendarDay.objects.update_or_create(date=day, defaults={"is_workday": True, "note": "调休上班"})
    CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    clear_cache()
    return deadlines_recompute_for_year(year=year)
