"""The bulletin's 医疗质量安全信息 section (Art. 38): the month's register by kind and department."""
from __future__ import annotations

import datetime as dt
from typing import Any

from safety_info.models import SafetyRecord
from safety_info.selectors import register_stats
from safety_info.workflow import Kind, Status


def bulletin_section(*, institution: Any, year: int, month: int) -> dict:
    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    month_qs = SafetyRecord.objects.filter(institution=institution, received_on__gte=start, received_on__lt=end)
    open_qs = SafetyRecord.objects.filter(institution=institution, received_on__lt=end).exclude(status=Status.CLOSED)
    closed = SafetyRecord.objects.filter(institution=institution, closed_on__gte=start, closed_on__lt=end)
    if not month_qs.exists() and not open_qs.exists() and not closed.exists():
        return {"available": False, "empty": "本月未登记医疗投诉、医疗纠纷、医疗事故或诉讼案件。", "lines": [], "tables": [], "focus": []}
    stats = register_stats(month_qs)
    parts = "，".join(f"{k['label']} {k['n']} 件" for k in stats["kinds"])
    lines = [f"本月登记{parts}；本月办结 {closed.count()} 件，尚未办结 {open_qs.count()} 件（第三十八条）。"]
    tables = [{
        "title": "按类别", "head": ["类别", "本月登记", "其中未办结", "医院承担金额（元）"],
        "rows": [[str(k["label"]), str(k["n"]), str(k["open"]), f"{k['paid']:.2f}"] for k in stats["kinds"]],
    }]
    if stats["departments"]:
        tables.append({
            "title": "按科室", "head": ["科室", "投诉", "纠纷", "事故", "诉讼", "合计"],
            "rows": [[d["department__name"], str(d["complaint"]), str(d["dispute"]), str(d["malpractice"]),
                      str(d["lawsuit"]), str(d["n"])] for d in stats["departments"][:10]],
        })
    lessons = [r.lessons for r in closed.exclude(lessons="")[:3]]
    for text in lessons:
        lines.append(f"经验教训：{' '.join(text.split())[:120]}")
    focus = []
    if month_qs.filter(kind__in=[Kind.DISPUTE, Kind.MALPRACTICE, Kind.LAWSUIT]).exists():
        focus.append("对本月医疗纠纷、医疗事故及诉讼案件涉及科室开展根因分析并落实改进。")
    return {"available": True, "empty": "", "lines": lines, "tables": tables, "focus": focus}
