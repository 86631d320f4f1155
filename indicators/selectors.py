"""Reads of the indicators app, scoped, each a fixed number of queries whatever the number of rows.

For the bulletin and other apps: ``month_table(institution_id=, year=, month=)`` and ``series(...)``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet, Sum
from django.urls import reverse

from indicators.analysis import Point, attainment, change, compute_rate, control_chart, light
from indicators.models import Indicator, IndicatorValue, MonthlyReport
from indicators.services import add_months
from organizations.models import Department, Institution
from organizations.selectors import get_scope, scope_q, visible_departments, visible_institutions

WINDOW = 24  # months shown on a run chart and used for the control limits


def visible_values(user) -> QuerySet[IndicatorValue]:
    """Hospital-wide users: their hospital's values; department users: their departments' values;
    officials: the hospitals under them."""
    return IndicatorValue.objects.filter(scope_q(user)).select_related(
        "indicator", "institution", "department", "entered_by"
    )


def catalogue(*, include_counts: bool = False) -> QuerySet[Indicator]:
    qs = Indicator.objects.filter(is_active=True)
    if not include_counts:
        qs = qs.filter(in_catalogue=True)
    return qs.order_by("order", "code")


def can_see_hospital_level(user, institution_id: int) -> bool:
    scope = get_scope(user)
    return scope.superuser or institution_id in scope.institution_ids or institution_id in scope.official_institution_ids


# -------------------------------------------------------------------------------------------- series core
def _window(year: int, month: int, months: int) -> tuple[dt.date, list[dt.date]]:
    end = dt.date(year, month, 1)
    periods = [add_months(end, -i) for i in range(months - 1, -1, -1)]
    return end, periods


def _months_between(start: dt.date, end: dt.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _place_data(
    institution: Institution, indicator_ids: list[int], department_id: int | None, start: dt.date, end: dt.date
) -> dict[int, dict[dt.date, dict]]:
    """indicator id → period → {numerator, denominator, rate, snapshot, aggregated}. Two queries at most:
    the place's own values, and (hospital level) the sums of its departments' values for months the
    hospital did not enter itself."""
    data: dict[int, dict[dt.date, dict]] = defaultdict(dict)
    own = IndicatorValue.objects.filter(
        institution=institution, indicator_id__in=indicator_ids, period__gte=start, period__lte=end, is_current=True,
    )
    own = own.filter(department_id=department_id) if department_id else own.filter(department__isnull=True)
    # the target snapshot is only needed for the last month: not decoded for the other 23
    for ind_id, period, num, den, rate in own.values_list("indicator_id", "period", "numerator", "denominator", "rate"):
        data[ind_id][period] = {"numerator": num, "denominator": den, "rate": rate, "snapshot": None,
                                "aggregated": False}
    for ind_id, snap in own.filter(period=end).values_list("indicator_id", "target_snapshot"):
        data[ind_id][end]["snapshot"] = snap
    if department_id is None:
        # only where the hospital entered nothing itself: most months need no aggregation at all
        span = _months_between(start, end)
        missing = [i for i in indicator_ids if len(data.get(i, {})) < span]
        if not missing:
            return data
        sums = (
            IndicatorValue.objects.filter(
                institution=institution, indicator_id__in=missing, period__gte=start, period__lte=end,
                is_current=True, department__isnull=False,
            )
            .values("indicator_id", "period")
            .annotate(n=Sum("numerator"), d=Sum("denominator"))
            .order_by()
        )
        for s in sums:
            slot = data[s["indicator_id"]]
            if s["period"] not in slot:
                slot[s["period"]] = {"numerator": s["n"], "denominator": s["d"], "rate": None, "snapshot": None,
                                     "aggregated": True}
    return data


def _build(ind: Indicator, institution: Institution, slot: dict[dt.date, dict], periods: list[dt.date]) -> dict:
    current_target = ind.target_for_grade(institution.grade_level)
    points: list[Point] = []
    for p in periods:
        cell = slot.get(p)
        if cell is None:
            points.append(Point(f"{p:%Y-%m}", None, None, None))
            continue
        rate = cell["rate"]
        if rate is None:  # a sum of department values
            if ind.kind != Indicator.Kind.COUNT and not cell["denominator"]:
                points.append(Point(f"{p:%Y-%m}", None, None, None))
                continue
            rate = compute_rate(cell["numerator"], cell["denominator"], ind.factor, ind.kind)
        points.append(Point(f"{p:%Y-%m}", cell["numerator"], cell["denominator"], rate))
    chart = control_chart(points, kind=ind.kind, factor=ind.factor)
    end = periods[-1]
    last = points[-1]
    cell = slot.get(end) or {}
    snapshot = cell.get("snapshot") or current_target
    by_period = dict(zip(periods, points))
    previous = by_period.get(add_months(end, -1))
    last_year = by_period.get(add_months(end, -12))
    judged = last.rate
    ytd = None
    if snapshot.get("period") == Indicator.TargetPeriod.YEAR and last.rate is not None:
        # 年均: attainment on the year so far (Σ numerators × factor / Σ denominators, January to this month)
        n = sum((pt.numerator or 0) for p, pt in by_period.items() if p.year == end.year and pt.rate is not None)
        d = sum((pt.denominator or 0) for p, pt in by_period.items() if p.year == end.year and pt.rate is not None)
        if d:
            ytd = compute_rate(Decimal(n), Decimal(d), ind.factor, ind.kind)
            judged = ytd
    attained = attainment(judged, snapshot, last_year.rate if last_year else None)
    signal_index = len(points) - 1
    reasons = [chart.reasons[signal_index]] if signal_index in chart.reasons else []
    target_line = None
    if snapshot.get("kind") in ("threshold", "grade_threshold") and snapshot.get("value") not in (None, "None"):
        target_line = Decimal(snapshot["value"])
    return {
        "indicator": ind,
        "code": ind.code,
        "name": ind.name,
        "unit": ind.unit,
        "period": f"{end:%Y-%m}",
        "value": last.rate,
        "numerator": last.numerator,
        "denominator": last.denominator,
        "aggregated": bool(cell.get("aggregated")),
        "ytd": ytd,
        "target_label": snapshot.get("label") or ind.target_label,
        "target_value": target_line,
        "target_snapshot": snapshot,
        "attainment": attained,
        "previous": previous.rate if previous else None,
        "last_year": last_year.rate if last_year else None,
        "mom": change(last.rate, previous.rate if previous else None),
        "yoy": change(last.rate, last_year.rate if last_year else None),
        "signal": bool(reasons),
        "signal_reasons": reasons,
        "light": light(attained, bool(reasons)),
        # why a value that is there is not judged (issue 14: ZB11-1 with data read as 无数据)
        "unjudged": _unjudged(attained, judged, snapshot, last_year),
        "points": points,
        "chart": chart,
    }


def _unjudged(attained: str | None, judged: Decimal | None, snapshot: dict, last_year: Any) -> str:
    if attained is not None or judged is None:
        return ""
    if snapshot.get("kind") == "yoy":
        return "no_last_year" if last_year is None or last_year.rate is None else ""
    return "no_target"


def month_table(*, institution_id: int, year: int, month: int, department_id: int | None = None,
                months: int = WINDOW) -> list[dict]:
    """Each catalogue indicator applicable to the hospital's grade, for one month at one place: value, target,
    attainment and traffic light, YoY and MoM change, SPC signal. Four queries."""
    institution = Institution.objects.get(pk=institution_id)
    indicators = [i for i in catalogue() if institution.grade_level in i.grade_list]
    if department_id is not None:
        indicators = [i for i in indicators if i.department_level and i.level == Indicator.Level.HOSPITAL]
    end, periods = _window(year, month, months)
    data = _place_data(institution, [i.pk for i in indicators], department_id, periods[0], end)
    return [_build(ind, institution, data.get(ind.pk, {}), periods) for ind in indicators]


def series(*, institution_id: int, indicator: str | Indicator, year: int, month: int,
           department_id: int | None = None, months: int = WINDOW) -> dict:
    """One indicator over `months` months ending at year-month at one place, with its control chart."""
    institution = Institution.objects.get(pk=institution_id)
    ind = indicator if isinstance(indicator, Indicator) else Indicator.objects.get(code=indicator)
    end, periods = _window(year, month, months)
    data = _place_data(institution, [ind.pk], department_id, periods[0], end)
    return _build(ind, institution, data.get(ind.pk, {}), periods)


def chart_svg(row: dict, *, title: str | None = None, unit: str | None = None) -> str:
    """The run chart of a month_table / series row (qms.charts, shared with the bulletin). ``title`` and
    ``unit`` default to the stored (Chinese) ones; pages pass them in the reader's language."""
    from qms.charts import run_chart

    chart = row["chart"]
    return run_chart(
        [(p.label[2:], p.rate) for p in row["points"]],
        target=row["target_value"],
        center=chart.center,
        ucl=chart.ucl,
        lcl=chart.lcl,
        signals=chart.signals,
        title=title if title is not None else f"{row['code']} {row['name']}",
        unit=row["unit"] if unit is None else unit,
    )


