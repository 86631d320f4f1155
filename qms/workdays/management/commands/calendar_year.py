"""Enter a year's holiday schedule, or correct one day of it, through the one calendar service.

    manage.py calendar_year 2027 --holidays 2027-01-01,2027-02-08 --workdays 2027-02-06 --source "国办发明电…"
    manage.py calendar_year --day 2026-10-09 --off --note "国务院调整"     (a correction inside a year)
    manage.py calendar_year --day 2026-10-09 --delete
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qms.workdays import services
from qms.workdays.models import CalendarDay


def _dates(text: str) -> list[dt.date]:
    try:
        return [dt.date.fromisoformat(x.strip()) for x in (text or "").split(",") if x.strip()]
    except ValueError as exc:
        raise CommandError(f"日期须为 YYYY-MM-DD：{exc}") from None


class Command(BaseCommand):
    help = "录入全年节假日安排，或更正某一天（重新计算受影响的全部法定期限）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", nargs="?", type=int)
        parser.add_argument("--holidays", default="", help="逗号分隔：放假的工作日")
        parser.add_argument("--workdays", default="", help="逗号分隔：调休上班的周末")
        parser.add_argument("--source", default="")
        parser.add_argument("--day", help="更正某一天 YYYY-MM-DD")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--off", action="store_true", help="该日放假")
        group.add_argument("--on", action="store_true", help="该日上班")
        group.add_argument("--delete", action="store_true", help="删除该日的录入")
        parser.add_argument("--note", default="")

    def handle(self, *args, **o) -> None:
        try:
            if o["day"]:
                day = _dates(o["day"])[0]
                if o["delete"]:
                    row = CalendarDay.objects.filter(date=day).first()
                    if row is None:
                        raise CommandError(f"{day} 没有录入。")
                    moved = services.calendar_day_delete(row=row)
                elif o["off"] or o["on"]:
                    _row, moved = services.calendar_day_set(day=day, is_workday=bool(o["on"]), note=o["note"])
                else:
                    raise CommandError("请指定 --off、--on 或 --delete。")
            elif o["year"]:
                _year, moved = services.calendar_year_set(
                    year=o["year"], holidays=_dates(o["holidays"]), workdays=_dates(o["workdays"]), source=o["source"]
                )
            else:
                raise CommandError("请给出年份，或 --day。")
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        for pk, old, new in moved:
            self.stdout.write(f"deadline {pk}: {old} -> {new}")
        self.stdout.write(self.style.SUCCESS(f"已重新计算 {len(moved)} 个未完成期限。"))
