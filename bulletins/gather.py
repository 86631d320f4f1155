"""Gathering the sections of the bulletin (SPEC §7) from the apps that own the data.

Each section reads its app's published selectors only, imported lazily: the bulletin must print whatever
exists, and a module that is missing, has no data for the month or fails says so in its section ("本月无数据" /
"该模块暂无数据") instead of failing the whole issue. Everything returned is plain JSON, because the gathered
sections are what a published bulletin freezes (DESIGN "Frozen documents").
"""
from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction

from qms.extensions import BULLETIN_SECTIONS

logger = logging.getLogger(__name__)

NO_MODULE = "该模块暂无数据"
NO_DATA = "本月无数据"


class SourceMissing(Exception):
    """The app or its selector is not there (yet)."""


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First day of the month and first day of the next month (half-open)."""
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _selector(module: str, name: str) -> Callable[..., Any]:
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise SourceMissing(module) from exc
    fn = getattr(mod, name, None)
    if fn is None:
        raise SourceMissing(f"{module}.{name}")
    return fn


def _call(module: str, name: str, **kwargs: Any) -> Any:
    """Call another app's selector inside a savepoint, so that a failing query cannot poison the
    surrounding transaction (PostgreSQL aborts it otherwise)."""
    fn = _selector(module, name)
    with transaction.atomic():
        return fn(**kwargs)


def _get(obj: Any, *names: str, default: Any = None) -> Any:
    """The first of several field names a source may use (dict key or attribute)."""
    if obj is None:
        return default
    for name in names:
        if isinstance(obj, dict):
            if name in obj and obj[name] is not None:
                return obj[name]
        else:
            value = getattr(obj, name, None)
            if value is not None:
                return value
    return default


def jsonable(value: Any) -> Any:
    """Turn what a selector returns into JSON: Decimals to floats, dates to ISO strings, choices to labels."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    label = getattr(value, "label", None)
    if label is not None:
        return str(label)
    if hasattr(value, "pk"):
        return str(value)
    return str(value)


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _pairs(value: Any) -> list[list[Any]]:
    """Counts by category as [[label, n], …] whatever shape the source gives (dict, pairs, dict rows)."""
    if not value:
        return []
    if isinstance(value, dict):
        items = list(value.items())
    else:
        items = []
        for row in value:
            if isinstance(row, dict):
                label = _get(row, "label", "name", "display", "type", "event_type", "event_type__name",
                             "department", "department__name", "severity_class", "class", "code")
                n = _get(row, "count", "n", "total", "value", default=0)
                items.append((label, n))
            else:
                items.append(tuple(row)[:2])
    return [[jsonable(label), int(n or 0)] for label, n in items]