def department_values(*, institution_id: int, indicator: Indicator, period: dt.date,
                      department_ids: Any = None) -> list[IndicatorValue]:
    qs = IndicatorValue.objects.filter(
        institution_id=institution_id, indicator=indicator, period=period, is_current=True, department__isnull=False
    ).select_related("department", "entered_by").order_by("department__code")
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return list(qs)


def revisions(*, institution_id: int, indicator: Indicator, department_id: int | None, since: dt.date) -> list:
    qs = IndicatorValue.objects.filter(institution_id=institution_id, indicator=indicator, period__gte=since)
    qs = qs.filter(department_id=department_id) if department_id else qs.filter(department__isnull=True)
    return list(qs.select_related("entered_by").order_by("-period", "-revision")[:200])


def authority_table(*, user, year: int, month: int) -> list[dict]:
    """Authority-level indicators (ZB02, ZB07) over the hospitals in the official's reach, by grade."""
    period = dt.date(year, month, 1)
    inds = [i for i in catalogue() if i.level == Indicator.Level.AUTHORITY]
    institutions = list(visible_institutions(user).filter(is_active=True).select_related(None).only("id", "grade_level"))
    grade_of = {i.pk: i.grade_level for i in institutions}
    met: dict[tuple[int, str], int] = defaultdict(int)
    for v in IndicatorValue.objects.filter(
        indicator__in=inds, institution_id__in=grade_of, period=period, is_current=True, department__isnull=True
    ).values("indicator_id", "institution_id", "numerator", "denominator"):
        if v["denominator"] and v["numerator"] >= v["denominator"]:
            met[(v["indicator_id"], grade_of[v["institution_id"]])] += 1
    out = []
    for ind in inds:
        for grade in ind.grade_list:
            total = sum(1 for g in grade_of.values() if g == grade)
            if not total:
                continue
            n = met[(ind.pk, grade)]
            rate = compute_rate(Decimal(n), Decimal(total), ind.factor, ind.kind)
            snap = ind.target_for_grade(grade)
            att = attainment(rate, snap, None)
            out.append({"indicator": ind, "grade": dict(Institution.GradeLevel.choices).get(grade, grade),
                        "met": n, "total": total, "rate": rate, "target": snap.get("value"),
                        "target_label": ind.target_label, "light": light(att, False)})
    return out


