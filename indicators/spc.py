"""The statistical rules of the product, stated once (issue 21): pure functions, no ORM, no Django.

Used by the dashboard and the chart page (through ``indicators.analysis.control_chart``), the bulletin (which
draws the same rows), the phased chart of an indicator split at recorded interventions, the verdict on an
intervention, and the authority's funnel plot.

Control charts (Shewhart, as in the textbooks: Montgomery, *Introduction to Statistical Quality Control*):
- p-chart (proportions): p̄ = Σx / Σn, limits p̄ ± 3·√(p̄(1−p̄)/nᵢ), clipped to [0, 1];
- u-chart (events per unit of exposure, the unit being ``factor`` of the denominator, e.g. per 100 discharges):
  aᵢ = nᵢ / factor, ū = Σc / Σa, limits ū ± 3·√(ū/aᵢ), the lower clipped at 0.
Values are in the indicator's unit (× factor for a proportion).

Signal rules (Western Electric rule 1 and Nelson rule 2, the two NHS "Making Data Count" uses):
- RULE_BEYOND: a point beyond a 3σ limit;
- RULE_SHIFT: a run of ``SHIFT_LENGTH`` (8) points in a row on the same side of the centre line (a point on
  the line breaks the run; a month without data neither breaks nor extends it).

Phases (qicharts2 ``freeze`` / ``part``): a chart split at interventions. The baseline phase's limits are
computed from its own points and frozen; a later phase gets its own limits from its own points once it has
``MIN_PHASE_POINTS`` (12) points with data; before that it shows the previous phase's limits extended, marked
provisional.

Verdict on an intervention, judged against the frozen baseline (the phase before it, which needs
``MIN_BASELINE_POINTS`` points): "improved" when after the intervention there is a shift of 8 points on the good
side of the baseline centre line or a point beyond the baseline limit on the good side; "deteriorated" the
same on the bad side; both → the later signal decides; otherwise "no_change" (no change yet).

Funnel plot (Spiegelhalter 2005, *Funnel plots for comparing institutional performance*): each hospital's rate
against its denominator, limits around the pooled value θ at z = 1.959964 (95 %) and z = 3.090232 (99.8 %):
proportions θ ± z·√(θ(1−θ)/n) clipped to [0, 1]; rates per unit by the Poisson equivalent θ ± z·√(θ/a) with
a = n / factor units, lower clipped at 0. A hospital beyond a 99.8 % limit signals ("above"/"below").
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

Number = int | float | Decimal

SIGMA = 3
SHIFT_LENGTH = 8
MIN_PHASE_POINTS = 12
MIN_BASELINE_POINTS = 12
MIN_LIMIT_POINTS = 3  # fewer usable points: no limits at all
Z95 = 1.959964
Z998 = 3.090232
EPS = 1e-9

RULE_ABOVE = "超出控制上限（3σ）"
RULE_BELOW = "低于控制下限（3σ）"


def _f(v: Number | None) -> float | None:
    return None if v is None else float(v)


@dataclass
class Limits:
    kind: str  # "p" | "u" | ""
    center: float | None
    ucl: list[float | None]
    lcl: list[float | None]


def _usable(xs: Sequence[Number | None], ns: Sequence[Number | None]) -> list[int]:
    return [i for i, (x, n) in enumerate(zip(xs, ns)) if x is not None and n]


def around(kind: str, base: float, ns: Sequence[Number | None], factor: Number, z: float = SIGMA
           ) -> tuple[list[float | None], list[float | None]]:
    """Limits at z around a centre given as a proportion (p) or a rate per unit (u), one per denominator."""
    f = float(factor)
    ucl: list[float | None] = []
    lcl: list[float | None] = []
    for n in ns:
        if not n:
            ucl.append(None)
            lcl.append(None)
            continue
        if kind in ("p", "proportion"):
            sigma = math.sqrt(base * (1 - base) / float(n))
            ucl.append(min(1.0, base + z * sigma) * f)
            lcl.append(max(0.0, base - z * sigma) * f)
        else:
            sigma = math.sqrt(base / (float(n) / f))
            ucl.append(base + z * sigma)
            lcl.append(max(0.0, base - z * sigma))
    return ucl, lcl


def pooled(kind: str, xs: Sequence[Number | None], ns: Sequence[Number | None], factor: Number) -> float | None:
    """p̄ as a proportion (p) or ū per unit (u) over the usable points; None when there are none."""
    idx = _usable(xs, ns)
    total_n = 0.0
    total_x = 0.0
    for i in idx:
        total_n += float(ns[i] or 0)
        total_x += float(xs[i] or 0)
    if not idx or not total_n:
        return None
    return total_x / total_n if kind in ("p", "proportion") else total_x / (total_n / float(factor))


def chart_kind(indicator_kind: str) -> str:
    return {"proportion": "p", "rate": "u"}.get(indicator_kind, "")


def limits(indicator_kind: str, xs: Sequence[Number | None], ns: Sequence[Number | None], factor: Number,
           *, base_from: Sequence[int] | None = None) -> Limits:
    """3σ limits for every point, centre from the points in ``base_from`` (default: all usable points)."""
    kind = chart_kind(indicator_kind)
    n_points = len(xs)
    idx = list(base_from) if base_from is not None else _usable(xs, ns)
    idx = [i for i in idx if xs[i] is not None and ns[i]]
    if not kind or len(idx) < MIN_LIMIT_POINTS:
        return Limits("", None, [None] * n_points, [None] * n_points)
    base = pooled(kind, [xs[i] for i in idx], [ns[i] for i in idx], factor)
    assert base is not None
    ucl, lcl = around(kind, base, [n if x is not None else None for x, n in zip(xs, ns)], factor)
    center = base * float(factor) if kind == "p" else base
    return Limits(kind, center, ucl, lcl)


def signals(values: Sequence[Number | None], center: Sequence[float | None] | float | None,
            ucl: Sequence[float | None], lcl: Sequence[float | None]) -> dict[int, str]:
    """index → reason, by RULE_BEYOND and RULE_SHIFT. ``center`` may vary by point (a phased chart); a run
    restarts where the centre changes."""
    n = len(values)
    centers = list(center) if isinstance(center, Sequence) else [center] * n
    reasons: dict[int, str] = {}
    run: list[int] = []
    last_side = 0
    last_center: float | None = None
    for i, raw in enumerate(values):
        v = _f(raw)
        c = centers[i]
        if v is None or c is None:
            continue
        if last_center is not None and abs(c - last_center) > EPS:
            run, last_side = [], 0  # a new phase: runs are counted within a phase
        last_center = c
        hi, lo = ucl[i], lcl[i]
        if hi is not None and v > hi + EPS:
            reasons[i] = RULE_ABOVE
        elif lo is not None and lo > 0 and v < lo - EPS:
            reasons[i] = RULE_BELOW
        side = 1 if v > c + EPS else (-1 if v < c - EPS else 0)
        if side == 0:
            run, last_side = [], 0
            continue
        if side == last_side:
            run.append(i)
        else:
            run, last_side = [i], side
        if len(run) >= SHIFT_LENGTH:
            where = "上方" if side > 0 else "下方"
            for j in run:
                reasons.setdefault(j, f"连续{SHIFT_LENGTH}点位于中心线{where}")
    return reasons


# ------------------------------------------------------------------------------------------------ phases
@dataclass
class Phase:
    start: int  # first index
    end: int  # last index (inclusive)
    center: float | None
    provisional: bool  # limits carried over from the previous phase: not enough points of its own yet
    points_with_data: int
    label: str = ""


@dataclass
class PhasedChart:
    kind: str
    center: list[float | None]
    ucl: list[float | None]
    lcl: list[float | None]
    phases: list[Phase] = field(default_factory=list)
    reasons: dict[int, str] = field(default_factory=dict)

    @property
    def signals(self) -> list[int]:
        return sorted(self.reasons)


def phased(indicator_kind: str, xs: Sequence[Number | None], ns: Sequence[Number | None],
           values: Sequence[Number | None], factor: Number, breaks: Sequence[int],
           labels: Sequence[str] = ()) -> PhasedChart:
    """The chart split at ``breaks`` (indices where a new phase starts). The first phase's limits come from its
    own points; each later phase's from its own once it has MIN_PHASE_POINTS points with data, else the previous
    phase's limits extended (provisional)."""
    n = len(xs)
    cuts = sorted({b for b in breaks if 0 < b < n})
    bounds = list(zip([0, *cuts], [*(c - 1 for c in cuts), n - 1]))
    kind = chart_kind(indicator_kind)
    center: list[float | None] = [None] * n
    ucl: list[float | None] = [None] * n
    lcl: list[float | None] = [None] * n
    phases: list[Phase] = []
    previous_base: float | None = None
    for k, (a, b) in enumerate(bounds):
        idx = [i for i in range(a, b + 1) if xs[i] is not None and ns[i]]
        own_enough = len(idx) >= (MIN_LIMIT_POINTS if k == 0 else MIN_PHASE_POINTS)
        base = pooled(kind, [xs[i] for i in idx], [ns[i] for i in idx], factor) if kind and own_enough else None
        provisional = False
        if base is None and previous_base is not None:
            base, provisional = previous_base, True
        phase_center = None
        if kind and base is not None:
            seg_ns = [ns[i] if xs[i] is not None else None for i in range(a, b + 1)]
            hi, lo = around(kind, base, seg_ns, factor)
            phase_center = base * float(factor) if kind == "p" else base
            for j, i in enumerate(range(a, b + 1)):
                center[i] = phase_center
                ucl[i], lcl[i] = hi[j], lo[j]
            if not provisional:
                previous_base = base
        phases.append(Phase(a, b, phase_center, provisional, len(idx), labels[k] if k < len(labels) else ""))
    chart = PhasedChart(kind, center, ucl, lcl, phases)
    chart.reasons = signals(values, center, ucl, lcl)
    return chart


