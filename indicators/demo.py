"""Demo indicator data: 24 months of hospital-level values for H001 and H002 (so year-on-year and the control
limits have data), 12 months for a few departments, a couple of off-target and signalling indicators, and
department monthly reports in every state. Idempotent (runs once per database) and fast (bulk_create)."""
from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from indicators import services
from indicators.analysis import compute_rate
from indicators.models import Indicator, IndicatorValue, MonthlyReport

# code → (typical proportion, denominator at H001 scale); department values use a fraction of it
BASE: dict[str, tuple[float, int]] = {
    "ZB01": (0.86, 42), "ZB02": (1.0, 1), "ZB03": (0.0012, 2600), "ZB04": (0.0052, 2600), "ZB05": (0.081, 2300),
    "ZB06": (0.26, 640), "ZB07": (1.0, 1), "ZB08": (0.56, 5200), "ZB10": (0.0006, 1500),
    "ZB11-1": (0.962, 5200), "ZB11-2": (0.94, 600), "ZB11-3": (0.955, 2600), "ZB11-4": (0.91, 700),
    "ZB11-5": (0.958, 5200), "ZB11-6": (0.947, 5200), "ZB12-1": (0.88, 160), "ZB12-2": (0.93, 90),
    "ZB12-3": (0.9, 30), "ZB12-4": (0.92, 420), "ZB13-1": (0.93, 300), "ZB13-2": (0.94, 220),
    "ZB13-3": (0.92, 180), "ZB13-4": (0.91, 300), "ZB13-5": (0.95, 120), "ZB13-6": (0.96, 600),
    "ZB13-7": (0.94, 300), "ZB13-8": (0.925, 600), "ZB14": (0.031, 600), "CY": (1.0, 5200),
}
SCALE = {"H001": 1.0, "H002": 0.35}
DEPARTMENTS = {"H001": {"CARD": 0.12, "GS": 0.14, "ORTH": 0.1, "ICU": 0.04}, "H002": {"NK": 0.3, "WK": 0.3}}
DEPT_CODES = ["ZB03", "ZB04", "ZB08", "ZB11-1", "ZB11-5", "ZB13-8", "ZB14", "CY"]


def _last_month() -> dt.date:
    return services.add_months(timezone.localdate().replace(day=1), -1)


def _numbers(rng: random.Random, code: str, ind: Indicator, den: int, p: float) -> tuple[int, int | None]:
    if ind.kind == Indicator.Kind.COUNT:
        return max(1, int(rng.gauss(den, den * 0.04))), None
    den = max(1, int(rng.gauss(den, den * 0.05)))
    if den == 1:
        return (1 if p >= 1 else 0), 1
    sd = math.sqrt(max(den * p * (1 - p), 0.25))
    num = int(round(rng.gauss(den * p, sd)))
    return min(max(num, 0), den), den


def _values(ctx, indicators: dict[str, Indicator], now: dt.datetime) -> list[IndicatorValue]:
    last = _last_month()
    rows: list[IndicatorValue] = []
    qc = ctx.users.get("qc_office")
    for inst_code, scale in SCALE.items():
        inst = ctx.institutions[inst_code]
        places = [(None, scale, 24)] + [
            (ctx.dept(inst_code, d), scale * f, 12) for d, f in DEPARTMENTS[inst_code].items()
        ]
        for dept, factor, months in places:
            for code, (p, base_den) in BASE.items():
                ind = indicators.get(code)
                if ind is None or inst.grade_level not in ind.grade_list:
                    continue
                if dept is not None and code not in DEPT_CODES:
                    continue
                rng = random.Random(f"{inst_code}-{dept.code if dept else ''}-{code}")
                den_scale = 1 if base_den == 1 else max(8, int(base_den * factor))
                series: list[tuple[int, int | None]] = []
                for i in range(months):
                    num, den = _numbers(rng, code, ind, den_scale, p)
                    if i == months - 1 and den and den > 1 and i >= 12 and ind.target_kind == "yoy":
                        # the demo hospital improves on last year in most indicators
                        ly_num, ly_den = series[i - 12]
                        ly = ly_num / ly_den  # type: ignore[operator]
                        better = ly * (1.004 if ind.direction == "higher" else 0.97)
                        num = min(den, int(math.ceil(better * den)) if ind.direction == "higher"
                                  else int(math.floor(better * den)))
                    if den and inst_code == "H002" and code == "ZB08" and i == months - 1:
                        num = int(den * 0.652)  # 二级 target ≥ 70%: missed
                    if den and inst_code == "H001" and dept is None and i == months - 1:
                        if code == "ZB03":
                            num = int(den * 0.0031)  # ≤ 1.8‰ missed, beyond the upper control limit
                        elif code == "ZB08":
                            num = int(den * 0.61)  # target met (≥ 50%) but beyond 3σ: an early warning
                    series.append((num, den))
                    period = services.add_months(last, -(months - 1 - i))
                    rows.append(IndicatorValue(
                        indicator=ind, institution=inst, department=dept, period=period,
                        numerator=Decimal(num), denominator=None if den is None else Decimal(den),
                        rate=compute_rate(Decimal(num), None if den is None else Decimal(den), ind.factor, ind.kind),
                        source=IndicatorValue.Source.DEMO, entered_by=qc, entered_at=now, revision=1,
                        is_current=True, definition_version=ind.version,
                        target_snapshot=ind.target_for_grade(inst.grade_level), factor=ind.factor,
                    ))
    return rows


