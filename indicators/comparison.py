"""The authority's comparison of one indicator in one month across the hospitals under it (Art. 33–35
监测评估), or a hospital's over its departments: rates, grade-appropriate targets, the pooled rate, funnel
limits and each unit's signal (``indicators.spc.funnel``).

A fixed number of queries whatever the number of hospitals: the reach (organizations.selectors.get_scope,
cached per request), the hospitals, their own values, their departments' sums where they entered none, and last
year's values for a year-on-year target.
"""
from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext

from indicators import spc
from indicators.analysis import attainment, compute_rate, meets
from indicators.models import Indicator, IndicatorValue, MonthlyReport
from indicators.services import add_months
from organizations.models import Authority, Department, Institution
from organizations.selectors import get_scope

LEVEL_ORDER = {"province": 0, "city": 1, "county": 2}
CAVEAT = "排名仅供参考：漏斗图控制限内的差异可能仅为随机波动，只有超出 99.8% 控制限者才提示特殊原因变异。"


def _grade_label(level: str, grade_class: str) -> str:
    """3级甲等 (Level 3, Grade A in English): the grade class (甲/乙/丙) is translated like other reference data."""
    if grade_class:
        return gettext("%(level)s级%(grade)s等") % {"level": level, "grade": gettext(grade_class)}
    return gettext("%(level)s级") % {"level": level}


