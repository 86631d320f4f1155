"""Scoped reads of adverse events (SPEC §4 and §1 “who sees what”).

Quality office and hospital leaders: every event of their hospital. Department head: their department's.
Reporter: their own named reports. Officials: the class I/II events (and the 医疗质量安全事件 reported to them)
of hospitals registered with their authority or below. Everything else is 404.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from adverse_events.models import AdverseEvent, SeverityClass
from adverse_events.permissions import headed_department_ids
from adverse_events.workflow import Status
from organizations.selectors import get_scope

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
OFFICIAL_CLASSES = ("I", "II")


def visible_q(user) -> Q | None:
    """None means everything (superuser); an empty Q(pk__in=[]) means nothing."""
    scope = get_scope(user)
    if scope.superuser:
        return None
    q = Q(pk__in=[])
    if scope.institution_ids:
        q |= Q(institution_id__in=scope.institution_ids)
    heads = headed_department_ids(user)
    if heads:
        q |= Q(department_id__in=heads)
    if user.is_authenticated:
        q |= Q(reporter_id=user.pk)
    if scope.official_institution_ids:
        q |= Q(institution_id__in=scope.official_institution_ids) & (
            Q(severity_class__in=OFFICIAL_CLASSES) | ~Q(safety_grade="")
        )
    return q


def visible_events(user) -> QuerySet[AdverseEvent]:
    qs = AdverseEvent.objects.select_related("institution__authority", "department", "event_type")
    q = visible_q(user)
    return qs if q is None else qs.filter(q)


def event_detail(user, pk: int) -> AdverseEvent:
    from django.shortcuts import get_object_or_404

    qs = visible_events(user).select_related("reporter", "analysis__analysed_by").prefetch_related(
        "actions__owner", "actions__owner_department", "actions__verified_by", "attachments", "interviews"
    )
    return get_object_or_404(qs, pk=pk)


def my_reports(user) -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.filter(reporter_id=user.pk).select_related("department", "event_type", "institution")


def event_by_receipt(code: str) -> AdverseEvent | None:
    return (
        AdverseEvent.objects.filter(receipt_code=code)
        .select_related("department", "event_type", "institution")
        .first()
    )


def _local_range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=SHANGHAI),
        dt.datetime.combine(end, dt.time.min, tzinfo=SHANGHAI),
    )


def count_reports(*, institution_id: int, start: dt.date, end: dt.date, department_id: int | None = None) -> int:
    """Events reported in [start, end) (Asia/Shanghai days), withdrawn ones excluded: one query.

    The numerator of “每百出院人次主动报告不良事件例次数” (ZB 附件 9); the indicators app divides by discharges.
    """
    lo, hi = _local_range(start, end)
    qs = AdverseEvent.objects.filter(institution_id=institution_id, reported_at__gte=lo, reported_at__lt=hi).exclude(
        status=Status.WITHDRAWN
    )
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    return qs.count()


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def monthly_statistics(*, institution_id: int, year: int, month: int) -> dict:
    """The month's events of one hospital (reported in the month, withdrawn excluded): three queries.

    {"total", "closed", "closed_loop_rate" (closed / total, None when no events), "late",
     "by_type": [{"code","name","count"}], "by_class": {"I": n, ...}, "by_department": [{"code","name","count"}],
     "serious": [{"id","number","department","event_type","severity_class","severity_level","status",
                  "status_display","analysed","analysis_method","reported_at"}]}
    """
    start, end = _month_bounds(year, month)
    lo, hi = _local_range(start, end)
    rows = list(
        AdverseEvent.objects.filter(institution_id=institution_id, reported_at__gte=lo, reported_at__lt=hi)
        .exclude(status=Status.WITHDRAWN)
        .select_related("department", "event_type", "analysis")
        .order_by("reported_at", "id")
    )
    by_type: Counter = Counter()
    by_dept: Counter = Counter()
    names: dict[tuple[str, str], str] = {}
    by_class = dict.fromkeys(("I", "II", "III", "IV"), 0)
    serious = []
    closed = late = 0
    for e in rows:
        by_type[e.event_type.code] += 1
        names[("t", e.event_type.code)] = e.event_type.name
        by_dept[e.department.code] += 1
        names[("d", e.department.code)] = e.department.name
        by_class[e.severity_class] = by_class.get(e.severity_class, 0) + 1
        closed += e.status == Status.CLOSED
        late += e.is_late
        if e.severity_class in OFFICIAL_CLASSES:
            analysis = getattr(e, "analysis", None)
            serious.append({
                "id": e.pk, "number": e.number, "department": e.department.name, "event_type": e.event_type.name,
                "severity_class": e.severity_class, "severity_level": e.severity_level, "status": e.status,
                "status_display": e.get_status_display(), "analysed": analysis is not None,
                "analysis_method": analysis.get_method_display() if analysis else "",
                "reported_at": e.reported_at,
            })
    total = len(rows)
    return {
        "year": year,
        "month": month,
        "total": total,
        "closed": closed,
        "late": late,
        "closed_loop_rate": (closed / total) if total else None,
        "by_type": [{"code": c, "name": names[("t", c)], "count": n} for c, n in by_type.most_common()],
        "by_class": by_class,
        "by_department": [{"code": c, "name": names[("d", c)], "count": n} for c, n in by_dept.most_common()],
        "serious": serious,
    }


def statistics(events: QuerySet[AdverseEvent], *, start: dt.date, end: dt.date) -> dict:
    """Counts of a scoped set of events in [start, end) by type, class, department and month: four queries."""
    lo, hi = _local_range(start, end)
    qs = events.filter(reported_at__gte=lo, reported_at__lt=hi).exclude(status=Status.WITHDRAWN).order_by()
    by_type = list(qs.values("event_type__code", "event_type__name").annotate(n=Count("id")).order_by("-n",
                                                                                                     "event_type__code"))
    by_class_rows = dict(qs.values_list("severity_class").annotate(n=Count("id")).values_list("severity_class", "n"))
    by_dept = list(qs.values("institution__code", "department__code", "department__name").annotate(
        n=Count("id")).order_by("-n", "department__code"))
    by_month_rows = qs.annotate(m=TruncMonth("reported_at", tzinfo=SHANGHAI)).values("m").annotate(
        n=Count("id")).order_by("m")
    months: dict[str, int] = {}
    cursor = start.replace(day=1)
    while cursor < end:
        months[cursor.strftime("%Y-%m")] = 0
        cursor = dt.date(cursor.year + (cursor.month == 12), cursor.month % 12 + 1, 1)
    for row in by_month_rows:
        m = row["m"]
        key = (m.date() if isinstance(m, dt.datetime) else m).strftime("%Y-%m")
        months[key] = months.get(key, 0) + row["n"]
    return {
        "total": sum(months.values()),
        "by_type": by_type,
        "by_class": [(c, by_class_rows.get(c, 0)) for c in ("I", "II", "III", "IV")],
        "by_department": by_dept,
        "by_month": list(months.items()),
    }


def class_names() -> dict[str, str]:
    return dict(SeverityClass.objects.values_list("code", "name"))


def agenda_events(*, institution, department=None, since=None, until=None) -> list[dict]:
    """Agenda source (qms.extensions): class I and II events reported since the body's previous meeting."""
    from django.urls import reverse

    qs = AdverseEvent.objects.filter(institution=institution, severity_class__in=OFFICIAL_CLASSES).exclude(
        status=Status.WITHDRAWN).select_related("department", "event_type").order_by("reported_at", "id")
    if department is not None:
        qs = qs.filter(department=department)
    if since is not None:
        qs = qs.filter(reported_at__gte=since)
    if until is not None:
        qs = qs.filter(reported_at__lt=dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min,
                                                            tzinfo=SHANGHAI))
    return [
        {
            "kind": "adverse_event",
            "title": f"{e.severity_class} 类不良事件 {e.number}：{e.event_type.name}（{e.department.name}）",
            "detail": f"{e.severity_level} 级，{e.get_status_display()}；{e.description[:80]}",
            "url": reverse("adverse_events:detail", args=[e.pk]),
        }
        for e in qs
    ]
