"""Analysis of indicator series (SPEC §6; Art. 10 (二) 监测、预警): rates in exact decimals, target attainment,
year-on-year and month-on-month change, and statistical process control.

SPC follows the textbook Shewhart charts, limits computed from the data shown:
- p-chart (proportions): p̄ = Σx / Σn, limits p̄ ± 3·√(p̄(1−p̄)/nᵢ), clipped to [0, 1];
- u-chart (events per unit of exposure): with aᵢ = nᵢ / factor units (e.g. hundreds of discharges),
  ū = Σc / Σa, limits ū ± 3·√(ū/aᵢ), the lower clipped at 0.
Both are shown in the indicator's unit (× factor). Signals: a point beyond a limit, and a run of 8 points
in a row on one side of the centre line (Western Electric / Nelson rule 2).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RATE_PLACES = Decimal("0.0001")
RUN_LENGTH = 8


def compute_rate(numerator: Decimal, denominator: Decimal | None, factor: Decimal, kind: str) -> Decimal:
    """numerator × factor / denominator, exact decimal arithmetic, rounded half-up to 4 places."""
    if kind == "count":
        return Decimal(numerator).quantize(RATE_PLACES, ROUND_HALF_UP)
    assert denominator  # validated before
    return (Decimal(numerator) * Decimal(factor) / Decimal(denominator)).quantize(RATE_PLACES, ROUND_HALF_UP)


@dataclass
class Point:
    label: str
    numerator: Decimal | None
    denominator: Decimal | None
    rate: Decimal | None


@dataclass
class ControlChart:
    kind: str  # "p" | "u" | ""
    center: float | None = None
    ucl: list[float | None] = field(default_factory=list)
    lcl: list[float | None] = field(default_factory=list)
    signals: list[int] = field(default_factory=list)  # indices of points
    reasons: dict[int, str] = field(default_factory=dict)


def control_chart(points: list[Point], *, kind: str, factor: Decimal) -> ControlChart:
    """Limits from the points that have data; at least 3 points are needed for any limit."""
    n_points = len(points)
    usable = [p for p in points if p.numerator is not None and p.denominator]
    if kind not in ("proportion", "rate") or len(usable) < 3:
        return ControlChart("", None, [None] * n_points, [None] * n_points)
    f = float(factor)
    total_x = sum(float(p.numerator) for p in usable if p.numerator is not None)
    total_n = sum(float(p.denominator) for p in usable if p.denominator is not None)
    ucl: list[float | None] = []
    lcl: list[float | None] = []
    if kind == "proportion":
        pbar = total_x / total_n
        center = pbar * f
        for p in points:
            if p.numerator is None or not p.denominator:
                ucl.append(None)
                lcl.append(None)
                continue
            sigma = math.sqrt(pbar * (1 - pbar) / float(p.denominator))
            ucl.append(min(1.0, pbar + 3 * sigma) * f)
            lcl.append(max(0.0, pbar - 3 * sigma) * f)
        chart_kind = "p"
    else:
        units_total = total_n / f
        ubar = total_x / units_total
        center = ubar
        for p in points:
            if p.numerator is None or not p.denominator:
                ucl.append(None)
                lcl.append(None)
                continue
            units = float(p.denominator) / f
            sigma = math.sqrt(ubar / units)
            ucl.append(ubar + 3 * sigma)
            lcl.append(max(0.0, ubar - 3 * sigma))
        chart_kind = "u"
    chart = ControlChart(chart_kind, center, ucl, lcl)
    _signals(chart, points)
    return chart


def _signals(chart: ControlChart, points: list[Point]) -> None:
    center = chart.center
    assert center is not None
    side_run: list[int] = []
    last_side = 0
    for i, p in enumerate(points):
        if p.rate is None or p.numerator is None or not p.denominator:
            continue  # a gap neither breaks nor extends a run
        v = float(p.rate)
        hi, lo = chart.ucl[i], chart.lcl[i]
        if hi is not None and v > hi + 1e-9:
            chart.reasons[i] = "超出控制上限（3σ）"
        elif lo is not None and v < lo - 1e-9 and lo > 0:
            chart.reasons[i] = "低于控制下限（3σ）"
        side = 1 if v > center + 1e-12 else (-1 if v < center - 1e-12 else 0)
        if side == 0:
            side_run = []
            last_side = 0
            continue
        if side == last_side:
            side_run.append(i)
        else:
            side_run = [i]
            last_side = side
        if len(side_run) >= RUN_LENGTH:
            where = "上方" if side > 0 else "下方"
            for j in side_run:
                chart.reasons.setdefault(j, f"连续{RUN_LENGTH}点位于中心线{where}")
    chart.signals = sorted(chart.reasons)


def meets(value: Decimal, op: str, target: Decimal) -> bool:
    return {
        ">=": value >= target,
        "<=": value <= target,
        ">": value > target,
        "<": value < target,
    }[op]


def attainment(value: Decimal | None, snapshot: dict, last_year: Decimal | None) -> str | None:
    """True/False as "met"/"missed", or None when it cannot be judged (no data, no target, no last year)."""
    if value is None or not snapshot:
        return None
    kind = snapshot.get("kind")
    if kind in ("threshold", "grade_threshold") and snapshot.get("op") and snapshot.get("value") not in (None, "None"):
        return "met" if meets(value, snapshot["op"], Decimal(snapshot["value"])) else "missed"
    if kind == "yoy" and snapshot.get("op"):
        if last_year is None:
            return None
        return "met" if meets(value, snapshot["op"], last_year) else "missed"
    return None


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return (current - previous).quantize(RATE_PLACES)


def light(attained: str | None, signal: bool) -> str:
    """Traffic light: red = target missed; amber = met (or not judgeable) but the process signals; green =
    met and in control; grey = nothing to judge."""
    if attained == "missed":
        return "red"
    if signal:
        return "amber"
    if attained == "met":
        return "green"
    return "grey"