# -------------------------------------------------------------------------------------------- alerts
def alerts(*, institution_id: int, year: int, month: int, department_id: int | None = None) -> list[dict]:
    """A missed target or an out-of-control signal of the month: the warnings of Art. 10 (二)."""
    out = []
    for row in month_table(institution_id=institution_id, year=year, month=month, department_id=department_id):
        if row["light"] not in ("red", "amber"):
            continue
        parts = []
        if row["attainment"] == "missed":
            parts.append(f"未达目标（{row['target_label']}）")
        parts += row["signal_reasons"]
        out.append({**row, "reasons": parts})
    return out


def agenda_items(*, institution: Institution, department: Department | None, since: Any, until: dt.date) -> list[dict]:
    """Agenda source for the committee (or a department group): last month's indicator alerts."""
    last = add_months(dt.date(until.year, until.month, 1), -1)
    url = reverse("indicators:dashboard")
    items = []
    for a in alerts(institution_id=institution.pk, year=last.year, month=last.month,
                    department_id=department.pk if department else None):
        value = "—" if a["value"] is None else f"{a['value'].normalize():f}{a['unit']}"
        items.append({
            "kind": "indicator_alert",
            "title": f"指标预警：{a['code']} {a['name']}（{a['period']}）",
            "detail": f"本月 {value}；" + "；".join(a["reasons"]),
            "url": f"{url}?institution={institution.code}&period={a['period']}"
            + (f"&department={department.code}" if department else ""),
        })
    return items


