"""Analysis of indicator series (SPEC §6; Art. 10 (二) 监测、预警): rates in exact decimals, target attainment,
year-on-year and month-on-month change, and statistical process control.

SPC follows the textbook Shewhart p- and u-charts, limits computed from the data shown; the formulas and the
signal rules are stated once in ``indicators.spc``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from indicators import spc

RATE_PLACES = Decimal("0.0001")
RUN_LENGTH = spc.SHIFT_LENGTH


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
    """Limits from the points that have data; at least 3 points are needed for any limit. The limits and the
    signal rules are those of ``indicators.spc`` (stated once there)."""
    xs = [p.numerator for p in points]
    ns = [p.denominator if p.numerator is not None else None for p in points]
    lim = spc.limits(kind, xs, ns, factor)
    if not lim.kind:
        return ControlChart("", None, [None] * len(points), [None] * len(points))
    chart = ControlChart(lim.kind, lim.center, lim.ucl, lim.lcl)
    values = [p.rate if p.numerator is not None and p.denominator else None for p in points]
    chart.reasons = spc.signals(values, lim.center, lim.ucl, lim.lcl)
    chart.signals = sorted(chart.reasons)
    return chart


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