# ------------------------------------------------------------------------------------------------ verdict
IMPROVED = "improved"
NO_CHANGE = "no_change"
DETERIORATED = "deteriorated"
NO_BASELINE = "no_baseline"


@dataclass
class Verdict:
    result: str  # IMPROVED | NO_CHANGE | DETERIORATED | NO_BASELINE
    reason: str
    at: int | None = None  # index of the point that decided it
    baseline_center: float | None = None
    after_center: float | None = None  # mean of the points after (plain, for the text)


def verdict(indicator_kind: str, xs: Sequence[Number | None], ns: Sequence[Number | None],
            values: Sequence[Number | None], factor: Number, *, start: int, direction: str,
            baseline_start: int = 0) -> Verdict:
    """Did the intervention at index ``start`` move the indicator? Judged against the frozen limits of the
    baseline (points baseline_start..start−1); direction "higher" or "lower" is the good side."""
    base_idx = [i for i in range(baseline_start, start) if xs[i] is not None and ns[i]]
    kind = chart_kind(indicator_kind)
    if not kind or len(base_idx) < MIN_BASELINE_POINTS:
        return Verdict(NO_BASELINE, f"基线不足{MIN_BASELINE_POINTS}个月，暂不能判断")
    base = pooled(kind, [xs[i] for i in base_idx], [ns[i] for i in base_idx], factor)
    assert base is not None
    c = base * float(factor) if kind == "p" else base
    after = list(range(start, len(values)))
    hi, lo = around(kind, base, [ns[i] if xs[i] is not None else None for i in after], factor)
    good = 1 if direction == "higher" else -1
    events: list[tuple[int, int, str]] = []  # (index, +1 good / −1 bad, reason)
    run: list[int] = []
    side_run = 0
    after_values = []
    for j, i in enumerate(after):
        v = _f(values[i])
        if v is None or xs[i] is None or not ns[i]:
            continue
        after_values.append(v)
        if hi[j] is not None and v > hi[j] + EPS:  # type: ignore[operator]
            events.append((i, good, "超出基线控制上限"))
        elif lo[j] is not None and lo[j] > 0 and v < lo[j] - EPS:  # type: ignore[operator]
            events.append((i, -good, "低于基线控制下限"))
        side = 1 if v > c + EPS else (-1 if v < c - EPS else 0)
        if side == 0:
            run, side_run = [], 0
            continue
        if side == side_run:
            run.append(i)
        else:
            run, side_run = [i], side
        if len(run) == SHIFT_LENGTH:
            where = "上方" if side > 0 else "下方"
            events.append((i, side * good, f"连续{SHIFT_LENGTH}点位于基线中心线{where}"))
    mean_after = sum(after_values) / len(after_values) if after_values else None
    if not events:
        return Verdict(NO_CHANGE, "尚无特殊原因变异信号（暂未见改变）", None, c, mean_after)
    good_events = [e for e in events if e[1] > 0]
    bad_events = [e for e in events if e[1] < 0]
    decisive = max(events, key=lambda e: e[0]) if good_events and bad_events else events[0]
    result = IMPROVED if decisive[1] > 0 else DETERIORATED
    return Verdict(result, decisive[2], decisive[0], c, mean_after)