# -------------------------------------------------------------------------------------------- reports
def report_grid(*, user, institution: Institution, periods: list[dt.date]) -> list[dict]:
    """Departments × months with each report's state (missing = not started). Two queries."""
    departments = list(
        visible_departments(user).filter(institution=institution, kind="business", is_active=True).order_by("code")
    )
    reports = {
        (r.department_id, r.period): r
        for r in MonthlyReport.objects.filter(
            department__in=[d.pk for d in departments], period__in=periods
        ).only("id", "department_id", "period", "status", "late", "due_on")
    }
    return [{"department": d, "cells": [(p, reports.get((d.pk, p))) for p in periods]} for d in departments]


def department_choices(user, institution: Institution) -> list[Department]:
    return list(
        visible_departments(user).filter(institution=institution, kind="business", is_active=True).order_by("code")
    )


# -------------------------------------------------------------------------------------------- issue 21 phases
VERDICT_LABELS = {
    "improved": "已改善", "no_change": "暂未见改变", "deteriorated": "恶化", "no_baseline": "基线不足",
}


def interventions(*, institution_id: int, indicator: Indicator, department_id: int | None) -> list:
    from indicators.models import Intervention

    qs = Intervention.objects.filter(institution_id=institution_id, indicator=indicator, is_active=True)
    qs = qs.filter(department_id=department_id) if department_id else qs.filter(department__isnull=True)
    return list(qs.select_related("recorded_by", "institution", "department").order_by("implemented_on", "id"))


def phased_row(row: dict, items: list) -> dict:
    """A series row split into phases at the interventions (indicators.spc.phased), each intervention with its
    verdict against the phase before it, judged on the points up to the next intervention."""
    from indicators import spc

    ind = row["indicator"]
    labels = [p.label for p in row["points"]]
    xs = [p.numerator for p in row["points"]]
    ns = [p.denominator if p.numerator is not None else None for p in row["points"]]
    values = [p.rate for p in row["points"]]
    starts: list[int] = []
    for it in items:
        first = f"{it.first_period:%Y-%m}"
        it.start_index = labels.index(first) if first in labels else (len(labels) if first > labels[-1] else 0)
        starts.append(it.start_index)
    breaks = sorted({s for s in starts if 0 < s < len(labels)})
    chart = spc.phased(ind.kind, xs, ns, values, ind.factor, breaks)
    for it in items:
        s = it.start_index
        if not 0 < s < len(labels):
            it.verdict = spc.Verdict(spc.NO_BASELINE, "实施日期不在图示范围内" if s == 0 else "尚无实施后的数据")
        else:
            prev = max([b for b in breaks if b < s], default=0)
            nxt = min([b for b in breaks if b > s], default=len(labels))
            it.verdict = spc.verdict(ind.kind, xs[:nxt], ns[:nxt], values[:nxt], ind.factor, start=s,
                                     direction=ind.direction, baseline_start=prev)
        it.verdict_label = VERDICT_LABELS[it.verdict.result]
        it.verdict_at = labels[it.verdict.at] if it.verdict.at is not None else ""
    return {**row, "phased": chart, "interventions": items, "breaks": breaks}


def phased_svg(row: dict, *, title: str, unit: str | None = None) -> str:
    from qms.charts import run_chart

    chart = row["phased"]
    provisional = {i for ph in chart.phases if ph.provisional for i in range(ph.start, ph.end + 1)}
    marks = [(it.start_index, it.title) for it in row["interventions"] if 0 < it.start_index < len(row["points"])]
    return run_chart(
        [(p.label[2:], p.rate) for p in row["points"]], target=row["target_value"], center=chart.center,
        ucl=chart.ucl, lcl=chart.lcl, signals=chart.signals, title=title,
        unit=row["unit"] if unit is None else unit, breaks=marks,
        provisional=provisional,
    )


