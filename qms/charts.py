"""The one chart module (DESIGN "Documents"): server-side SVG, used by the dashboard pages and the PDFs.

Pure functions returning an ``<svg>`` string: no JavaScript, no external fetch, a fixed viewBox so that the
same markup scales in a browser card and in a WeasyPrint A4 page. All text is escaped here, so callers may
mark the result safe (``mark_safe``) and drop it into a template.

    run_chart(points, target=None, center=None, ucl=None, lcl=None, signals=(), title="", unit="") -> str
    bar_chart(categories, values, title="") -> str

``points`` is a sequence of ``(label, value)`` pairs; a value of ``None`` is a gap (no data that month).
``ucl`` / ``lcl`` are a number, or a sequence with one limit per point (a p-chart's limits move with the
denominator), ``None`` entries meaning "no limit there". ``signals`` are the indices of points to mark as
out-of-control.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from django.utils.translation import gettext

Number = int | float | Decimal
Limit = None | Number | Sequence[Number | None]

WIDTH = 640
HEIGHT = 260
PAD_LEFT = 56
PAD_RIGHT = 16
PAD_TOP = 34
PAD_BOTTOM = 44
FONT = "Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif"

COLOUR_LINE = "#1f4e79"
COLOUR_TARGET = "#198754"
COLOUR_CENTER = "#6c757d"
COLOUR_LIMIT = "#dc3545"
COLOUR_SIGNAL = "#dc3545"
COLOUR_BAR = "#1f4e79"
COLOUR_GRID = "#e9ecef"


def _f(v: Number | None) -> float | None:
    if v is None:
        return None
    return float(v)


def _fmt(v: float) -> str:
    """Axis labels: up to 3 significant decimals, no trailing zeros."""
    if abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def _c(v: float) -> str:
    return f"{v:.1f}"


def _limit_list(limit: Limit, n: int) -> list[float | None]:
    if limit is None:
        return [None] * n
    if isinstance(limit, (int, float, Decimal)):
        return [float(limit)] * n
    values = [_f(x) for x in limit]
    return (values + [None] * n)[:n]


def _nice_range(lo: float, hi: float) -> tuple[float, float, float]:
    """A y range with round ticks that includes lo..hi."""
    if hi == lo:
        pad = abs(hi) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    span = hi - lo
    raw = span / 5
    mag = 10 ** _floor_log10(raw)
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    lo_t = step * _floor(lo / step)
    hi_t = step * _ceil(hi / step)
    return lo_t, hi_t, step


def _floor_log10(x: float) -> int:
    import math

    return math.floor(math.log10(x)) if x > 0 else 0


def _floor(x: float) -> int:
    import math

    return math.floor(x + 1e-9)


def _ceil(x: float) -> int:
    import math

    return math.ceil(x - 1e-9)


def _open(title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" preserveAspectRatio="xMidYMid meet" role="img" '
        f'aria-label="{escape(title or desc)}" class="qms-chart" '
        f'style="max-width:100%;height:auto;font-family:{FONT}">',
        f"<title>{escape(title or desc)}</title>",
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
    ]


def _title(title: str) -> str:
    if not title:
        return ""
    return (
        f'<text x="{PAD_LEFT}" y="20" font-size="14" font-weight="600" fill="#212529">{escape(title)}</text>'
    )


def _empty(parts: list[str]) -> str:
    parts.append(
        f'<text x="{WIDTH / 2:.0f}" y="{HEIGHT / 2:.0f}" font-size="13" fill="{COLOUR_CENTER}" '
        f'text-anchor="middle">{escape(gettext("暂无数据"))}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def run_chart(
    points: Sequence[tuple[str, Number | None]],
    target: Number | None = None,
    center: Limit = None,
    ucl: Limit = None,
    lcl: Limit = None,
    signals: Sequence[int] = (),
    title: str = "",
    unit: str = "",
    breaks: Sequence[tuple[int, str]] = (),
    provisional: Sequence[int] | set[int] = (),
) -> str:
    """A run chart (or a control chart when limits are given): values in time order with target line,
    centre line, control limits (stepped when they vary per point) and signal markers. A phased chart (issue
    21) passes ``center`` per point, ``breaks`` (index where a phase starts, label of the intervention) and the
    indices whose limits are ``provisional`` (drawn fainter, class "provisional")."""
    n = len(points)
    parts = _open(title, "run chart")
    parts.append(_title(title))
    values = [_f(v) for _, v in points]
    ucls = _limit_list(ucl, n)
    lcls = _limit_list(lcl, n)
    tgt = _f(target)
    centers: list[float | None] | None = None
    if center is not None and not isinstance(center, (int, float, Decimal)):
        centers = _limit_list(center, n)
        ctr = None
    else:
        ctr = _f(center)
    faint = set(provisional)
    known = [v for v in values if v is not None]
    if not known:
        return _empty(parts)
    extent = known + [x for x in ucls + lcls if x is not None] + [x for x in (tgt, ctr) if x is not None]
    extent += [x for x in centers or [] if x is not None]
    lo, hi, step = _nice_range(min(extent), max(extent))
    if min(known) >= 0 and lo < 0:
        lo = 0.0
    if unit.strip() == "%" and hi > 100 >= max(extent):
        hi = 100.0  # a percentage cannot pass 100 %: no axis to 110 % for an indicator at 100 %
        lo = min(lo, hi - step)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(v: float) -> float:
        return PAD_TOP + plot_h - (v - lo) / (hi - lo) * plot_h

    slot = plot_w / max(n, 1)

    def x(i: int) -> float:
        return PAD_LEFT + slot * (i + 0.5)

    # grid and y axis
    tick = lo
    guard = 0
    while tick <= hi + step / 1000 and guard < 20:
        yy = y(tick)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{_c(yy)}" x2="{WIDTH - PAD_RIGHT}" y2="{_c(yy)}" '
            f'stroke="{COLOUR_GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{_c(yy + 4)}" font-size="11" fill="#495057" '
            f'text-anchor="end">{escape(_fmt(tick))}</text>'
        )
        tick += step
        guard += 1
    if unit:
        parts.append(
            f'<text x="{WIDTH - PAD_RIGHT}" y="20" font-size="11" fill="#495057" '
            f'text-anchor="end">{escape(unit)}</text>'
        )
    parts.append(
        f'<line x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{PAD_LEFT}" y2="{PAD_TOP + plot_h}" stroke="#adb5bd"/>'
    )
    # x labels: at most ~12 shown
    every = max(1, -(-n // 12))
    for i, (label, _) in enumerate(points):
        if (n - 1 - i) % every == 0:
            parts.append(
                f'<text x="{_c(x(i))}" y="{HEIGHT - PAD_BOTTOM + 16}" font-size="10" fill="#495057" '
                f'text-anchor="middle">{escape(str(label))}</text>'
            )

    # control limits: stepped lines, one segment per point
    for lims, cls in ((ucls, "ucl"), (lcls, "lcl")):
        for faint_pass in (False, True):
            segs = []
            for i, v in enumerate(lims):
                if v is None or not (lo <= v <= hi) or (i in faint) != faint_pass:
                    continue
                segs.append(f"M{_c(x(i) - slot / 2)},{_c(y(v))}H{_c(x(i) + slot / 2)}")
            if segs:
                extra = ' provisional" stroke-opacity="0.4' if faint_pass else ""
                parts.append(
                    f'<path class="{cls}{extra}" d="{"".join(segs)}" fill="none" stroke="{COLOUR_LIMIT}" '
                    f'stroke-width="1.2" stroke-dasharray="5,3"/>'
                )
    if centers is not None:
        segs = [f"M{_c(x(i) - slot / 2)},{_c(y(v))}H{_c(x(i) + slot / 2)}" for i, v in enumerate(centers)
                if v is not None]
        if segs:
            parts.append(f'<path class="center" d="{"".join(segs)}" fill="none" stroke="{COLOUR_CENTER}" '
                         f'stroke-width="1"/>')
    for k, (i, label) in enumerate(breaks):
        if not 0 < i < n:
            continue
        bx = x(i) - slot / 2
        parts.append(f'<line class="phase-break" x1="{_c(bx)}" y1="{PAD_TOP}" x2="{_c(bx)}" '
                     f'y2="{PAD_TOP + plot_h}" stroke="#6f42c1" stroke-width="1.5" stroke-dasharray="4,2">'
                     f"<title>{escape(label)}</title></line>")
        parts.append(f'<text x="{_c(bx + 3)}" y="{PAD_TOP + 10 + 11 * (k % 2)}" font-size="10" fill="#6f42c1">'
                     f"{escape(label[:12])}</text>")
    if any(v is not None for v in ucls):
        last = next(v for v in reversed(ucls) if v is not None)
        parts.append(
            f'<text x="{WIDTH - PAD_RIGHT}" y="{_c(y(last) - 3)}" font-size="10" fill="{COLOUR_LIMIT}" '
            f'text-anchor="end">UCL</text>'
        )
    if any(v is not None for v in lcls):
        last = next(v for v in reversed(lcls) if v is not None)
        parts.append(
            f'<text x="{WIDTH - PAD_RIGHT}" y="{_c(y(last) + 11)}" font-size="10" fill="{COLOUR_LIMIT}" '
            f'text-anchor="end">LCL</text>'
        )
    if ctr is not None:
        parts.append(
            f'<line class="center" x1="{PAD_LEFT}" y1="{_c(y(ctr))}" x2="{WIDTH - PAD_RIGHT}" '
            f'y2="{_c(y(ctr))}" stroke="{COLOUR_CENTER}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT + 4}" y="{_c(y(ctr) - 3)}" font-size="10" fill="{COLOUR_CENTER}">CL</text>'
        )
    if tgt is not None:
        parts.append(
            f'<line class="target" x1="{PAD_LEFT}" y1="{_c(y(tgt))}" x2="{WIDTH - PAD_RIGHT}" '
            f'y2="{_c(y(tgt))}" stroke="{COLOUR_TARGET}" stroke-width="1.5" stroke-dasharray="2,2"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT + 24}" y="{_c(y(tgt) - 3)}" font-size="10" fill="{COLOUR_TARGET}">'
            f'{escape(gettext("目标"))} {escape(_fmt(tgt))}</text>'
        )

    # the series, broken at gaps
    path: list[str] = []
    pen_down = False
    for i, v in enumerate(values):
        if v is None:
            pen_down = False
            continue
        path.append(f"{'L' if pen_down else 'M'}{_c(x(i))},{_c(y(v))}")
        pen_down = True
    parts.append(
        f'<path class="series" d="{"".join(path)}" fill="none" stroke="{COLOUR_LINE}" stroke-width="2"/>'
    )
    flagged = set(signals)
    for i, v in enumerate(values):
        if v is None:
            continue
        label = escape(f"{points[i][0]}: {_fmt(v)}{unit}")
        if i in flagged:
            parts.append(
                f'<circle class="signal" cx="{_c(x(i))}" cy="{_c(y(v))}" r="5" fill="{COLOUR_SIGNAL}" '
                f'stroke="#fff" stroke-width="1"><title>{label}{escape(gettext("（异常信号）"))}</title></circle>'
            )
        else:
            parts.append(
                f'<circle class="point" cx="{_c(x(i))}" cy="{_c(y(v))}" r="3.5" fill="{COLOUR_LINE}">'
                f"<title>{label}</title></circle>"
            )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(categories: Sequence[str], values: Sequence[Number | None], title: str = "") -> str:
    """Vertical bars, one per category, value printed above each bar."""
    parts = _open(title, "bar chart")
    parts.append(_title(title))
    vals = [_f(v) or 0.0 for v in values]
    n = len(categories)
    if n == 0:
        return _empty(parts)
    lo, hi, step = _nice_range(min(0.0, min(vals)), max(vals) if max(vals) > 0 else 1.0)
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM

    def y(v: float) -> float:
        return PAD_TOP + plot_h - (v - lo) / (hi - lo) * plot_h

    tick = lo
    guard = 0
    while tick <= hi + step / 1000 and guard < 20:
        yy = y(tick)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{_c(yy)}" x2="{WIDTH - PAD_RIGHT}" y2="{_c(yy)}" '
            f'stroke="{COLOUR_GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PAD_LEFT - 6}" y="{_c(yy + 4)}" font-size="11" fill="#495057" '
            f'text-anchor="end">{escape(_fmt(tick))}</text>'
        )
        tick += step
        guard += 1
    slot = plot_w / n
    bar_w = min(48.0, slot * 0.7)
    small = n > 8
    for i, (cat, v) in enumerate(zip(categories, vals)):
        cx = PAD_LEFT + slot * (i + 0.5)
        top, bottom = y(max(v, 0.0)), y(min(v, 0.0))
        parts.append(
            f'<rect class="bar" x="{_c(cx - bar_w / 2)}" y="{_c(top)}" width="{_c(bar_w)}" '
            f'height="{_c(max(bottom - top, 0.5))}" fill="{COLOUR_BAR}">'
            f"<title>{escape(str(cat))}: {escape(_fmt(v))}</title></rect>"
        )
        parts.append(
            f'<text x="{_c(cx)}" y="{_c(top - 4)}" font-size="10" fill="#212529" '
            f'text-anchor="middle">{escape(_fmt(v))}</text>'
        )
        label = str(cat)
        if small and len(label) > 4:
            label = label[:4] + "…"
        parts.append(
            f'<text x="{_c(cx)}" y="{HEIGHT - PAD_BOTTOM + 16}" font-size="{10 if small else 11}" '
            f'fill="#495057" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(
        f'<line x1="{PAD_LEFT}" y1="{_c(y(0))}" x2="{WIDTH - PAD_RIGHT}" y2="{_c(y(0))}" stroke="#adb5bd"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def pareto_chart(categories: Sequence[str], values: Sequence[Number | None], title: str = "") -> str:
    """Pareto chart: bars sorted largest first, and the cumulative share as a line on a 0–100 % right axis
    (the "vital few" of the quality tools in seeds/002)."""
    pairs = sorted(zip(categories, [_f(v) or 0.0 for v in values]), key=lambda p: -p[1])
    parts = _open(title, "pareto chart")
    parts.append(_title(title))
    total = sum(v for _, v in pairs)
    if not pairs or total <= 0:
        return _empty(parts)
    right = PAD_RIGHT + 24
    plot_w = WIDTH - PAD_LEFT - right
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    lo, hi, step = _nice_range(0.0, pairs[0][1])

    def y(v: float) -> float:
        return PAD_TOP + plot_h - (v - lo) / (hi - lo) * plot_h

    def yp(p: float) -> float:
        return PAD_TOP + plot_h - p / 100 * plot_h

    tick = lo
    guard = 0
    while tick <= hi + step / 1000 and guard < 20:
        parts.append(f'<line x1="{PAD_LEFT}" y1="{_c(y(tick))}" x2="{WIDTH - right}" y2="{_c(y(tick))}" '
                     f'stroke="{COLOUR_GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{_c(y(tick) + 4)}" font-size="11" fill="#495057" '
                     f'text-anchor="end">{escape(_fmt(tick))}</text>')
        tick += step
        guard += 1
    for p in (0, 50, 80, 100):
        parts.append(f'<text x="{WIDTH - right + 4}" y="{_c(yp(p) + 4)}" font-size="10" fill="{COLOUR_LIMIT}">{p}%</text>')
    parts.append(f'<line x1="{PAD_LEFT}" y1="{_c(yp(80))}" x2="{WIDTH - right}" y2="{_c(yp(80))}" '
                 f'stroke="{COLOUR_LIMIT}" stroke-width="1" stroke-dasharray="4 3"/>')
    n = len(pairs)
    slot = plot_w / n
    bar_w = min(48.0, slot * 0.7)
    small = n > 8
    running = 0.0
    points = []
    for i, (cat, v) in enumerate(pairs):
        cx = PAD_LEFT + slot * (i + 0.5)
        running += v
        share = running / total * 100
        points.append(f"{_c(cx)},{_c(yp(share))}")
        parts.append(f'<rect class="bar" x="{_c(cx - bar_w / 2)}" y="{_c(y(v))}" width="{_c(bar_w)}" '
                     f'height="{_c(max(y(0) - y(v), 0.5))}" fill="{COLOUR_BAR}">'
                     f"<title>{escape(str(cat))}: {escape(_fmt(v))} ({share:.0f}%)</title></rect>")
        label = str(cat)
        if small and len(label) > 4:
            label = label[:4] + "…"
        parts.append(f'<text x="{_c(cx)}" y="{HEIGHT - PAD_BOTTOM + 16}" font-size="{10 if small else 11}" '
                     f'fill="#495057" text-anchor="middle">{escape(label)}</text>')
    parts.append(f'<polyline class="cumulative" points="{" ".join(points)}" fill="none" stroke="{COLOUR_LIMIT}" stroke-width="2"/>')
    for pt in points:
        x, yy = pt.split(",")
        parts.append(f'<circle cx="{x}" cy="{yy}" r="2.5" fill="{COLOUR_LIMIT}"/>')
    parts.append(f'<line x1="{PAD_LEFT}" y1="{_c(y(0))}" x2="{WIDTH - right}" y2="{_c(y(0))}" stroke="#adb5bd"/>')
    parts.append("</svg>")
    return "".join(parts)


def funnel_plot(
    points: Sequence[tuple[str, Number, Number, str, str]],
    curve: Sequence[tuple[float, float, float, float, float]],
    pooled: Number | None,
    title: str = "",
    unit: str = "",
) -> str:
    """A funnel plot: each unit's value (y) against its denominator (x, logarithmic), the pooled value and the
    95 % / 99.8 % limit curves. ``points`` are (label, denominator, value, signal, href) with signal "above",
    "below" or "within" (href may be empty); ``curve`` rows are (n, lower998, lower95, upper95, upper998)."""
    import math

    parts = _open(title, "funnel plot")
    parts.append(_title(title))
    pts = [(lab, float(n), float(v), sig, href) for lab, n, v, sig, href in points if n and v is not None]
    if not pts or pooled is None:
        return _empty(parts)
    centre = float(pooled)
    n_lo = min(min(p[1] for p in pts), curve[0][0] if curve else 1.0)
    n_hi = max(max(p[1] for p in pts), curve[-1][0] if curve else 10.0)
    if n_hi <= n_lo:
        n_hi = n_lo * 10
    # the y range: the points and the limits over the points' range (not the wide mouth of the funnel)
    inner = [c for c in curve if c[0] >= min(p[1] for p in pts) * 0.5]
    extent = [p[2] for p in pts] + [centre] + [c[1] for c in inner] + [c[4] for c in inner]
    lo, hi, step = _nice_range(min(extent), max(extent))
    if min(extent) >= 0 and lo < 0:
        lo = 0.0
    if unit.strip() == "%" and hi > 100 >= max(extent):
        hi = 100.0
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    l_lo, l_hi = math.log10(n_lo), math.log10(n_hi)

    def x(n: float) -> float:
        return PAD_LEFT + (math.log10(n) - l_lo) / (l_hi - l_lo) * plot_w

    def y(v: float) -> float:
        v = min(max(v, lo), hi)
        return PAD_TOP + plot_h - (v - lo) / (hi - lo) * plot_h

    tick = lo
    guard = 0
    while tick <= hi + step / 1000 and guard < 20:
        yy = y(tick)
        parts.append(f'<line x1="{PAD_LEFT}" y1="{_c(yy)}" x2="{WIDTH - PAD_RIGHT}" y2="{_c(yy)}" '
                     f'stroke="{COLOUR_GRID}" stroke-width="1"/>')
        parts.append(f'<text x="{PAD_LEFT - 6}" y="{_c(yy + 4)}" font-size="11" fill="#495057" '
                     f'text-anchor="end">{escape(_fmt(tick))}</text>')
        tick += step
        guard += 1
    decade = 10 ** math.floor(l_lo)
    while decade <= n_hi * 1.0001:
        if decade >= n_lo * 0.9999:
            parts.append(f'<text x="{_c(x(decade))}" y="{HEIGHT - PAD_BOTTOM + 16}" font-size="10" '
                         f'fill="#495057" text-anchor="middle">{escape(_fmt(decade))}</text>')
        decade *= 10
    parts.append(f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" font-size="10" fill="#495057" '
                 f'text-anchor="end">{escape(gettext("分母（对数刻度）"))}</text>')
    if unit:
        parts.append(f'<text x="{WIDTH - PAD_RIGHT}" y="20" font-size="11" fill="#495057" '
                     f'text-anchor="end">{escape(unit)}</text>')
    for col, cls, dash in ((1, "limit998", "5,3"), (4, "limit998", "5,3"), (2, "limit95", "2,2"),
                           (3, "limit95", "2,2")):
        d = "".join(f"{'L' if k else 'M'}{_c(x(c[0]))},{_c(y(c[col]))}" for k, c in enumerate(curve)
                    if n_lo <= c[0] <= n_hi)
        if d:
            colour = COLOUR_LIMIT if cls == "limit998" else "#fd7e14"
            parts.append(f'<path class="{cls}" d="{d}" fill="none" stroke="{colour}" stroke-width="1.2" '
                         f'stroke-dasharray="{dash}"/>')
    parts.append(f'<line class="center" x1="{PAD_LEFT}" y1="{_c(y(centre))}" x2="{WIDTH - PAD_RIGHT}" '
                 f'y2="{_c(y(centre))}" stroke="{COLOUR_CENTER}" stroke-width="1"/>')
    parts.append(f'<text x="{PAD_LEFT + 4}" y="{_c(y(centre) - 3)}" font-size="10" fill="{COLOUR_CENTER}">'
                 f'{escape(gettext("合计"))} {escape(_fmt(centre))}</text>')
    for lab, n, v, sig, href in pts:
        colour = COLOUR_SIGNAL if sig in ("above", "below") else COLOUR_LINE
        tip = escape(f"{lab}: {_fmt(v)}{unit} (n={_fmt(n)})")
        dot = (f'<circle class="unit {escape(sig)}" data-label="{escape(lab)}" cx="{_c(x(n))}" cy="{_c(y(v))}" '
               f'r="{4 if sig == "within" else 5}" fill="{colour}" fill-opacity="0.8"><title>{tip}</title></circle>')
        parts.append(f'<a href="{escape(href)}">{dot}</a>' if href else dot)
    parts.append("</svg>")
    return "".join(parts)
