"""Issue 21: the rules of indicators.spc against hand-worked values and constructed series."""
import pytest

from indicators import spc


# ------------------------------------------------------------------------------------------------ funnel
def test_funnel_limits_for_a_proportion_match_the_hand_worked_values():
    # x/n = 20/100, 30/400, 50/500 → pooled p̄ = 100/1000 = 0.1.
    # n = 100: se = √(0.1·0.9/100) = 0.03; 95 %: 0.1 ± 1.959964·0.03 = 0.1 ± 0.0587989 → 4.120108 % … 15.879892 %;
    #          99.8 %: 0.1 ± 3.090232·0.03 = 0.1 ± 0.0927070 → 0.729304 % … 19.270696 %. 20 % is above.
    # n = 400: se = 0.015; 99.8 %: 0.1 ± 0.0463535 → 5.36465 % … 14.63535 %; 7.5 % is within (95 %: 7.060 %).
    pooled, pts = spc.funnel("proportion", [(20, 100), (30, 400), (50, 500)], 100)
    assert pooled == pytest.approx(10.0)
    a, b, c = pts
    assert a.lower95 == pytest.approx(4.120108, abs=1e-5) and a.upper95 == pytest.approx(15.879892, abs=1e-5)
    assert a.lower998 == pytest.approx(0.729304, abs=1e-5) and a.upper998 == pytest.approx(19.270696, abs=1e-5)
    assert a.rate == pytest.approx(20.0) and a.signal == "above" and a.alert == "above"
    assert b.lower998 == pytest.approx(5.36465, abs=1e-5) and b.upper998 == pytest.approx(14.63535, abs=1e-5)
    assert b.lower95 == pytest.approx(7.060054, abs=1e-5)
    assert b.signal == "within" and b.alert == "within"
    assert c.signal == "within"


def test_funnel_limits_for_a_rate_use_the_poisson_equivalent():
    # Events per 1000 discharges: c/n = 5/2000, 1/1000, 14/2000 → ū = 20 / 5 units = 4 per 1000.
    # a = 2 units: se = √(4/2) = 1.4142136; 95 %: 4 ± 2.771808 → 1.228192 … 6.771808;
    # 99.8 %: 4 ± 4.370248 → 0 (clipped) … 8.370248. 7 ‰ is beyond 95 % only: an alert, not a signal.
    pooled, pts = spc.funnel("rate", [(5, 2000), (1, 1000), (14, 2000)], 1000)
    assert pooled == pytest.approx(4.0)
    third = pts[2]
    assert third.rate == pytest.approx(7.0)
    assert third.lower95 == pytest.approx(1.228192, abs=1e-5) and third.upper95 == pytest.approx(6.771808, abs=1e-5)
    assert third.lower998 == 0.0 and third.upper998 == pytest.approx(8.370248, abs=1e-5)
    assert third.signal == "within" and third.alert == "above"


def test_funnel_skips_a_zero_denominator_and_draws_narrowing_curves():
    pooled, pts = spc.funnel("proportion", [(1, 10), (0, 0)], 100)
    assert pooled == pytest.approx(10.0) and pts[1] is None
    curve = spc.funnel_curve("proportion", 10.0, 100, 1000)
    widths = [hi - lo for _n, _lo998, lo, hi, _hi998 in curve]
    assert widths[0] > widths[-1] and all(w1 >= w2 - 1e-12 for w1, w2 in zip(widths, widths[1:]))


# ------------------------------------------------------------------------------------------------ rules
def test_the_shift_rule_needs_eight_points_on_one_side():
    values = [12, 10] * 4 + [13] * 7
    assert spc.signals(values, 11.0, [100] * len(values), [0] * len(values)) == {}
    values.append(13)
    reasons = spc.signals(values, 11.0, [100] * len(values), [0] * len(values))
    assert sorted(reasons) == list(range(8, 16)) and reasons[8] == "连续8点位于中心线上方"


def test_a_point_on_the_centre_breaks_a_run_and_a_gap_does_not():
    assert spc.signals([13] * 4 + [11] + [13] * 4, 11.0, [99] * 9, [0] * 9) == {}
    assert sorted(spc.signals([13] * 4 + [None] + [13] * 4, 11.0, [99] * 9, [0] * 9)) == [0, 1, 2, 3, 5, 6, 7, 8]


# ------------------------------------------------------------------------------------------------ phases
N = 100


def _series(values):
    xs = list(values)
    return xs, [N] * len(xs), [x * 100 / N for x in xs]


BASELINE = [18, 22] * 6  # p̄ = 0.20; UCL at n = 100: 20 + 3·4 = 32 %, LCL 8 %


def test_a_clear_shift_gets_its_own_limits_and_is_improved():
    xs, ns, vals = _series(BASELINE + [9, 11] * 6)
    chart = spc.phased("proportion", xs, ns, vals, 100, breaks=[12])
    base, after = chart.phases
    assert base.center == pytest.approx(20.0) and not base.provisional
    assert after.center == pytest.approx(10.0) and not after.provisional and after.points_with_data == 12
    # new phase: σ = √(0.1·0.9/100) = 3 % → UCL 19 %, LCL 1 %
    assert chart.ucl[12] == pytest.approx(19.0) and chart.lcl[12] == pytest.approx(1.0)
    assert chart.ucl[0] == pytest.approx(32.0)
    assert chart.reasons == {}  # within its own phase, each is in control
    v = spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="lower")
    assert v.result == spc.IMPROVED and v.at == 19 and "下方" in v.reason
    assert v.baseline_center == pytest.approx(20.0)


def test_before_twelve_points_the_new_phase_shows_the_baseline_limits_as_provisional():
    xs, ns, vals = _series(BASELINE + [9, 11, 9, 11, 9])
    chart = spc.phased("proportion", xs, ns, vals, 100, breaks=[12])
    after = chart.phases[1]
    assert after.provisional and after.center == pytest.approx(20.0) and chart.ucl[14] == pytest.approx(32.0)
    v = spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="lower")
    assert v.result == spc.NO_CHANGE  # 5 points below: not yet a shift


def test_noise_only_is_no_change():
    xs, ns, vals = _series(BASELINE + [19, 21, 23, 17, 20, 22, 18, 21, 19, 20, 24, 16])
    v = spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="lower")
    assert v.result == spc.NO_CHANGE and v.at is None


def test_a_deterioration_on_the_bad_side():
    xs, ns, vals = _series(BASELINE + [27, 29] * 4)
    v = spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="lower")
    assert v.result == spc.DETERIORATED and "上方" in v.reason
    # the same series for an indicator where higher is better is an improvement
    assert spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="higher").result == spc.IMPROVED


def test_a_point_beyond_the_baseline_limit_decides_at_once():
    xs, ns, vals = _series(BASELINE + [20, 5])  # 5 % < LCL 8 %
    v = spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="lower")
    assert v.result == spc.IMPROVED and v.at == 13 and "下限" in v.reason


def test_the_later_signal_decides_when_both_sides_signal():
    xs, ns, vals = _series(BASELINE + [5] + [25] * 8)
    v = spc.verdict("proportion", xs, ns, vals, 100, start=12, direction="lower")
    assert v.result == spc.DETERIORATED and v.at == 20


def test_a_short_baseline_gives_no_verdict():
    xs, ns, vals = _series([18, 22] * 3 + [5] * 10)
    assert spc.verdict("proportion", xs, ns, vals, 100, start=6, direction="lower").result == spc.NO_BASELINE
