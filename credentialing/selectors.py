"""Reads of the credentialing register, scoped to the caller (organizations/selectors.py)."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from credentialing.models import EmergencyUse, Privilege, PrivilegeItem, PrivilegeReview, ProcedureRecord
from credentialing.workflow import VALID, Status
from organizations.selectors import scope_q
from staff.models import Staff


def visible_items(user: Any) -> QuerySet[PrivilegeItem]:
    return PrivilegeItem.objects.filter(scope_q(user, department=None)).select_related("institution")


def visible_privileges(user: Any) -> QuerySet[Privilege]:
    return Privilege.objects.filter(scope_q(user, department="staff__department")).select_related(
        "institution", "staff", "staff__department", "item"
    )


def visible_emergency_uses(user: Any) -> QuerySet[EmergencyUse]:
    return EmergencyUse.objects.filter(scope_q(user, department="staff__department")).select_related(
        "institution", "staff", "staff__department", "item", "confirmed_by"
    )


def privilege_list(
    user: Any, *, department: str = "", item: str = "", status: str = "", expiring: int | None = None,
    lapsed: bool = False, institution: str = "",
) -> QuerySet[Privilege]:
    """Grants by department and item; expiring within N days; lapsed reviews (due date passed, not decided)."""
    qs = visible_privileges(user)
    today = timezone.localdate()
    if institution:
        qs = qs.filter(institution__code=institution)
    if department:
        qs = qs.filter(staff__department__code=department)
    if item:
        qs = qs.filter(item__code=item)
    if status in Status.values:
        qs = qs.filter(status=status)
    if expiring:
        qs = qs.filter(status__in=[*VALID, Status.SUSPENDED], valid_until__gte=today,
                       valid_until__lte=today + dt.timedelta(days=expiring))
    if lapsed:
        qs = qs.filter(
            status__in=[*VALID, Status.SUSPENDED, Status.EXPIRED],
            reviews__reviewed_at__isnull=True, reviews__due_on__lt=today,
        ).distinct()
    return qs.order_by("staff__department__code", "item__category", "item__code", "staff__code", "-valid_until")


def review_dossier(*, privilege: Privilege) -> list[dict]:
    """What the system knows of the person's work in this item since the last review: volume and outcomes the
    HIS reported, emergency uses, then what other apps contribute (qms.extensions DOSSIER_SOURCES)."""
    from qms.extensions import DOSSIER_SOURCES

    until = timezone.localdate()
    since = privilege.last_reviewed_on or privilege.valid_from
    procs = ProcedureRecord.objects.filter(
        staff_id=privilege.staff_id, item_id=privilege.item_id, performed_on__gte=since, performed_on__lte=until
    ).aggregate(n=Count("id"), reop=Count("id", filter=Q(unplanned_reoperation=True)),
                comp=Count("id", filter=Q(complication=True)))
    emergencies = EmergencyUse.objects.filter(
        staff_id=privilege.staff_id, used_at__date__gte=since).count()
    lines = [
        {"label": "HIS 报告例数", "value": procs["n"], "detail": f"{since} 至 {until}", "url": ""},
        {"label": "非计划再次手术", "value": procs["reop"], "detail": "HIS 随手术报告", "url": ""},
        {"label": "并发症", "value": procs["comp"], "detail": "HIS 随手术报告", "url": ""},
        {"label": "紧急越级使用（全部项目）", "value": emergencies, "detail": "", "url": ""},
    ]
    for fn in DOSSIER_SOURCES:
        try:
            lines += fn(staff=privilege.staff, item=privilege.item, since=since, until=until)
        except Exception as exc:
            lines.append({"label": "数据来源不可用", "value": "—", "detail": type(exc).__name__, "url": ""})
    return [{**ln, "value": ln["value"] if isinstance(ln["value"], (int, float, str)) else str(ln["value"])}
            for ln in lines]


def archive(*, staff: Staff) -> dict:
    """The personal technical archive (规范第十七条 医疗技术临床应用管理档案): every grant, review, emergency use."""
    grants = list(
        Privilege.objects.filter(staff=staff).select_related("item").prefetch_related("approvals__decided_by")
        .order_by("item__category", "item__code", "-valid_from")
    )
    reviews = list(
        PrivilegeReview.objects.filter(privilege__staff=staff, reviewed_at__isnull=False)
        .select_related("privilege__item", "reviewed_by").order_by("-reviewed_at")
    )
    uses = list(EmergencyUse.objects.filter(staff=staff).select_related("item", "confirmed_by").order_by("-used_at"))
    volumes = list(
        ProcedureRecord.objects.filter(staff=staff).values("item__name").annotate(
            n=Count("id"), reop=Count("id", filter=Q(unplanned_reoperation=True)),
            comp=Count("id", filter=Q(complication=True)), last=Max("performed_on")).order_by("item__name")
    )
    return {"staff": staff, "grants": grants, "reviews": reviews, "uses": uses, "volumes": volumes,
            "generated_at": timezone.localtime()}


def grade4_grid(*, institution_id: int, at: dt.date | None = None) -> dict:
    """Who may do which 四级手术 (术种) today: rows are surgeons, columns the grade-4 items."""
    at = at or timezone.localdate()
    items = list(PrivilegeItem.objects.filter(
        institution_id=institution_id, category="surgery", surgery_grade=4, is_active=True).order_by("code"))
    grants = (
        Privilege.objects.filter(item__in=items, status__in=VALID, valid_from__lte=at, valid_until__gte=at)
        .select_related("staff", "staff__department").order_by("staff__department__code", "staff__code")
    )
    rows: dict[int, dict] = {}
    for g in grants:
        row = rows.setdefault(g.staff_id, {"staff": g.staff, "cells": {}})
        row["cells"][g.item_id] = g
    out = []
    for row in rows.values():
        row["line"] = [row["cells"].get(i.pk) for i in items]
        out.append(row)
    return {"items": items, "rows": out, "at": at}
