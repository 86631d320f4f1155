"""Issue 21: an intervention recorded on an indicator splits its chart into phases and gets a verdict."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators import selectors, services, spc
from indicators.models import Indicator, IndicatorValue, Intervention

pytestmark = pytest.mark.django_db


def _series(inst, last_month, numerators, den=1000, code="ZB03"):
    """numerators oldest first, ending at last_month."""
    ind = Indicator.objects.get(code=code)
    n = len(numerators)
    IndicatorValue.objects.bulk_create([
        IndicatorValue(indicator=ind, institution=inst, period=services.add_months(last_month, k - n + 1),
                       numerator=x, denominator=den, rate=Decimal(x) * ind.factor / Decimal(den), source="demo",
                       entered_at="2026-01-01T00:00:00Z", definition_version=1,
                       target_snapshot=ind.target_for_grade(inst.grade_level), factor=ind.factor)
        for k, x in enumerate(numerators)
    ])


def _record(demo, personas, last_month, months_back, title="术前评估核查表"):
    first = services.add_months(last_month, -months_back)
    return services.intervention_record(indicator="ZB03", institution=demo.institutions["H001"],
                                        implemented_on=first, title=title, source_kind="action_item",
                                        source_id=7, actor=personas["qc_office"])


def _row(demo, last_month):
    h001 = demo.institutions["H001"]
    ind = Indicator.objects.get(code="ZB03")
    row = selectors.series(institution_id=h001.pk, indicator=ind, year=last_month.year, month=last_month.month)
    return selectors.phased_row(row, selectors.interventions(institution_id=h001.pk, indicator=ind,
                                                             department_id=None))


def test_a_clear_shift_after_the_intervention_is_improved_with_its_own_limits(demo, personas, last_month):
    _series(demo.institutions["H001"], last_month, [4, 6] * 6 + [1, 2] * 6)  # 5 ‰ → 1.5 ‰ (lower is better)
    it = _record(demo, personas, last_month, 11)  # the 13th of 24 points starts the new phase
    row = _row(demo, last_month)
    assert row["breaks"] == [12]
    base, after = row["phased"].phases
    assert base.center == pytest.approx(5.0) and after.center == pytest.approx(1.5) and not after.provisional
    got = row["interventions"][0]
    assert got.pk == it.pk and got.verdict.result == spc.IMPROVED and got.verdict_label == "已改善"


def test_noise_only_is_no_change_and_a_young_phase_is_provisional(demo, personas, last_month):
    _series(demo.institutions["H001"], last_month, [4, 6] * 9)
    _record(demo, personas, last_month, 5)  # 6 points after: provisional limits, no verdict either way
    row = _row(demo, last_month)
    after = row["phased"].phases[1]
    assert after.provisional and after.center == pytest.approx(5.0)
    assert row["interventions"][0].verdict.result == spc.NO_CHANGE


def test_a_deterioration_is_named(demo, personas, last_month):
    _series(demo.institutions["H001"], last_month, [4, 6] * 6 + [8, 9] * 4)
    _record(demo, personas, last_month, 7)
    assert _row(demo, last_month)["interventions"][0].verdict.result == spc.DETERIORATED


def test_the_page_shows_the_phased_chart_and_the_verdict(demo, client, personas, last_month):
    _series(demo.institutions["H001"], last_month, [4, 6] * 6 + [1, 2] * 6)
    client.force_login(personas["qc_office"])
    day = services.add_months(last_month, -11)
    r = client.post("/indicators/i/ZB03/interventions/?institution=H001",
                    {"title": "术前评估核查表", "implemented_on": f"{day:%Y-%m-%d}", "source_kind": "rectification",
                     "source_id": "3"})
    assert r.status_code == 302 and Intervention.objects.get().source_kind == "rectification"
    html = client.get("/indicators/i/ZB03/?institution=H001").content.decode()
    chart = html.split('id="indicator-chart"')[1].split("</svg>")[0]
    assert 'class="phase-break"' in chart and chart.count('class="center"') == 1
    assert 'data-verdict="improved"' in html and "已改善" in html
    client.force_login(personas["official_jn"])
    assert client.post("/indicators/i/ZB03/interventions/?institution=H001",
                       {"title": "x", "implemented_on": f"{day:%Y-%m-%d}"}).status_code == 403


def test_the_service_refuses_a_future_date_and_an_empty_title(demo, personas):
    with pytest.raises(ValidationError) as e:
        services.intervention_record(indicator="ZB03", institution=demo.institutions["H001"], title=" ",
                                     implemented_on=dt.date(2999, 1, 1), actor=personas["qc_office"])
    assert set(e.value.message_dict) == {"title", "implemented_on"}


def test_a_mid_month_date_starts_the_phase_next_month(demo, personas):
    it = services.intervention_record(indicator="ZB03", institution=demo.institutions["H001"], title="x",
                                      implemented_on=dt.date(2025, 12, 15), actor=personas["qc_office"])
    assert it.first_period == dt.date(2026, 1, 1)