def intervention_verdicts(*, institution_id: int, until: dt.date, source_kind: str | None = None,
                          source_id: int | None = None) -> list:
    """The hospital's active interventions (optionally those of one source) with their verdicts on the chart
    ending at `until`'s month: two queries per indicator and place, whatever the number of interventions."""
    from indicators.models import Intervention

    qs = Intervention.objects.filter(institution_id=institution_id, is_active=True).select_related(
        "indicator", "department")
    if source_kind:
        qs = qs.filter(source_kind=source_kind)
    if source_id is not None:
        qs = qs.filter(source_id=source_id)
    groups: dict[tuple[int, int | None], list] = defaultdict(list)
    for it in qs.order_by("implemented_on", "id"):
        groups[(it.indicator_id, it.department_id)].append(it)
    if not groups:
        return []
    out = []
    for (_ind, dept_id), items in groups.items():
        # the verdict weighs every intervention on the chart: fetch all of that place's, not only the source's
        everything = interventions(institution_id=institution_id, indicator=items[0].indicator,
                                   department_id=dept_id) if source_kind or source_id else items
        row = series(institution_id=institution_id, indicator=items[0].indicator, year=until.year,
                     month=until.month, department_id=dept_id)
        phased = phased_row(row, everything)
        wanted = {it.pk for it in items}
        out += [it for it in phased["interventions"] if it.pk in wanted]
    return sorted(out, key=lambda it: (it.implemented_on, it.pk))


def _last_month(today: dt.date) -> dt.date:
    return add_months(today.replace(day=1), -1)


def bulletin_section(*, institution: Institution, year: int, month: int) -> dict:
    """改进成效 in the monthly bulletin: each improvement action on an indicator and whether the chart moved."""
    items = intervention_verdicts(institution_id=institution.pk, until=dt.date(year, month, 1))
    if not items:
        return {"available": False, "empty": "本月无记录在指标上的改进措施。", "lines": [], "tables": [], "focus": []}
    rows = [[f"{it.indicator.code} {it.indicator.name}", it.title, f"{it.implemented_on:%Y-%m-%d}",
             VERDICT_LABELS[it.verdict.result], it.verdict.reason + (f"（{it.verdict_at}）" if it.verdict_at else "")]
            for it in items]
    improved = sum(1 for it in items if it.verdict.result == "improved")
    focus = [f"{it.indicator.name}：{it.title}（{VERDICT_LABELS[it.verdict.result]}）" for it in items
             if it.verdict.result == "deteriorated"]
    return {
        "available": True, "empty": "",
        "lines": [f"在指标上记录的改进措施 {len(items)} 项，其中经控制图判定已改善 {improved} 项。"
                  "判定规则：实施后连续 8 点位于基线中心线有利一侧，或 1 点超出基线控制限（有利方向）。"],
        "tables": [{"title": "改进措施成效", "head": ["指标", "改进措施", "实施日期", "成效", "依据"], "rows": rows}],
        "focus": focus,
    }


def intervention_agenda_items(*, institution: Institution, department: Department | None, since: Any,
                              until: dt.date) -> list[dict]:
    """Agenda source: an action verified as done whose indicator shows no change yet (or deteriorated)."""
    from qms.extensions import VERIFIED_LOOKUPS

    if department is not None:
        return []
    items = [it for it in intervention_verdicts(institution_id=institution.pk,
                                                until=add_months(dt.date(until.year, until.month, 1), -1))
             if it.verdict.result in ("no_change", "deteriorated") and it.source_id]
    verified: dict[str, set[int]] = {}
    for kind, fn in VERIFIED_LOOKUPS.items():
        ids = [it.source_id for it in items if it.source_kind == kind]
        verified[kind] = set(fn(ids)) if ids else set()
    url = reverse("indicators:indicator_detail", args=["CODE"])
    return [{
        "kind": "intervention_no_change",
        "title": f"已核实的改进措施指标{VERDICT_LABELS[it.verdict.result]}：{it.indicator.code} {it.indicator.name}",
        "detail": f"{it.title}（{it.implemented_on:%Y-%m-%d} 实施）；{it.verdict.reason}",
        "url": url.replace("CODE", it.indicator.code) + f"?institution={institution.code}",
    } for it in items if it.source_id in verified.get(it.source_kind, set())]
