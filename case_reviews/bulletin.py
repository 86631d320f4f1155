"""The bulletin's 重点病例评价 section and the ZB12-3 indicator source."""
from __future__ import annotations

import datetime as dt
from typing import Any

from case_reviews.models import Case, CaseReview, Finding
from case_reviews.selectors import death_discussion_figures
from case_reviews.workflow import Category, Focus, Severity, Status


def _bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    return start, (start + dt.timedelta(days=32)).replace(day=1)


def bulletin_section(*, institution: Any, year: int, month: int) -> dict:
    start, end = _bounds(year, month)
    reviews = CaseReview.objects.filter(institution=institution, status=Status.SUBMITTED,
                                        submitted_at__date__gte=start, submitted_at__date__lt=end)
    deaths = Case.objects.filter(institution=institution, died=True, died_on__gte=start, died_on__lt=end)
    figures = death_discussion_figures(institution=institution, period=start)
    if not reviews.exists() and figures is None:
        return {"available": False, "empty": "本月无已完成的重点病例评价，病例库无死亡病例。", "lines": [], "tables": [], "focus": []}
    labels = dict(Category.choices)
    rows = []
    for category in Category.values:
        in_cat = [r for r in reviews if r.category == category]
        if not in_cat:
            continue
        found = Finding.objects.filter(review__in=in_cat)
        rows.append([str(labels[category]), str(len(in_cat)), str(found.count()),
                     str(found.filter(severity=Severity.SERIOUS).count())])
    focus_labels = dict(Focus.choices)
    by_focus: dict[str, int] = {}
    for f in Finding.objects.filter(review__in=reviews).values_list("focus", flat=True):
        by_focus[f] = by_focus.get(f, 0) + 1
    lines = [f"本月完成重点病例评价 {reviews.count()} 例（第三十六条）。"]
    if figures is not None:
        num, den = figures
        lines.append(f"死亡病例 {deaths.count()} 例，1周内完成死亡病例讨论 {num} 例，及时完成率 {num / den:.1%}（ZB12-3）。")
    tables = []
    if rows:
        tables.append({"title": "重点病例评价结果（按类别）", "head": ["病例类别", "评价例数", "发现问题", "其中严重"], "rows": rows})
    if by_focus:
        tables.append({"title": "问题分布（按评价重点）", "head": ["评价重点", "问题数"],
                       "rows": [[str(focus_labels[k]), str(v)] for k, v in sorted(by_focus.items(), key=lambda x: -x[1])]})
    focus = []
    if by_focus:
        top = max(by_focus, key=lambda k: by_focus[k])
        focus.append(f"针对重点病例评价中“{focus_labels[top]}”方面问题较多，组织专项整改。")
    if figures is not None and figures[0] < figures[1]:
        focus.append("督促临床科室在患者死亡后1周内完成死亡病例讨论。")
    return {"available": True, "empty": "", "lines": lines, "tables": tables, "focus": focus}


def zb12_3(*, institution: Any, department: Any, period: dt.date) -> tuple[int, int] | None:
    return death_discussion_figures(institution=institution, period=period, department=department)
