"""Reads of supervision, scoped through organizations.selectors: outside one's reach is 404."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from inspections.models import (
    Checklist,
    CoreSystem,
    Defect,
    Grade,
    Inspection,
    InspectionResult,
    PlannedCheck,
    RecordReview,
    ReviewKind,
    Tier,
)
from inspections.workflow import Status
from organizations.models import Department
from organizations.selectors import get_scope, scope_q, visible_departments
from rectifications.models import Rectification, Source
from rectifications.workflow import OPEN_STATUSES

# A self-check that scores this many percentage points above the hospital's check of the same checklist and
# month is flagged (本系统设定：the seeds name no figure), and so is one that finds nothing where the hospital
# found something (淄博方案二(二)4: 院科两级 supervision must agree).
GAP_POINTS = Decimal(10)


def _month(d: dt.date) -> tuple[dt.date, dt.date]:
    start = d.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    return start, end


def visible_inspections(user: Any) -> QuerySet[Inspection]:
    if not getattr(user, "is_authenticated", False):
        return Inspection.objects.none()
    return Inspection.objects.filter(scope_q(user)).select_related(
        "institution", "department", "checklist", "checklist__core_system", "version", "inspector")


def visible_checklists(user: Any) -> QuerySet[Checklist]:
    if not getattr(user, "is_authenticated", False):
        return Checklist.objects.none()
    scope = get_scope(user)
    qs = Checklist.objects.select_related("institution", "core_system", "current")
    if scope.superuser:
        return qs
    return qs.filter(institution_id__in=scope.all_institution_ids)


def visible_planned(user: Any) -> QuerySet[PlannedCheck]:
    if not getattr(user, "is_authenticated", False):
        return PlannedCheck.objects.none()
    return PlannedCheck.objects.filter(scope_q(user)).select_related(
        "institution", "department", "checklist", "checklist__core_system", "inspector", "inspecting_department",
        "inspection")


def visible_record_reviews(user: Any) -> QuerySet[RecordReview]:
    if not getattr(user, "is_authenticated", False):
        return RecordReview.objects.none()
    return RecordReview.objects.filter(scope_q(user)).select_related(
        "institution", "department", "physician", "reviewer", "rectification")


def core_systems() -> QuerySet[CoreSystem]:
    return CoreSystem.objects.order_by("order")


# ------------------------------------------------------------------------------------------------ coverage
def coverage(*, user: Any, institution: Any, year: int, today: dt.date | None = None) -> dict:
    """Per core system (and the other areas) × business department: checks done this year, planned checks
    still owed, and those overdue. Four queries whatever the size."""
    today = today or timezone.localdate()
    departments = list(
        visible_departments(user).filter(institution=institution, kind=Department.Kind.BUSINESS, is_active=True).order_by("code")
    )
    dept_ids = [d.pk for d in departments]
    done: defaultdict[tuple[int | str, int], int] = defaultdict(int)
    for row in (
        Inspection.objects.filter(institution=institution, inspected_on__year=year, status=Status.COMPLETED, department_id__in=dept_ids)
        .values("checklist__core_system_id", "checklist__area", "department_id").annotate(n=Count("id"))
    ):
        done[(row["checklist__core_system_id"] or row["checklist__area"], row["department_id"])] += row["n"]
    owed: defaultdict[tuple[int | str, int], int] = defaultdict(int)
    overdue: defaultdict[tuple[int | str, int], int] = defaultdict(int)
    for planned in PlannedCheck.objects.filter(
        institution=institution, year=year, cancelled=False, department_id__in=dept_ids
    ).filter(Q(inspection__isnull=True) | Q(inspection__status=Status.OPEN)).values(
        "checklist__core_system_id", "checklist__area", "department_id", "due_on"
    ):
        key = (planned["checklist__core_system_id"] or planned["checklist__area"], planned["department_id"])
        owed[key] += 1
        if planned["due_on"] < today:
            overdue[key] += 1
    from inspections.models import Area

    rows: list[dict[str, Any]] = []
    for cs in core_systems():
        rows.append({"label": cs.name, "key": cs.pk})
    for value, label in Area.choices:
        if value != Area.CORE_SYSTEM:
            rows.append({"label": str(label), "key": value})
    for r in rows:
        r["cells"] = [
            {"done": done.get((r["key"], d.pk), 0), "owed": owed.get((r["key"], d.pk), 0),
             "overdue": overdue.get((r["key"], d.pk), 0)}
            for d in departments
        ]
        r["covered"] = sum(1 for c in r["cells"] if c["done"])
        r["active"] = any(c["done"] or c["owed"] for c in r["cells"])
    return {"departments": departments, "rows": rows,
            "uncovered": [r["label"] for r in rows[:18] if not r["covered"]]}


# ------------------------------------------------------------------------------------- self-check vs hospital
def self_check_gaps(*, institution: Any, year: int, month: int | None = None, department: Any = None) -> list[dict]:
    """For each department, checklist and month with both a 科级自查 and a 院级督查: both scores (as % of
    the total) side by side; `flag` when the self-check is GAP_POINTS or more above, or found nothing where
    the hospital found deductions."""
    qs = Inspection.objects.filter(institution=institution, inspected_on__year=year, status=Status.COMPLETED,
                                   department__isnull=False)
    if month:
        qs = qs.filter(inspected_on__month=month)
    if department is not None:
        qs = qs.filter(department=department)
    groups: dict[tuple, dict] = {}
    for i in qs.select_related("department", "checklist").annotate(findings=Count("results", filter=Q(results__deducted__gt=0))):
        key = (i.department_id, i.checklist_id, i.inspected_on.month)
        g = groups.setdefault(key, {"department": i.department, "checklist": i.checklist, "month": i.inspected_on.month,
                                    Tier.HOSPITAL: [], Tier.DEPARTMENT: []})
        g[i.tier].append(i)
    out = []
    for g in groups.values():
        hosp, own = g[Tier.HOSPITAL], g[Tier.DEPARTMENT]
        if not hosp or not own:
            continue
        h = sum(i.percent for i in hosp) / len(hosp)
        s = sum(i.percent for i in own) / len(own)
        h_found = sum(i.findings for i in hosp)
        s_found = sum(i.findings for i in own)
        gap = (s - h).quantize(Decimal("0.1"))
        reasons = []
        if gap >= GAP_POINTS:
            reasons.append(f"自查得分率高于院级督查 {gap} 个百分点")
        if s_found == 0 and h_found > 0:
            reasons.append(f"自查未发现问题，院级督查发现 {h_found} 项")
        out.append({"department": g["department"], "checklist": g["checklist"], "month": g["month"],
                    "hospital": h.quantize(Decimal("0.1")), "self": s.quantize(Decimal("0.1")), "gap": gap,
                    "hospital_findings": h_found, "self_findings": s_found, "flag": bool(reasons), "reasons": reasons,
                    "hospital_ids": [i.pk for i in hosp], "self_ids": [i.pk for i in own]})
    out.sort(key=lambda r: (-int(r["flag"]), -r["gap"], r["month"]))
    return out


def comparison_for(inspection: Inspection) -> dict | None:
    """The other tier's score for the same department, checklist and month (the inspection page)."""
    if inspection.department_id is None or inspection.status != Status.COMPLETED:
        return None
    rows = self_check_gaps(institution=inspection.institution, year=inspection.inspected_on.year,
                           month=inspection.inspected_on.month, department=inspection.department)
    return next((r for r in rows if r["checklist"].pk == inspection.checklist_id), None)