def authorities_under(root: Authority) -> set[int]:
    found = {root.pk}
    frontier = {root.pk}
    while frontier:  # three levels at most
        frontier = set(Authority.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
        found |= frontier
    return found


def reach_authorities(user) -> list[Authority]:
    """The authorities an official may compare across (their own and everything below)."""
    scope = get_scope(user)
    found = Authority.objects.filter(id__in=scope.authority_ids)
    return sorted(found, key=lambda a: (LEVEL_ORDER.get(a.level, 9), a.code))


def _hospital_values(indicator: Indicator, ids: list[int], period: dt.date) -> dict[int, tuple[Any, Any]]:
    own = {
        i: (n, d)
        for i, n, d in IndicatorValue.objects.filter(
            indicator=indicator, institution_id__in=ids, period=period, is_current=True, department__isnull=True
        ).values_list("institution_id", "numerator", "denominator")
    }
    sums = (
        IndicatorValue.objects.filter(
            indicator=indicator, institution_id__in=ids, period=period, is_current=True, department__isnull=False
        )
        .values("institution_id").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    )
    for s in sums:
        own.setdefault(s["institution_id"], (s["n"], s["d"]))
    return own


def _rank(rows: list[dict], direction: str) -> None:
    ranked = sorted((r for r in rows if r["rate"] is not None), key=lambda r: r["rate"],
                    reverse=direction == Indicator.Direction.HIGHER)
    for k, r in enumerate(ranked, start=1):
        r["rank"] = k


def _assemble(indicator: Indicator, units: list[dict], values: dict[int, tuple[Any, Any]],
              last_year: dict[int, Any]) -> dict:
    pairs = [(values[u["id"]][0], values[u["id"]][1] or 0) if u["id"] in values else (0, 0) for u in units]
    has_den = indicator.kind != Indicator.Kind.COUNT
    pooled, funnel = spc.funnel(indicator.kind, pairs, indicator.factor) if has_den else (None, [])
    rows = []
    for k, u in enumerate(units):
        num, den = values.get(u["id"], (None, None))
        rate = None
        if num is not None and (den or not has_den):
            rate = compute_rate(Decimal(num), Decimal(den) if den else None, indicator.factor, indicator.kind)
        fp = funnel[k] if funnel else None
        snap = indicator.target_for_grade(u["grade"]) if u["grade"] else {}
        ly = last_year.get(u["id"])
        rows.append({
            **u,
            "numerator": num, "denominator": den, "rate": rate,
            "lower95": fp.lower95 if fp else None, "upper95": fp.upper95 if fp else None,
            "lower998": fp.lower998 if fp else None, "upper998": fp.upper998 if fp else None,
            "signal": fp.signal if fp else None, "alert": fp.alert if fp else None,
            "target_label": snap.get("label") or "", "attainment": attainment(rate, snap, ly) if snap else None,
            "rank": None,
        })
    _rank(rows, indicator.direction)
    rows.sort(key=lambda r: (r["rank"] is None, r["rank"] or 0, r["code"]))
    total_n = sum(Decimal(p[0]) for p in pairs)
    total_d = sum(Decimal(p[1]) for p in pairs)
    return {
        "indicator": indicator,
        "pooled": pooled,
        "numerator": total_n,
        "denominator": total_d,
        "rows": rows,
        "reported": sum(1 for r in rows if r["rate"] is not None),
        "signals": {s: sum(1 for r in rows if r["signal"] == s) for s in ("above", "below")},
        "caveat": CAVEAT,
    }


def across_hospitals(*, indicator: Indicator, authority: Authority, period: dt.date) -> dict:
    """Every active hospital registered under the authority (or below) whose grade the indicator applies to."""
    grades = indicator.grade_list
    hospitals = list(
        Institution.objects.filter(authority_id__in=authorities_under(authority), is_active=True,
                                   grade_level__in=grades)
        .order_by("code").values("id", "code", "name", "grade_level", "grade_class", "authority__name")
    )
    units: list[dict[str, Any]] = [{"id": h["id"], "code": h["code"], "name": h["name"], "grade": h["grade_level"],
              "grade_label": _grade_label(h["grade_level"], h["grade_class"]),
              "authority_name": h["authority__name"]} for h in hospitals]
    ids: list[int] = [int(u["id"]) for u in units]
    values = _hospital_values(indicator, ids, period)
    last_year: dict[int, Any] = {}
    if indicator.target_kind == Indicator.TargetKind.YOY:
        last_year = dict(IndicatorValue.objects.filter(
            indicator=indicator, institution_id__in=ids, period=add_months(period, -12), is_current=True,
            department__isnull=True,
        ).values_list("institution_id", "rate"))
    out = _assemble(indicator, units, values, last_year)
    out.update({"authority": authority, "period": period, "level": "hospital"})
    return out


def across_departments(*, indicator: Indicator, institution: Institution, period: dt.date,
                       department_ids: Any = None) -> dict:
    """The same comparison over a hospital's business departments."""
    qs = Department.objects.filter(institution=institution, kind="business", is_active=True)
    if department_ids is not None:
        qs = qs.filter(id__in=department_ids)
    units = [{"id": d["id"], "code": d["code"], "name": d["name"], "grade": institution.grade_level,
              "grade_label": "", "authority_name": ""}
             for d in qs.order_by("code").values("id", "code", "name")]
    values: dict[int, tuple[Any, Any]] = defaultdict(lambda: (None, None))
    values = {
        d: (n, den)
        for d, n, den in IndicatorValue.objects.filter(
            indicator=indicator, institution=institution, department_id__in=[u["id"] for u in units], period=period,
            is_current=True,
        ).values_list("department_id", "numerator", "denominator")
    }
    out = _assemble(indicator, units, values, {})
    out.update({"institution": institution, "period": period, "level": "department"})
    return out


def comparison_for(user, indicator: Indicator, period: dt.date, *, authority: str | None = None,
                   institution: str | None = None) -> dict | None:
    """The comparison the user may see, or None (404): across the departments of a hospital they see at
    hospital level, or across the hospitals under an authority in their reach (default: their highest)."""
    scope = get_scope(user)
    if institution:
        inst = Institution.objects.filter(code=institution).first()
        if inst is None or not (scope.superuser or inst.pk in scope.institution_ids
                                or inst.pk in scope.official_institution_ids):
            return None
        return across_departments(indicator=indicator, institution=inst, period=period)
    if authority:
        auth = Authority.objects.filter(code=authority).first()
        if auth is None or not (scope.superuser or auth.pk in scope.authority_ids):
            return None
    else:
        mine = reach_authorities(user)
        if not mine:
            return None
        auth = mine[0]
    return across_hospitals(indicator=indicator, authority=auth, period=period)


# ------------------------------------------------------------------------------------------------ overview
GRID_PAGE = 50


def overview(*, authority: Authority, period: dt.date, today: dt.date, page: int = 1) -> dict:
    """The authority's home at provincial scale: hospitals × indicators attainment for the month, each
    indicator's met / missed / not reported counts, hospitals with data missing or monthly reports overdue,
    and the apps' open-item counts (qms.extensions.AUTHORITY_COUNTS). The queries do not depend on the number
    of hospitals; the grid is paged (GRID_PAGE hospitals, those missing most targets first)."""
    from indicators.selectors import catalogue
    from indicators.workflow import OPEN_STATES
    from qms.extensions import AUTHORITY_COUNTS

    hospitals = list(
        Institution.objects.filter(authority_id__in=authorities_under(authority), is_active=True)
        .order_by("code").values("id", "code", "name", "grade_level", "grade_class")
    )
    ids = [h["id"] for h in hospitals]
    inds = [i for i in catalogue() if i.level == Indicator.Level.HOSPITAL]
    by_id = {i.pk: i for i in inds}
    values: dict[tuple[int, int], Decimal] = {}
    snaps: dict[tuple[int, int], dict] = {}
    parsed: dict[str, dict] = {}  # the snapshots are a few distinct texts: each decoded once, not per value
    for inst_id, ind_id, rate, snap_text in IndicatorValue.objects.filter(
        institution_id__in=ids, indicator_id__in=by_id, period=period, is_current=True, department__isnull=True
    ).annotate(snap_text=Cast("target_snapshot", TextField())).values_list(
        "institution_id", "indicator_id", "rate", "snap_text"
    ):
        values[(inst_id, ind_id)] = rate
        if snap_text not in parsed:
            parsed[snap_text] = json.loads(snap_text) if snap_text else {}
        snaps[(inst_id, ind_id)] = parsed[snap_text]
    for s in (
        IndicatorValue.objects.filter(institution_id__in=ids, indicator_id__in=by_id, period=period, is_current=True,
                                      department__isnull=False)
        .values("institution_id", "indicator_id").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    ):
        key = (s["institution_id"], s["indicator_id"])
        summed = by_id[s["indicator_id"]]
        if key not in values and (s["d"] or summed.kind == Indicator.Kind.COUNT):
            values[key] = compute_rate(s["n"], s["d"], summed.factor, summed.kind)
    yoy_ids = [i.pk for i in inds if i.target_kind == Indicator.TargetKind.YOY]
    last_year: dict[tuple[int, int], Decimal] = {}
    if yoy_ids:
        for inst_id, ind_id, rate in IndicatorValue.objects.filter(
            institution_id__in=ids, indicator_id__in=yoy_ids, period=add_months(period, -12), is_current=True,
            department__isnull=True,
        ).values_list("institution_id", "indicator_id", "rate"):
            last_year[(inst_id, ind_id)] = rate
    overdue = {
        r["institution_id"]: r["n"]
        for r in MonthlyReport.objects.filter(institution_id__in=ids, status__in=OPEN_STATES, due_on__lt=today)
        .values("institution_id").annotate(n=Count("id")).order_by()
    }
    extra = [(c, c.count(institution_ids=ids)) for c in AUTHORITY_COUNTS]
    per_indicator = {i.pk: {"met": 0, "missed": 0, "missing": 0, "applicable": 0} for i in inds}
    # each distinct snapshot parsed once into a judge: ("t", op, value) threshold, ("y", op) year on year
    judges: dict[int, tuple | None] = {}

    def judge_of(snap: dict) -> tuple | None:
        j = judges.get(id(snap), False)
        if j is False:
            kind = snap.get("kind")
            if kind in ("threshold", "grade_threshold") and snap.get("op") and snap.get("value") not in (None, "None"):
                j = ("t", snap["op"], Decimal(snap["value"]))
            elif kind == "yoy" and snap.get("op"):
                j = ("y", snap["op"], None)
            else:
                j = None
            judges[id(snap)] = j
        return j  # type: ignore[return-value]

    defaults = {(i.pk, g): i.target_for_grade(g) for i in inds for g in i.grade_list}
    rows = []
    for h in hospitals:
        cells: list[str | None] = []
        met = missed = missing = 0
        grade = h["grade_level"]
        for ind in inds:
            if (ind.pk, grade) not in defaults:
                cells.append(None)
                continue
            key = (h["id"], ind.pk)
            found = values.get(key)
            tally = per_indicator[ind.pk]
            tally["applicable"] += 1
            if found is None:
                missing += 1
                tally["missing"] += 1
                cells.append("none")
                continue
            j = judge_of(snaps.get(key) or defaults[(ind.pk, grade)])
            ok: bool | None = None
            if j is not None:
                if j[0] == "t":
                    ok = meets(found, j[1], j[2])
                else:
                    ly = last_year.get(key)
                    ok = None if ly is None else meets(found, j[1], ly)
            if ok is True:
                met += 1
                tally["met"] += 1
                cells.append("green")
            elif ok is False:
                missed += 1
                tally["missed"] += 1
                cells.append("red")
            else:
                cells.append("grey")
        rows.append({**h, "cells": cells, "met": met, "missed": missed, "missing": missing,
                     "overdue_reports": overdue.get(h["id"], 0),
                     "counts": [(c, n.get(h["id"], 0)) for c, n in extra]})
    rows.sort(key=lambda r: (-r["missed"], -r["missing"], r["code"]))
    late = [r for r in rows if r["missing"] or r["overdue_reports"]]
    pages = max(1, -(-len(rows) // GRID_PAGE))
    page = min(max(1, page), pages)
    return {
        "authority": authority,
        "period": period,
        "indicators": inds,
        "per_indicator": [(i, per_indicator[i.pk]) for i in inds],
        "hospital_count": len(rows),
        "grid": rows[(page - 1) * GRID_PAGE: page * GRID_PAGE],
        "page": page,
        "pages": pages,
        "late": late[:GRID_PAGE],
        "late_count": len(late),
        "totals": [(c, sum(n.values())) for c, n in extra],
        "met": sum(r["met"] for r in rows),
        "missed": sum(r["missed"] for r in rows),
        "missing": sum(r["missing"] for r in rows),
    }