def _digest(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _change(current: float | None, previous: float | None) -> float | None:
    """Relative change in percent; None when there is nothing to compare with."""
    if current is None or previous is None or previous == 0:
        return None
    return round((current - previous) / previous * 100, 1)


def _section(available: bool, empty: str = "", **data: Any) -> dict[str, Any]:
    return {"available": available, "empty": "" if available else empty, **jsonable(data)}


def _guard(build: Callable[[], dict[str, Any]], name: str) -> dict[str, Any]:
    try:
        return build()
    except SourceMissing as exc:
        logger.info("bulletin section %s: source missing (%s)", name, exc)
        return _section(False, NO_MODULE)
    except Exception:  # a broken source must not stop the issue (SPEC §7: the draft is assembled monthly)
        logger.exception("bulletin section %s failed", name)
        return _section(False, NO_MODULE, error=True)


# ---------------------------------------------------------------- indicators

LIGHT_LABEL = {"green": "达标", "amber": "预警", "red": "未达标", "grey": "无法判定"}
ATTAINMENT_LABEL = {"met": "达标", "missed": "未达标"}


def _month_table(institution: Any, year: int, month: int) -> list[Any]:
    table = _call("indicators.selectors", "month_table", institution_id=institution.pk, year=year, month=month)
    return list(table or [])


def _point_label(label: Any) -> str:
    text = str(label)
    return text[2:] if len(text) == 7 and text[4] == "-" else text  # "2026-10" -> "26-10"


def _indicator_row(item: Any) -> dict[str, Any]:
    light = str(_get(item, "light", default="grey"))
    attained = _get(item, "attainment")
    value = _num(_get(item, "value"))
    reasons = _get(item, "signal_reasons", default=[]) or []
    return {
        "code": jsonable(_get(item, "code", default="")),
        "name": jsonable(_get(item, "name", default="")),
        "unit": jsonable(_get(item, "unit", default="")),
        "value": value,
        "numerator": _num(_get(item, "numerator")),
        "denominator": _num(_get(item, "denominator")),
        "ytd": _num(_get(item, "ytd")),
        "target": jsonable(_get(item, "target_label", "target", default="")),
        "light": light,
        "attainment": jsonable(attained) or "",
        "attainment_label": ATTAINMENT_LABEL.get(str(attained), "无数据" if value is None else "无法判定"),
        "yoy": _num(_get(item, "yoy")),
        "mom": _num(_get(item, "mom")),
        "signal": bool(_get(item, "signal", default=False)),
        "signal_text": "；".join(str(r) for r in reasons),
    }


def _indicator_chart(item: Any, row: dict[str, Any]) -> dict[str, Any]:
    """The run chart with its control limits, from the points month_table already computed."""
    chart = _get(item, "chart")
    points = [[_point_label(_get(p, "label")), _num(_get(p, "rate"))] for p in _get(item, "points", default=[])]
    return {
        "code": row["code"],
        "name": row["name"],
        "unit": row["unit"],
        "points": points,
        "target": _num(_get(item, "target_value")),
        "center": _num(_get(chart, "center")),
        "ucl": jsonable(_get(chart, "ucl")),
        "lcl": jsonable(_get(chart, "lcl")),
        "signals": jsonable(list(_get(chart, "signals", default=[]) or [])),
    }


def _attainment_rate(rows: list[dict[str, Any]]) -> float | None:
    judged = [r for r in rows if r["attainment"] in ATTAINMENT_LABEL]
    if not judged:
        return None
    return round(sum(1 for r in judged if r["attainment"] == "met") * 100 / len(judged), 1)


def gather_indicators(institution: Any, year: int, month: int) -> dict[str, Any]:
    items = _month_table(institution, year, month)
    rows = [_indicator_row(item) for item in items]
    if not any(r["value"] is not None for r in rows):
        return _section(False, NO_DATA, rows=[], charts=[], counts={})
    charts = [
        _indicator_chart(item, row) for item, row in zip(items, rows) if row["light"] in {"red", "amber"}
    ]
    counts = {
        "total": len(rows),
        "with_value": sum(1 for r in rows if r["value"] is not None),
        "judged": sum(1 for r in rows if r["attainment"] in ATTAINMENT_LABEL),
        "green": sum(1 for r in rows if r["light"] == "green"),
        "amber": sum(1 for r in rows if r["light"] == "amber"),
        "red": sum(1 for r in rows if r["light"] == "red"),
        "grey": sum(1 for r in rows if r["light"] == "grey"),
        "signals": sum(1 for r in rows if r["signal"]),
    }
    return _section(True, rows=rows, charts=charts, counts=counts, attainment_rate=_attainment_rate(rows))


# ---------------------------------------------------------------- adverse events

EVENT_RATE_CODE = "ZB09"  # 每百出院人次主动报告不良事件例次数 (ZB 附件 9)


def _count_reports(institution: Any, year: int, month: int) -> int | None:
    start, end = month_bounds(year, month)
    try:
        n = _call("adverse_events.selectors", "count_reports", institution_id=institution.pk, start=start, end=end)
    except SourceMissing:
        return None
    return int(n) if n is not None else None


def _discharges(indicators: dict[str, Any]) -> float | None:
    row = next((r for r in indicators.get("rows", []) if r["code"] == EVENT_RATE_CODE), None)
    return row["denominator"] if row and row.get("denominator") else None


def gather_events(institution: Any, year: int, month: int, indicators: dict[str, Any]) -> dict[str, Any]:
    stats = _call("adverse_events.selectors", "monthly_statistics", institution_id=institution.pk, year=year,
                  month=month) or {}
    total = int(_get(stats, "total", default=0) or 0)
    py, pm = shift_month(year, month, -1)
    previous = _count_reports(institution, py, pm)
    last_year = _count_reports(institution, year - 1, month)
    discharges = _discharges(indicators)
    # The indicators app owns 每百出院人次主动报告不良事件例次数 (ZB09); computed here only when it has none.
    zb09 = next((r for r in indicators.get("rows", []) if r["code"] == EVENT_RATE_CODE), None)
    rate = round(zb09["value"], 2) if zb09 and zb09.get("value") is not None else (
        round(total * 100 / discharges, 2) if discharges else None)
    if not total:
        return _section(False, NO_DATA, total=0, previous_month_total=previous, last_year_total=last_year,
                        discharges=discharges, rate_per_100=rate)
    serious = []
    for case in _get(stats, "serious", default=[]) or []:
        analysed = bool(_get(case, "analysed", default=False))
        method = _get(case, "analysis_method", default="")
        serious.append({
            "receipt_code": jsonable(_get(case, "number", "id", default="")),
            "department": jsonable(_get(case, "department", default="")),
            "event_type": jsonable(_get(case, "event_type", default="")),
            "severity_class": f"{_get(case, 'severity_class', default='')} 类",
            "severity_level": f"{_get(case, 'severity_level', default='')} 级",
            "occurred_at": jsonable(_get(case, "reported_at", default="")),
            "status": jsonable(_get(case, "status_display", "status", default="")),
            "analysed": analysed,
            "analysis": f"已完成（{method}）" if analysed and method else ("已完成" if analysed else "未完成"),
        })
    by_class = _get(stats, "by_class", default={}) or {}
    class_pairs = [[f"{c} 类", int(by_class.get(c, 0))] for c in ("I", "II", "III", "IV")] if isinstance(
        by_class, dict) else _pairs(by_class)
    closed_rate = _num(_get(stats, "closed_loop_rate"))
    return _section(
        True,
        total=total,
        previous_month_total=previous,
        last_year_total=last_year,
        mom=_change(total, previous),
        yoy=_change(total, last_year),
        by_type=_pairs(_get(stats, "by_type")),
        by_class=class_pairs,
        by_department=_pairs(_get(stats, "by_department")),
        discharges=discharges,
        rate_per_100=rate,
        serious_cases=serious,
        closed_loop_rate=round(closed_rate * 100, 1) if closed_rate is not None else None,
        closed=int(_get(stats, "closed", default=0) or 0),
        closed_total=total,
        late=int(_get(stats, "late", default=0) or 0),
    )


# ---------------------------------------------------------------- meetings

def gather_meetings(institution: Any, year: int, month: int) -> dict[str, Any]:
    summary = _call("committees.selectors", "monthly_summary", institution_id=institution.pk, year=year,
                    month=month) or {}
    meetings = _get(summary, "meetings", default=[]) or []
    dates_by_body: dict[str, list[str]] = {}
    for m in meetings:
        starts = _get(m, "starts_at")
        if isinstance(starts, dt.datetime):
            from django.utils import timezone

            starts = timezone.localtime(starts).strftime("%m-%d")
        dates_by_body.setdefault(str(_get(m, "body", default="")), []).append(str(starts or ""))
    bodies = []
    for body in _get(summary, "bodies", default=[]) or []:
        status = str(_get(body, "status", default=""))
        name = jsonable(_get(body, "name", default=""))
        bodies.append({
            "name": name,
            "kind": jsonable(_get(body, "kind", default="")),
            "held": int(_get(body, "held", default=0) or 0),
            "status": status,
            "missing": bool(_get(body, "missing", default=False)),
            "dates": dates_by_body.get(name, []),
        })
    decisions = [
        {"meeting": jsonable(_get(d, "meeting", default="")), "text": jsonable(_get(d, "text", default="")),
         "action_items": int(_get(d, "action_items", default=0) or 0)}
        for d in _get(summary, "decisions", default=[]) or []
    ]
    actions = _get(summary, "action_items", default={}) or {}
    counts = {key: int(_get(actions, key, default=0) or 0) for key in ("opened", "done", "closed", "overdue",
                                                                        "open_total")}
    if not bodies:
        return _section(False, NO_DATA, bodies=[], decisions=[], actions=counts)
    return _section(
        True,
        bodies=bodies,
        held=int(_get(summary, "meetings_held", default=0) or 0),
        bodies_held=sum(1 for b in bodies if b["held"]),
        missing=sum(1 for b in bodies if b["missing"]),
        decisions=decisions,
        actions=counts,
    )


# ---------------------------------------------------------------- 约谈

def _interviews(institution: Any, end: dt.date) -> list[Any]:
    try:
        module = importlib.import_module("interviews.models")
    except ModuleNotFoundError as exc:
        raise SourceMissing("interviews.models") from exc
    model = getattr(module, "Interview", None)
    if model is None:
        raise SourceMissing("interviews.models.Interview")
    # The bulletin is its hospital's document: the 约谈 of that hospital only (by authorities, Art. 44, or
    # internal, Art. 53), started before the month ended.
    return list(
        model.objects.filter(institution_id=institution.pk, trigger_date__lt=end)
        .select_related("organiser", "department")
        .order_by("trigger_date", "id")[:200]
    )


FINISHED = {"closed", "cancelled"}


def gather_interviews(institution: Any, year: int, month: int) -> dict[str, Any]:
    start, end = month_bounds(year, month)
    rows = []
    for iv in _interviews(institution, end):
        status = str(_get(iv, "status", default=""))
        finished_at = _get(iv, "verified_at", "updated_at")
        if isinstance(finished_at, dt.datetime):
            from django.utils import timezone

            finished_at = timezone.localtime(finished_at).date()
        if status in FINISHED and isinstance(finished_at, dt.date) and finished_at < start:
            continue  # finished before the month: no longer news
        organiser = _get(iv, "organiser")
        internal = bool(_get(iv, "internal", default=False))
        rows.append({
            "id": iv.pk,
            "ground": iv.get_trigger_ground_display(),
            "organiser": "院内约谈" if internal else str(organiser or ""),
            "problems": str(_get(iv, "problems", default=""))[:140],
            "status": status,
            "status_display": iv.get_status_display(),
            "trigger_date": jsonable(_get(iv, "trigger_date")),
            "hold_by": jsonable(_get(iv, "hold_by")),
            # SPEC §8: a legal date over an unpublished schedule is shown with its mark.
            "hold_by_confirmed": bool(_get(iv, "hold_by_confirmed", default=True)),
            "rectification_report_due_confirmed": bool(_get(iv, "rectification_report_due_confirmed", default=True)),
            "held_at": jsonable(_get(iv, "held_at")),
            "rectification_deadline": jsonable(_get(iv, "rectification_deadline")),
            "rectification_report_due": jsonable(_get(iv, "rectification_report_due")),
            "verification": jsonable(iv.get_verification_display()) if _get(iv, "verification") else "",
        })
    if not rows:
        return _section(False, NO_DATA, rows=[])
    open_rows = [r for r in rows if r["status"] not in FINISHED]
    return _section(True, rows=rows, open=len(open_rows), closed=len(rows) - len(open_rows),
                    rectifying=sum(1 for r in rows if r["status"] in {"rectifying", "report_submitted"}))


# ---------------------------------------------------------------- department monthly reports

SUBMITTED = {"submitted", "resubmitted", "accepted", "returned"}


def gather_reports(institution: Any, year: int, month: int) -> dict[str, Any]:
    """The departments' quality reports for the month (Art. 12's 科室每月专门会议 report into them): on time,
    late, missing (past the due day), or not yet due when the bulletin is drafted early."""
    try:
        models_mod = importlib.import_module("indicators.models")
    except ModuleNotFoundError as exc:
        raise SourceMissing("indicators.models") from exc
    report_model = getattr(models_mod, "MonthlyReport", None)
    if report_model is None:
        raise SourceMissing("indicators.models.MonthlyReport")
    from django.utils import timezone

    from organizations.models import Department

    today = timezone.localdate()
    period = dt.date(year, month, 1)
    reports = {
        r.department_id: r
        for r in report_model.objects.filter(institution_id=institution.pk, period=period).only(
            "id", "department_id", "status", "late", "due_on", "submitted_at", "self_check", "problems", "measures"
        )
    }
    if not reports:
        return _section(False, NO_DATA, rows=[])
    departments = Department.objects.filter(institution_id=institution.pk, kind="business", is_active=True)
    rows = []
    due_on = None
    for d in departments.order_by("code"):
        r = reports.get(d.pk)
        due_on = due_on or (r.due_on if r else None)
        if r is not None and r.status in SUBMITTED:
            state = "late" if r.late else "on_time"
        elif r is not None and r.due_on and r.due_on >= today:
            state = "pending"
        else:
            state = "missing"
        findings = "；".join(x for x in ((r.self_check or "").strip(), (r.problems or "").strip()) if x) if r else ""
        rows.append({
            "department": d.name,
            "state": state,
            "state_display": {"on_time": "按时", "late": "逾期", "pending": "未到截止日", "missing": "未提交"}[state],
            "submitted_at": jsonable(timezone.localtime(r.submitted_at).date()) if r and r.submitted_at else "",
            # A digest: the bulletin points to the findings, the full report stays in the indicators app.
            "findings": _digest(findings, 120),
            "measures": _digest((r.measures or "").strip() if r else "", 80),
        })
    return _section(
        True,
        rows=rows,
        on_time=sum(1 for r in rows if r["state"] == "on_time"),
        late=sum(1 for r in rows if r["state"] == "late"),
        missing=sum(1 for r in rows if r["state"] == "missing"),
        pending=sum(1 for r in rows if r["state"] == "pending"),
        total=len(rows),
        due_on=jsonable(due_on) or "",
    )


# ---------------------------------------------------------------- summary and focus

def _key(label: str, value: Any, unit: str = "", mom: float | None = None, yoy: float | None = None) -> dict:
    return {"label": label, "value": value, "unit": unit, "mom": mom, "yoy": yoy}


def _headline(institution: Any, year: int, month: int) -> dict[str, Any]:
    """The few numbers of another month the summary compares with (no charts, no case lists)."""
    out: dict[str, Any] = {}
    try:
        rows = [_indicator_row(item) for item in _month_table(institution, year, month)]
        out["attainment_rate"] = _attainment_rate(rows)
        discharges = _discharges({"rows": rows})
        events = _count_reports(institution, year, month)
        out["events"] = events
        zb09 = next((r for r in rows if r["code"] == EVENT_RATE_CODE), None)
        if zb09 and zb09["value"] is not None:
            out["event_rate"] = round(zb09["value"], 2)
        elif discharges and events is not None:
            out["event_rate"] = round(events * 100 / discharges, 2)
    except SourceMissing:
        pass
    except Exception:  # comparison figures are optional
        logger.exception("bulletin: headline of %s-%s", year, month)
    return out


def _delta(current: float | None, previous: float | None) -> float | None:
    """Change in percentage points, for figures that are themselves percentages or rates."""
    if current is None or previous is None:
        return None
    return round(current - previous, 2)


def build_summary(sections: dict[str, dict[str, Any]], previous: dict[str, Any], last_year: dict[str, Any]) -> dict:
    """The one-page summary: key numbers with their month-on-month and year-on-year changes."""
    keys: list[dict[str, Any]] = []
    ind = sections["indicators"]
    if ind["available"]:
        c = ind["counts"]
        rate = ind.get("attainment_rate")
        keys.append(_key("指标达标率", rate, "%", _delta(rate, previous.get("attainment_rate")),
                         _delta(rate, last_year.get("attainment_rate"))) | {"points": True})
        keys.append(_key("未达标指标", c["red"], "项"))
        keys.append(_key("SPC 异常信号", c["signals"], "项"))
    ev = sections["events"]
    if ev.get("total") is not None and "previous_month_total" in ev:
        keys.append(_key("上报不良事件", ev.get("total", 0), "例", _change(ev.get("total"), ev.get("previous_month_total")),
                         _change(ev.get("total"), ev.get("last_year_total"))))
    if ev.get("rate_per_100") is not None:
        keys.append(_key("每百出院人次报告", ev["rate_per_100"], "例次", _delta(ev["rate_per_100"], previous.get("event_rate")),
                         _delta(ev["rate_per_100"], last_year.get("event_rate"))) | {"points": True})
    if ev.get("available"):
        keys.append(_key("I/II 类事件", len(ev.get("serious_cases", [])), "例"))
        if ev.get("closed_loop_rate") is not None:
            keys.append(_key("不良事件闭环率", ev["closed_loop_rate"], "%"))
    mt = sections["meetings"]
    if mt["available"]:
        keys.append(_key("召开质量安全会议", mt["held"], "次"))
        keys.append(_key("未按月开会的主体", mt["missing"], "个"))
        keys.append(_key("逾期整改事项", mt["actions"]["overdue"], "项"))
    iv = sections["interviews"]
    if iv["available"]:
        keys.append(_key("在办约谈", iv["open"], "起"))
    rp = sections["reports"]
    if rp["available"]:
        keys.append(_key("科室月报按时提交", rp["on_time"], f"/ {rp['total']} 份"))
    for k in keys:
        k.setdefault("points", False)
    available = [k for k, s in sections.items() if s.get("available") and k != "focus"]
    missing = [k for k, s in sections.items() if not s.get("available") and k != "focus"]
    focus = sections.get("focus") or {}
    highlights = focus.get("items", [])[:6] if len(focus.get("items", [])) > 0 and keys else []
    return _section(bool(keys), NO_DATA, key_numbers=keys, sections_with_data=len(available),
                    sections_without_data=missing, highlights=highlights)


def build_focus(sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Focus for next month, derived from what the month left open."""
    items: list[str] = []
    for r in sections["indicators"].get("rows", []):
        if r["light"] == "red":
            items.append(f"“{r['name']}”未达到目标（{r['target']}），请责任部门分析原因、落实改进措施。")
        elif r["light"] == "amber":
            items.append(f"“{r['name']}”出现过程控制异常信号（{r['signal_text'] or '控制图'}），请持续监测、提前干预。")
    ev = sections["events"]
    pending = [c for c in ev.get("serious_cases", []) if not c.get("analysed")]
    if pending:
        items.append(f"{len(pending)} 例 I/II 类不良事件尚未完成根因分析，须按期完成分析、落实改进并反馈。")
    mt = sections["meetings"]
    if mt.get("available"):
        if mt["missing"]:
            names = "、".join(b["name"] for b in mt["bodies"] if b["missing"])
            if len(names) > 80:
                names = names[:80] + "等"
            items.append(f"本月未召开质量安全会议的主体（{names}）须按第十二条每月召开专门会议。")
        if mt["actions"]["overdue"]:
            items.append(f"{mt['actions']['overdue']} 项会议决议整改事项已逾期，责任人须限期完成。")
    for r in sections["interviews"].get("rows", []):
        if r["status"] == "rectifying" and r.get("rectification_deadline"):
            items.append(f"约谈整改（{r['organiser']}）须于 {r['rectification_deadline'][:10]} 前整改到位，"
                         f"并按期提交书面整改报告。")
    rp = sections["reports"]
    if rp.get("available") and (rp["missing"] or rp["late"]):
        items.append(f"科室质量月报：{rp['missing']} 个科室未提交、{rp['late']} 个科室逾期提交，须按时报送。")
    for extra in BULLETIN_SECTIONS:
        items.extend(sections.get(extra.key, {}).get("focus", []))
    if not items:
        items.append("继续保持各项指标稳定达标，落实医疗质量安全核心制度。")
    return _section(True, items=items[:25])


STEPS: list[tuple[str, str]] = [
    ("indicators", "汇总医疗质量指标"),
    ("events", "统计不良事件"),
    ("meetings", "汇总会议及整改事项"),
    ("interviews", "汇总约谈及整改情况"),
    ("reports", "汇总科室质量月报"),
    ("summary", "生成本月概况及下月重点"),
]


def gather_all(institution: Any, year: int, month: int,
               on_step: Callable[[int, str], None] | None = None) -> dict[str, Any]:
    """All sections of one month, calling on_step(percent, text) as it goes (the progress bar)."""
    def step(i: int) -> None:
        if on_step:
            on_step(5 + int(i * 70 / len(STEPS)), STEPS[i][1])

    sections: dict[str, dict[str, Any]] = {}
    step(0)
    sections["indicators"] = _guard(lambda: gather_indicators(institution, year, month), "indicators")
    step(1)
    sections["events"] = _guard(lambda: gather_events(institution, year, month, sections["indicators"]), "events")
    step(2)
    sections["meetings"] = _guard(lambda: gather_meetings(institution, year, month), "meetings")
    step(3)
    sections["interviews"] = _guard(lambda: gather_interviews(institution, year, month), "interviews")
    step(4)
    sections["reports"] = _guard(lambda: gather_reports(institution, year, month), "reports")
    for extra in BULLETIN_SECTIONS:
        def build_extra(extra: Any = extra) -> dict[str, Any]:
            return {"generic": True, **extra.build(institution=institution, year=year, month=month)}

        sections[extra.key] = _guard(build_extra, extra.key)
    step(5)
    previous = _headline(institution, *shift_month(year, month, -1))
    last_year = _headline(institution, year - 1, month)
    sections["focus"] = _guard(lambda: build_focus(sections), "focus")
    sections["summary"] = _guard(lambda: build_summary(sections, previous, last_year), "summary")
    return sections


def iter_sections(sections: dict[str, Any]) -> Iterable[tuple[str, str, dict[str, Any]]]:
    from bulletins.models import SECTIONS

    extras = [(s.key, s.title) for s in BULLETIN_SECTIONS if s.key in sections]
    ordered = [pair for pair in SECTIONS if pair[0] != "focus"] + extras + [pair for pair in SECTIONS if pair[0] == "focus"]
    for key, title in ordered:
        yield key, title, sections.get(key) or _section(False, NO_MODULE)