# ----------------------------------------------------------------------------------------------- analysis
def _results(institution: Any, since: dt.date, until: dt.date) -> QuerySet[InspectionResult]:
    return InspectionResult.objects.filter(
        inspection__institution=institution, inspection__status=Status.COMPLETED,
        inspection__inspected_on__gte=since, inspection__inspected_on__lt=until, deducted__gt=0,
    )


def pareto_items(*, institution: Any, since: dt.date, until: dt.date, limit: int = 15) -> list[dict]:
    """Deductions summed by checklist item (by checklist and item code, across versions), largest first, with
    the cumulative share: the vital few."""
    rows = list(
        _results(institution, since, until)
        .values("inspection__checklist__code", "inspection__checklist__name", "item__code", "item__text")
        .annotate(points=Sum("deducted"), times=Count("id"))
    )
    merged: dict[tuple, dict] = {}
    for r in rows:
        key = (r["inspection__checklist__code"], r["item__code"])
        m = merged.setdefault(key, {"checklist": r["inspection__checklist__name"], "code": r["item__code"],
                                    "text": r["item__text"], "points": Decimal(0), "times": 0})
        m["points"] += r["points"]
        m["times"] += r["times"]
    return _cumulate(sorted(merged.values(), key=lambda m: (-m["points"], m["code"])), limit)


