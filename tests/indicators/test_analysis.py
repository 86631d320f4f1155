"""SPC limits checked against a worked example computed by hand."""
import math
from decimal import Decimal

import pytest

from indicators.analysis import Point, attainment, compute_rate, control_chart, light


def _p(label, x, n, factor=100):
    return Point(label, Decimal(x), Decimal(n), compute_rate(Decimal(x), Decimal(n), Decimal(factor), "proportion"))


def test_it_computes_rates_exactly():
    assert compute_rate(Decimal(1), Decimal(3), Decimal(100), "proportion") == Decimal("33.3333")
    assert compute_rate(Decimal(2), Decimal(3), Decimal(1000), "proportion") == Decimal("666.6667")
    assert compute_rate(Decimal(7), Decimal(1000), Decimal(1000), "proportion") == Decimal("7.0000")
    # no binary floating point: 0.1 + 0.2 style errors cannot appear
    assert compute_rate(Decimal(3), Decimal(10), Decimal(100), "proportion") == Decimal("30")


def test_it_matches_a_hand_computed_p_chart():
    # Hand computation: x = 10, 12, 8, 30 over n = 100, 100, 100, 200.
    # p̄ = 60 / 500 = 0.12.  For n = 100: σ = √(0.12·0.88/100) = √0.001056 = 0.0324962;
    # UCL = 0.12 + 3·0.0324962 = 0.2174885 → 21.74885 %; LCL = 0.12 − 0.0974885 = 0.0225115 → 2.25115 %.
    # For n = 200: σ = √(0.000528) = 0.0229783; UCL = 0.1889348 → 18.89348 %; LCL = 0.0510652 → 5.10652 %.
    points = [_p("1", 10, 100), _p("2", 12, 100), _p("3", 8, 100), _p("4", 30, 200)]
    chart = control_chart(points, kind="proportion", factor=Decimal(100))
    assert chart.kind == "p"
    assert chart.center == pytest.approx(12.0)
    assert chart.ucl[0] == pytest.approx(21.74885, abs=1e-4)
    assert chart.lcl[0] == pytest.approx(2.25115, abs=1e-4)
    assert chart.ucl[3] == pytest.approx(18.89348, abs=1e-4)
    assert chart.lcl[3] == pytest.approx(5.10652, abs=1e-4)
    assert chart.signals == []


def test_it_matches_a_hand_computed_u_chart_per_100_discharges():
    # Events per 100 discharges: c = 3, 5, 4, 20 with discharges 1000, 1000, 1000, 1000 → a = 10 units each.
    # ū = 32 / 40 = 0.8 per 100; σ = √(0.8/10) = 0.2828427; UCL = 0.8 + 0.8485281 = 1.6485281; LCL = 0 (clipped).
    # Month 4 (2.0) is beyond the UCL.
    pts = [Point(str(i), Decimal(c), Decimal(1000), compute_rate(Decimal(c), Decimal(1000), Decimal(100), "rate"))
           for i, c in enumerate([3, 5, 4, 20])]
    chart = control_chart(pts, kind="rate", factor=Decimal(100))
    assert chart.kind == "u"
    assert chart.center == pytest.approx(0.8)
    assert chart.ucl[0] == pytest.approx(0.8 + 3 * math.sqrt(0.08), abs=1e-9)
    assert chart.ucl[0] == pytest.approx(1.6485281, abs=1e-6)
    assert chart.lcl[0] == 0.0
    assert chart.signals == [3]
    assert "控制上限" in chart.reasons[3]


def test_it_flags_a_point_beyond_3_sigma():
    # alternating around the centre, so no run; the last point far above
    pts = [_p(str(i), 12 + (3 if i % 2 else -3), 100) for i in range(11)] + [_p("x", 40, 100)]
    chart = control_chart(pts, kind="proportion", factor=Decimal(100))
    assert chart.signals == [11]
    assert chart.reasons[11] == "超出控制上限（3σ）"


def test_it_flags_eight_in_a_row_on_one_side_but_not_seven():
    # centre exactly 10 % (equal numbers of 9 % and 11 % points, n = 1000 → limits 7.15 %…12.85 %)
    seven = [_p(str(i), 90, 1000) for i in range(7)] + [_p(f"a{i}", 110, 1000) for i in range(7)]
    assert control_chart(seven, kind="proportion", factor=Decimal(100)).signals == []
    eight = [_p(str(i), 90, 1000) for i in range(8)] + [_p(f"a{i}", 110, 1000) for i in range(8)]
    chart8 = control_chart(eight, kind="proportion", factor=Decimal(100))
    assert chart8.signals == list(range(16))
    assert "连续8点位于中心线上方" in chart8.reasons[15]
    assert "连续8点位于中心线下方" in chart8.reasons[0]


def test_it_needs_three_points_for_limits():
    chart = control_chart([_p("1", 1, 10), _p("2", 2, 10)], kind="proportion", factor=Decimal(100))
    assert chart.kind == "" and chart.signals == []


def test_it_judges_the_four_target_forms():
    assert attainment(Decimal("1.8"), {"kind": "threshold", "op": "<=", "value": "1.8"}, None) == "met"
    assert attainment(Decimal("1.9"), {"kind": "threshold", "op": "<=", "value": "1.8"}, None) == "missed"
    assert attainment(Decimal("2.5"), {"kind": "threshold", "op": ">", "value": "2.5"}, None) == "missed"
    assert attainment(Decimal("65"), {"kind": "grade_threshold", "op": ">=", "value": "70"}, None) == "missed"
    assert attainment(Decimal("5"), {"kind": "yoy", "op": "<"}, Decimal("6")) == "met"
    assert attainment(Decimal("6"), {"kind": "yoy", "op": "<"}, Decimal("6")) == "missed"
    assert attainment(Decimal("5"), {"kind": "yoy", "op": "<"}, None) is None
    assert light("missed", False) == "red" and light("met", True) == "amber" and light("met", False) == "green"
