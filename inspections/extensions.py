"""What supervision contributes to shared pages: nav, home panel, the committee's draft agenda, the bulletin
section and the record-quality indicators."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.selectors import get_scope


def nav_visible(user: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = get_scope(user)
    return scope.superuser or bool(scope.all_institution_ids)


def _last_month(until: dt.date) -> tuple[dt.date, dt.date]:
    end = until.replace(day=1)
    start = (end - dt.timedelta(days=1)).replace(day=1)
    return start, end


def agenda_items(*, institution: Any, department: Any, since: Any, until: dt.date) -> list[dict]:
    """The month's worst findings and the overdue supervision rectifications (三（四）10: 检查评估—约谈通报—
    专项整改): the committee (or the department's group) hears them at its next meeting."""
    from inspections.selectors import overdue_rectifications, worst_findings

    if institution is None:
        return []
    start, end = _last_month(until)
    out = []
    for r in worst_findings(institution=institution, since=start, until=end, department=department):
        where = r.inspection.department.name if r.inspection.department_id else institution.name
        out.append({
            "kind": "inspection_finding",
            "title": _("督查问题：%(where)s · %(checklist)s %(code)s（扣 %(d)s 分）%(repeat)s") % {
                "where": where, "checklist": r.inspection.checklist.name, "code": r.item.code,
                "d": r.deducted.normalize(), "repeat": _("【重复发现】") if r.repeat else ""},
            "detail": f"{r.item.text}：{r.finding}"[:300],
            "url": reverse("inspections:detail", args=[r.inspection_id]),
        })
    today = timezone.localdate()
    for rect in overdue_rectifications(institution=institution, department=department)[:10]:
        out.append({
            "kind": "rectification_overdue",
            "title": _("整改逾期：%(dept)s，期限 %(due)s（已逾期 %(days)s 天）") % {
                "dept": rect.department.name if rect.department is not None else institution.name,
                "due": rect.due_on.isoformat(), "days": (today - rect.due_on).days},
            "detail": rect.problem[:300],
            "url": reverse("rectifications:detail", args=[rect.pk]),
        })
    return out


def bulletin_section(*, institution: Any, year: int, month: int) -> dict:
    """督查与整改: the month's checks, scores, the items most deducted, self-check gaps, rectifications and
    record quality. Plain Chinese data (frozen with the bulletin)."""
    from inspections.models import Inspection, Tier
    from inspections.selectors import pareto_items, record_figures, self_check_gaps
    from inspections.workflow import Status
    from rectifications.models import Rectification, Source
    from rectifications.workflow import OPEN_STATUSES

    start = dt.date(year, month, 1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    checks = Inspection.objects.filter(institution=institution, status=Status.COMPLETED,
                                       inspected_on__gte=start, inspected_on__lt=end)
    from inspections.models import RecordReview

    reviews = RecordReview.objects.filter(institution=institution, reviewed_on__gte=start, reviewed_on__lt=end)
    n = checks.count()
    if not n and not reviews.exists():
        return {"available": False, "empty": "本月无督查检查和病历质控记录", "lines": [], "tables": [], "focus": []}
    by_tier = dict(checks.values_list("tier").annotate(c=Count("id")))
    rects = Rectification.objects.filter(institution=institution, source_kind__in=[Source.INSPECTION, Source.RECORD_REVIEW])
    opened = rects.filter(created_at__date__gte=start, created_at__date__lt=end)
    lines = [
        f"本月完成质量检查 {n} 次（院级督查 {by_tier.get(Tier.HOSPITAL, 0)} 次，科级自查 {by_tier.get(Tier.DEPARTMENT, 0)} 次）。",
        f"本月提出整改 {opened.count()} 项，其中重复发现 {opened.filter(repeat_of__isnull=False).count()} 项；"
        f"截至月末仍未整改完成 {rects.filter(status__in=OPEN_STATUSES, created_at__date__lt=end).count()} 项，"
        f"其中逾期 {rects.filter(status__in=OPEN_STATUSES, due_on__lt=min(end, timezone.localdate())).count()} 项。",
    ]
    tables = []
    scores = []
    for row in (checks.filter(tier=Tier.HOSPITAL).exclude(department=None)
                .values("department__name").annotate(avg=Avg("score"), tot=Avg("total_points"), c=Count("id"))
                .order_by("department__name")):
        pct = (Decimal(row["avg"]) * 100 / Decimal(row["tot"])).quantize(Decimal("0.1")) if row["tot"] else Decimal(0)
        scores.append([row["department__name"], str(row["c"]), f"{pct}%"])
    if scores:
        tables.append({"title": "院级督查各科室得分率", "head": ["科室", "检查次数", "平均得分率"], "rows": scores})
    items = pareto_items(institution=institution, since=start, until=end, limit=8)
    if items:
        tables.append({"title": "扣分最多的检查条目（帕累托）", "head": ["检查表", "条目", "扣分", "次数", "累计占比"],
                       "rows": [[i["checklist"], f"{i['code']} {i['text'][:30]}", str(i["points"].normalize()),
                                 str(i["times"]), f"{i['cumulative']}%"] for i in items]})
    gaps = [g for g in self_check_gaps(institution=institution, year=year, month=month) if g["flag"]]
    if gaps:
        tables.append({"title": "科室自查与院级督查差距较大", "head": ["科室", "检查表", "自查得分率", "院级得分率", "说明"],
                       "rows": [[g["department"].name, g["checklist"].name, f"{g['self']}%", f"{g['hospital']}%",
                                 "；".join(g["reasons"])] for g in gaps]})
    f = record_figures(reviews)
    if f["reviewed"]:
        lines.append(
            f"病历质控：评价病历 {f['reviewed']} 份，其中终末病历 {f['final']} 份，甲级病案率 "
            f"{f['a_rate'] if f['a_rate'] is not None else '—'}%（ZB13-8）；不合理复制病历 {f['copied']} 份，"
            f"发生率 {f['copy_rate']}%（ZB14）。")
    focus = []
    if items:
        focus.append(f"针对扣分最多的条目“{items[0]['code']} {items[0]['text'][:20]}”开展专项整改。")
    if gaps:
        focus.append("督促自查与院级督查差距较大的科室如实开展自查：" + "、".join(sorted({g["department"].name for g in gaps})) + "。")
    return {"available": True, "empty": "", "lines": lines, "tables": tables, "focus": focus}


def home_panel(request: Any) -> dict | None:
    """Planned checks due within a week or overdue, for whoever is to carry them out or oversees them."""
    from inspections.selectors import visible_planned

    user = request.user
    if not nav_visible(user):
        return None
    today = timezone.localdate()
    qs = visible_planned(user).filter(cancelled=False).filter(
        Q(inspection__isnull=True) | Q(inspection__status="open")).filter(due_on__lte=today + dt.timedelta(days=7))
    if get_scope(user).is_official and not get_scope(user).institution_ids:
        return None
    rows = list(qs.order_by("due_on")[:8])
    if not rows:
        return None
    for r in rows:
        r.overdue = r.due_on < today
    return {"title": _("计划检查"), "template": "inspections/_home_panel.html", "rows": rows,
            "url": reverse("inspections:plan")}