def _cumulate(rows: list[dict], limit: int) -> list[dict]:
    total = sum((r["points"] for r in rows), Decimal(0))
    running = Decimal(0)
    for r in rows:
        running += r["points"]
        r["share"] = (r["points"] * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)
        r["cumulative"] = (running * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)
    return rows[:limit]


def pareto_core_systems(*, institution: Any, since: dt.date, until: dt.date) -> list[dict]:
    rows = (
        _results(institution, since, until)
        .values("inspection__checklist__core_system__name", "inspection__checklist__area")
        .annotate(points=Sum("deducted"), times=Count("id"))
    )
    from inspections.models import Area

    areas = dict(Area.choices)
    merged: dict[str, dict] = {}
    for r in rows:
        label = r["inspection__checklist__core_system__name"] or str(areas.get(r["inspection__checklist__area"], ""))
        m = merged.setdefault(label, {"label": label, "points": Decimal(0), "times": 0})
        m["points"] += r["points"]
        m["times"] += r["times"]
    return _cumulate(sorted(merged.values(), key=lambda m: -m["points"]), 30)


def trends(*, institution: Any, year: int, by: str) -> dict:
    """Average score (% of total) per month, per department (`by="department"`) or per core system."""
    field = "department__name" if by == "department" else "checklist__core_system__name"
    series: dict[str, list] = defaultdict(lambda: [None] * 12)
    sums: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    for i in Inspection.objects.filter(
        institution=institution, inspected_on__year=year, status=Status.COMPLETED, tier=Tier.HOSPITAL
    ).values(field, "inspected_on", "score", "total_points"):
        if not i[field] or not i["total_points"]:
            continue
        acc = sums[(i[field], i["inspected_on"].month)]
        acc[0] += i["score"] * 100 / i["total_points"]
        acc[1] += 1
    for (name, month), (total, n) in sums.items():
        series[name][month - 1] = (total / n).quantize(Decimal("0.1"))
    return dict(sorted(series.items()))


def most_failing(*, institution: Any, since: dt.date, until: dt.date, limit: int = 10) -> dict:
    base = _results(institution, since, until)
    departments = list(
        base.exclude(inspection__department=None).values("inspection__department__name")
        .annotate(times=Count("id"), points=Sum("deducted"), checks=Count("inspection", distinct=True))
        .order_by("-times", "-points")[:limit]
    )
    items = pareto_items(institution=institution, since=since, until=until, limit=200)
    items.sort(key=lambda r: (-r["times"], -r["points"]))
    return {"departments": departments, "items": items[:limit]}


def repeat_findings(*, institution: Any, since: dt.date, until: dt.date) -> QuerySet[InspectionResult]:
    return _results(institution, since, until).filter(repeat=True).select_related(
        "item", "inspection", "inspection__department", "inspection__checklist")


