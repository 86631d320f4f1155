"""The bulletin as a printed A4 document (SPEC §7): cover, contents with page numbers, one chapter per section."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.safestring import mark_safe

from bulletins.gather import iter_sections
from bulletins.models import Bulletin
from qms import charts
from django.template.loader import render_to_string

TEMPLATE = "pdf/bulletins/bulletin.html"


def _chart_svg(chart: dict[str, Any]) -> str:
    points = [tuple(p) for p in chart.get("points") or []]
    if not points:
        return ""
    return charts.run_chart(
        points,
        target=chart.get("target"),
        center=chart.get("center"),
        ucl=chart.get("ucl"),
        lcl=chart.get("lcl"),
        signals=chart.get("signals") or (),
        title=f"{chart.get('name', '')} 近13个月趋势",
        unit=chart.get("unit") or "",
    )


def bulletin_context(bulletin: Bulletin, data: dict[str, Any], *, issued_on: dt.date | None = None) -> dict[str, Any]:
    chapters = []
    for number, (key, title, section) in enumerate(iter_sections(data), start=1):
        extra: dict[str, Any] = {}
        if key == "indicators":
            extra["charts"] = [
                {**c, "svg": mark_safe(_chart_svg(c))} for c in section.get("charts", []) if c.get("points")
            ]
        if key == "events" and section.get("available"):
            by_dept = section.get("by_department") or []
            if by_dept:
                top = sorted(by_dept, key=lambda p: -p[1])[:12]
                extra["dept_chart"] = mark_safe(charts.bar_chart([p[0] for p in top], [p[1] for p in top],
                                                                 title="各科室上报例数"))
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