TEXTS: dict[str, Any] = {
    "self_check": "本月抽查运行病历30份、出院病历20份，核心制度落实情况总体良好；危急值处置记录均在6小时内完成。",
    "problems": "2份病历入院记录超过24小时完成；1例I类切口手术预防用抗菌药物时机不规范。",
    "measures": "科室质控小组于每周三晨会通报；责任医师限期整改，病历质控员每周复查；下月重点抽查手术病历。",
}


def _reports(ctx) -> None:
    """H001's business departments: six months of reports in various states; H002: last month's."""
    last = _last_month()
    qc = ctx.users["qc_office"]
    plan = {  # last month's state per department; earlier months are accepted (one of them late)
        "RESP": "submitted", "GS": "accepted", "ORTH": "returned", "PED": "draft", "ICU": "resubmitted",
        "OBGY": "submitted",
    }
    for inst_code, depts in (("H001", ["CARD", "RESP", "GS", "ORTH", "OBGY", "PED", "ICU", "EM", "PHAR", "LAB", "RAD"]),
                             ("H002", ["NK", "WK", "FCK", "JZ"])):
        for code in depts:
            dept = ctx.dept(inst_code, code)
            head = dept.head
            for back in range(5, -1, -1) if inst_code == "H001" else [0]:
                period = services.add_months(last, -back)
                if MonthlyReport.objects.filter(department=dept, period=period).exists():
                    continue
                report = services.monthly_report_open(department=dept, period=period)
                state = "accepted" if back else plan.get(code, "not_started")
                if inst_code == "H002":
                    state = {"NK": "submitted", "WK": "draft"}.get(code, "not_started")
                if state == "not_started":
                    continue
                services.monthly_report_save(report=report, actor=head, **TEXTS)
                if state == "draft":
                    continue
                services.monthly_report_submit(report=report, actor=head)
                if state == "submitted":
                    continue
                if state in ("returned", "resubmitted"):
                    services.monthly_report_return(report=report, actor=qc if inst_code == "H001" else None,
                                                   reason="改进措施未明确责任人和完成时限，请补充后重新报送。")
                    if state == "resubmitted":
                        services.monthly_report_save(report=report, actor=head, self_check=TEXTS["self_check"],
                                                     problems=TEXTS["problems"],
                                                     measures=TEXTS["measures"] + "责任人：科室质控员，完成时限：下月10日前。")
                        services.monthly_report_submit(report=report, actor=head)
                    continue
                services.monthly_report_accept(report=report, actor=qc if inst_code == "H001" else None)
    # the submissions above happen today, after earlier months' due dates: they were not late in the story
    MonthlyReport.objects.filter(period__lt=last).update(late=False)
    MonthlyReport.objects.filter(period__lt=last, department__code="RAD", period=services.add_months(last, -2)).update(
        late=True
    )


def seed(ctx) -> None:
    if IndicatorValue.objects.filter(source=IndicatorValue.Source.DEMO).exists():
        ctx.log.append("indicators: already seeded")
        return
    indicators = {i.code: i for i in Indicator.objects.all()}
    now = timezone.now()
    rows = _values(ctx, indicators, now)
    IndicatorValue.objects.bulk_create(rows, batch_size=1000)
    computed = 0
    last = _last_month()
    for inst_code in SCALE:
        inst = ctx.institutions[inst_code]
        for dept in [None] + [ctx.dept(inst_code, d) for d in DEPARTMENTS[inst_code]]:
            for i in range(24 if dept is None else 12):
                if services.event_rate_recompute(institution=inst, period=services.add_months(last, -i),
                                                 department=dept):
                    computed += 1
    _reports(ctx)
    ctx.log.append(f"indicators: {len(rows)} values, {computed} event rates, monthly reports")