# ------------------------------------------------------------------------------- where it goes (agenda etc.)
def worst_findings(*, institution: Any, since: dt.date, until: dt.date, department: Any = None, limit: int = 5) -> list:
    qs = _results(institution, since, until).select_related("item", "inspection__department", "inspection__checklist")
    if department is not None:
        qs = qs.filter(inspection__department=department)
    return list(qs.order_by("-deducted", "-repeat", "inspection__inspected_on")[:limit])


def overdue_rectifications(*, institution: Any, department: Any = None, today: dt.date | None = None) -> QuerySet[Rectification]:
    today = today or timezone.localdate()
    qs = Rectification.objects.filter(
        institution=institution, status__in=OPEN_STATUSES, due_on__lt=today,
        source_kind__in=[Source.INSPECTION, Source.RECORD_REVIEW],
    ).select_related("department")
    if department is not None:
        qs = qs.filter(department=department)
    return qs.order_by("due_on", "id")


def oversight(*, user: Any, today: dt.date | None = None) -> list[dict]:
    """For an authority: per hospital within reach, the supervision rectifications still open and overdue.
    A hospital that does not rectify is a 约谈 ground (山东省医疗质量管理规范 第四十五条（五）)."""
    today = today or timezone.localdate()
    scope = get_scope(user)
    ids = scope.official_institution_ids if not scope.superuser else None
    qs = Rectification.objects.filter(source_kind__in=[Source.INSPECTION, Source.RECORD_REVIEW])
    if ids is not None:
        qs = qs.filter(institution_id__in=ids)
    rows = qs.values("institution_id", "institution__code", "institution__name").annotate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today)),
        long_overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, due_on__lt=today - dt.timedelta(days=30))),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        repeats=Count("id", filter=Q(repeat_of__isnull=False)),  # type: ignore[no-redef]  # a values() row key; Django allows it
    ).order_by("-overdue", "institution__code")
    return [{**r, "flag": r["long_overdue"] > 0} for r in rows]


# -------------------------------------------------------------------------------------------- record quality
def record_figures(qs: QuerySet[RecordReview]) -> dict:
    """ZB13-8 and ZB14 over a set of reviews (see the indicator definitions in migration 0002)."""
    final = qs.filter(kind=ReviewKind.FINAL)
    a = final.aggregate(n=Count("id"), a=Count("id", filter=Q(grade=Grade.A)))
    all_ = list(qs.values_list("defects", flat=True))
    copied = sum(1 for d in all_ if Defect.COPY in (d or []))
    return {"final": a["n"], "grade_a": a["a"], "reviewed": len(all_), "copied": copied,
            "a_rate": (Decimal(a["a"]) * 100 / a["n"]).quantize(Decimal("0.1")) if a["n"] else None,
            "copy_rate": (Decimal(copied) * 100 / len(all_)).quantize(Decimal("0.1")) if all_ else None}


def record_stats(*, user: Any, institution: Any, period: dt.date, by: str) -> list[dict]:
    """Per physician (`by="physician"`) or department for one month."""
    start, end = _month(period)
    qs = visible_record_reviews(user).filter(institution=institution, reviewed_on__gte=start, reviewed_on__lt=end)
    groups: dict[Any, list] = defaultdict(list)
    for r in qs:
        groups[r.physician if by == "physician" else r.department].append(r)
    out = []
    for key, reviews in groups.items():
        final = [r for r in reviews if r.kind == ReviewKind.FINAL]
        a = sum(1 for r in final if r.grade == Grade.A)
        copied = sum(1 for r in reviews if r.has_copy_defect)
        out.append({"key": key, "reviewed": len(reviews), "final": len(final), "grade_a": a, "copied": copied,
                    "a_rate": (Decimal(a) * 100 / len(final)).quantize(Decimal("0.1")) if final else None,
                    "copy_rate": (Decimal(copied) * 100 / len(reviews)).quantize(Decimal("0.1")),
                    "avg": (sum(r.score for r in reviews) / len(reviews)).quantize(Decimal("0.1"))})
    out.sort(key=lambda r: (r["a_rate"] if r["a_rate"] is not None else Decimal(101), -r["copy_rate"]))
    return out
