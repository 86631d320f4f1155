"""The bulletin as a printed A4 document (SPEC §7): cover, contents with page numbers, one chapter per section."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from bulletins.gather import iter_sections
from bulletins.models import Bulletin
from qms import charts

TEMPLATE = "pdf/bulletins/bulletin.html"


TREND_MONTHS = 13  # the trend charts show the last 13 months: this month and the same month last year


def _trend(chart: dict[str, Any]) -> dict[str, Any]:
    """The chart cut to its last TREND_MONTHS points (month_table keeps 24 for the control limits)."""
    points = [tuple(p) for p in chart.get("points") or []]
    cut = max(0, len(points) - TREND_MONTHS)

    def limits(value: Any) -> Any:
        return value[cut:] if isinstance(value, list) else value

    return {**chart, "points": points[cut:], "ucl": limits(chart.get("ucl")), "lcl": limits(chart.get("lcl")),
            "signals": [i - cut for i in chart.get("signals") or () if i >= cut]}


def _is_flat(chart: dict[str, Any]) -> bool:
    values = {p[1] for p in chart.get("points") or [] if p[1] is not None}
    return len(values) <= 1


def _chart_svg(chart: dict[str, Any]) -> str:
    points = chart.get("points") or []
    if not points:
        return ""
    # The heading above the chart names the indicator; the chart itself carries no second title.
    return charts.run_chart(
        points,
        target=chart.get("target"),
        center=chart.get("center"),
        ucl=chart.get("ucl"),
        lcl=chart.get("lcl"),
        signals=chart.get("signals") or (),
        unit=chart.get("unit") or "",
    )


def indicator_charts(section: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """(charts to draw, names of the indicators left out because their line is flat: nothing to see)."""
    drawn, flat = [], []
    for chart in section.get("charts", []):
        chart = _trend(chart)
        if not chart["points"]:
            continue
        if _is_flat(chart):
            flat.append(chart.get("name", ""))
            continue
        drawn.append({**chart, "svg": mark_safe(_chart_svg(chart)), "months": len(chart["points"])})
    return drawn, flat


def department_chart(section: dict[str, Any]) -> str:
    from django.utils.translation import gettext

    by_dept = section.get("by_department") or []
    if not section.get("available") or not by_dept:
        return ""
    top = sorted(by_dept, key=lambda p: -p[1])[:12]
    return mark_safe(charts.bar_chart([p[0] for p in top], [p[1] for p in top], title=gettext("各科室上报例数")))


def running_number(bulletin: Bulletin) -> int:
    """总第 N 期: how many months this hospital has issued a bulletin for, up to and including this one."""
    from django.db.models import Q

    earlier = Q(year__lt=bulletin.year) | Q(year=bulletin.year, month__lte=bulletin.month)
    return (Bulletin.objects.filter(earlier, institution_id=bulletin.institution_id)
            .values("year", "month").distinct().count()) or 1


def bulletin_context(bulletin: Bulletin, data: dict[str, Any], *, issued_on: dt.date | None = None) -> dict[str, Any]:
    chapters = []
    for number, (key, title, section) in enumerate(iter_sections(data), start=1):
        extra: dict[str, Any] = {}
        if key == "indicators":
            extra["charts"], extra["flat_charts"] = indicator_charts(section)
        if key == "events":
            extra["dept_chart"] = department_chart(section)
        chapters.append({
            "key": key,
            "number": number,
            "title": title,
            "anchor": f"sec-{key}",
            "data": section,
            "commentary": (bulletin.commentary or {}).get(key, ""),
            **extra,
        })
    return {
        "bulletin": bulletin,
        "institution": bulletin.institution,
        "chapters": chapters,
        "foreword": bulletin.foreword,
        "issued_on": issued_on or timezone.localdate(),
        "running_number": running_number(bulletin),
    }


def render_bulletin_pdf(bulletin: Bulletin, data: dict[str, Any] | None = None,
                        *, issued_on: dt.date | None = None) -> tuple[bytes, int]:
    """(PDF bytes, page count). qms.pdf.render_pdf's pipeline (same template base, same static-only
    fetcher), laid out through WeasyPrint's Document so that the page count comes for free: the PDF
    WeasyPrint writes keeps its page tree in compressed object streams, unreadable without a PDF parser."""
    from django.conf import settings
    from django.utils import translation
    from weasyprint import HTML

    from qms.pdf import _static_fetcher

    # Archived in Chinese, whatever language the user who generated it reads.
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(TEMPLATE, bulletin_context(bulletin, data if data is not None else bulletin.sections,
                                                           issued_on=issued_on))
    document = HTML(string=html, base_url="static:", url_fetcher=_static_fetcher).render()
    return document.write_pdf(), len(document.pages)
