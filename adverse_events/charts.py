"""A server-drawn SVG bar chart (no scripts, no CDN): the statistics page and any PDF can embed it.

qms/charts.py (the indicators app's module) did not exist when this was written; if it lands, this can go.
"""
from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR = "#1f4e79"


def bar_chart(data: list[tuple[str, int]], *, title: str, chart_id: str, horizontal: bool = False) -> SafeString:
    if horizontal:
        return _horizontal(data, title=title, chart_id=chart_id)
    width, height, left, bottom, top = 640, 240, 36, 28, 24
    n = max(len(data), 1)
    peak = max([v for _, v in data] + [1])
    slot = (width - left - 8) / n
    bar_w = max(slot * 0.6, 2)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="qms-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 4}" y2="{height - bottom}" stroke="#999"/>',
    ]
    plot_h = height - bottom - top
    for i, (label, value) in enumerate(data):
        h = plot_h * value / peak
        x = left + i * slot + (slot - bar_w) / 2
        y = height - bottom - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}">'
                     f"<title>{escape(label)}: {value}</title></rect>")
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" font-size="11" text-anchor="middle">'
                     f"{value}</text>")
        parts.append(f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 16}" font-size="11" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every label is escaped above


def _horizontal(data: list[tuple[str, int]], *, title: str, chart_id: str) -> SafeString:
    row, left, width = 24, 150, 640
    height = max(len(data), 1) * row + 12
    peak = max([v for _, v in data] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{escape(chart_id)}" class="qms-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(data):
        y = 6 + i * row
        w = (width - left - 40) * value / peak
        parts.append(f'<text x="{left - 6}" y="{y + 15}" font-size="12" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="{BAR}"/>')
        parts.append(f'<text x="{left + w + 4:.1f}" y="{y + 15}" font-size="12">{value}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308
