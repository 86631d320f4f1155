"""`{{ date|legal_date:confirmed }}`: a legal date with its confirmed mark wherever it is shown (SPEC §8).

A date computed over a year whose holiday schedule is not yet published or entered is provisional; every
page, PDF and e-mail that shows it says so.
"""
from __future__ import annotations

import datetime as dt

from django import template
from django.utils.translation import gettext as _

register = template.Library()


def mark(day: dt.date | None, confirmed: bool, fmt: str = "%Y-%m-%d") -> str:
    if day is None:
        return "—"
    text = f"{day.year}年{day.month}月{day.day}日" if fmt == "cn" else day.strftime(fmt)
    return text if confirmed else text + _("（日历未确认）")


@register.filter
def legal_date(day: dt.date | None, confirmed: bool = True) -> str:
    return mark(day, bool(confirmed))