# ------------------------------------------------------------------------------------------------ funnel
@dataclass
class FunnelPoint:
    numerator: float
    denominator: float
    rate: float  # in the indicator's unit
    lower95: float
    upper95: float
    lower998: float
    upper998: float
    signal: str  # "above" | "below" | "within"
    alert: str  # the same at 95 %


def funnel(indicator_kind: str, rows: Sequence[tuple[Number, Number]], factor: Number
           ) -> tuple[float | None, list[FunnelPoint | None]]:
    """rows: (numerator, denominator) per unit compared. Returns the pooled value in the indicator's unit and a
    FunnelPoint per row (None where the denominator is zero or missing)."""
    kind = chart_kind(indicator_kind)
    xs = [r[0] for r in rows]
    ns = [r[1] for r in rows]
    base = pooled(kind, xs, ns, factor) if kind else None
    if base is None:
        return None, [None] * len(rows)
    f = float(factor)
    hi95, lo95 = around(kind, base, ns, factor, Z95)
    hi998, lo998 = around(kind, base, ns, factor, Z998)
    out: list[FunnelPoint | None] = []
    for i, (x, n) in enumerate(rows):
        if not n:
            out.append(None)
            continue
        rate = float(x) * f / float(n)

        def where(lo: float | None, hi: float | None, r: float = rate) -> str:
            if hi is not None and r > hi + EPS:
                return "above"
            if lo is not None and r < lo - EPS:
                return "below"
            return "within"

        out.append(FunnelPoint(float(x), float(n), rate, lo95[i] or 0.0, hi95[i] or 0.0, lo998[i] or 0.0,
                               hi998[i] or 0.0, where(lo998[i], hi998[i]), where(lo95[i], hi95[i])))
    return (base * f if kind == "p" else base), out


def funnel_curve(indicator_kind: str, base_unit: float, factor: Number, n_max: float, steps: int = 60
                 ) -> list[tuple[float, float, float, float, float]]:
    """Points (n, lower998, lower95, upper95, upper998) to draw the funnel's limit curves from n = 1 to n_max."""
    kind = chart_kind(indicator_kind)
    base = base_unit / float(factor) if kind == "p" else base_unit
    out = []
    n_min = 1.0 if kind == "p" else max(float(factor) / 100, 1.0)
    for k in range(steps + 1):
        n = n_min * (n_max / n_min) ** (k / steps) if n_max > n_min else n_min
        hi95, lo95 = around(kind, base, [n], factor, Z95)
        hi998, lo998 = around(kind, base, [n], factor, Z998)
        out.append((n, lo998[0] or 0.0, lo95[0] or 0.0, hi95[0] or 0.0, hi998[0] or 0.0))
    return out
