from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Indicator, IndicatorRevision, IndicatorValue

pytestmark = pytest.mark.django_db


def test_it_seeds_the_29_single_indicators_of_the_zibo_appendix():
    catalogue = Indicator.objects.filter(in_catalogue=True)
    assert catalogue.count() == 29
    assert sorted({i.row for i in catalogue}) == list(range(1, 15))
    by_row = {r: catalogue.filter(row=r).count() for r in (11, 12, 13)}
    assert by_row == {11: 6, 12: 4, 13: 8}
    assert Indicator.objects.filter(code="CY", in_catalogue=False, kind="count").exists()  # discharges


@pytest.mark.parametrize(
    "code,direction,label,kind,op,value",
    [
        ("ZB01", "higher", "同比上升", "yoy", "", None),
        ("ZB02", "higher", "100%", "threshold", ">=", "100"),
        ("ZB03", "lower", "≤1.8‰", "threshold", "<=", "1.8"),
        ("ZB04", "lower", "≤7.5‰", "threshold", "<=", "7.5"),
        ("ZB05", "lower", "同比下降", "yoy", "", None),
        ("ZB09", "higher", ">2.5 例次", "threshold", ">", "2.5"),
        ("ZB10", "lower", "同比下降", "yoy", "", None),
        ("ZB13-8", "higher", "同比上升", "yoy", "", None),
        ("ZB14", "lower", "同比下降", "yoy", "", None),
    ],
)
def test_it_keeps_the_appendix_direction_and_target(code, direction, label, kind, op, value):
    ind = Indicator.objects.get(code=code)
    assert (ind.direction, ind.target_label, ind.target_kind, ind.target_op) == (direction, label, kind, op)
    assert ind.target_value == (None if value is None else Decimal(value))


def test_it_holds_grade_thresholds_and_authority_level_indicators():
    zb08 = Indicator.objects.get(code="ZB08")
    assert zb08.target_for_grade("3")["value"] == "50" and zb08.target_for_grade("2")["value"] == "70"
    zb07 = Indicator.objects.get(code="ZB07")
    assert zb07.level == "authority" and zb07.target_by_grade == {"3": [">=", "100"], "2": [">=", "80"]}
    assert zb07.target_label == "三级医院 ≥ 100% 二级医院 ≥ 80%"  # the appendix's wording, not SPEC's "100%"
    zb02 = Indicator.objects.get(code="ZB02")
    assert zb02.level == "authority" and zb02.grade_list == ["3"]
    zb09 = Indicator.objects.get(code="ZB09")
    assert zb09.source == "computed" and zb09.kind == "rate" and zb09.target_period == "year"
    assert zb09.name.startswith("年均")
    assert Indicator.objects.get(code="ZB01").numerator_definition  # written where the seeds give none


def test_it_never_rewrites_past_results_when_a_definition_changes(demo, personas, last_month):
    qc = personas["qc_office"]
    v1 = services.indicator_value_record(indicator="ZB03", institution="H001", period=last_month, numerator=4,
                                         denominator=2000, actor=qc)
    assert v1.rate == Decimal("2.0000") and v1.target_snapshot["value"] == "1.8" and v1.definition_version == 1
    ind = Indicator.objects.get(code="ZB03")
    services.indicator_update(indicator=ind, actor=qc, reason="省级目标调整", target_value=Decimal("2.5"),
                              target_label="≤2.5‰")
    ind.refresh_from_db()
    assert ind.version == 2
    assert IndicatorRevision.objects.filter(indicator=ind).count() == 2
    v1.refresh_from_db()
    assert v1.rate == Decimal("2.0000") and v1.target_snapshot["value"] == "1.8" and v1.definition_version == 1
    v2 = services.indicator_value_record(indicator="ZB03", institution="H001", period=last_month, numerator=4,
                                         denominator=2000, actor=qc)
    assert v2.definition_version == 2 and v2.target_snapshot["value"] == "2.5"
    assert IndicatorValue.objects.filter(indicator=ind).count() == 2


def test_it_lets_the_admin_change_a_definition_as_a_new_version(demo, client, last_month):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", "r@example.com", "pw-Root-2026")
    client.force_login(admin)
    ind = Indicator.objects.get(code="ZB14")
    url = f"/admin/indicators/indicator/{ind.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update({"name": "不合理复制病历发生率（修订）", "target_by_grade": "{}", "revisions-TOTAL_FORMS": "0",
                 "revisions-INITIAL_FORMS": "0", "revisions-MIN_NUM_FORMS": "0", "revisions-MAX_NUM_FORMS": "1000"})
    data = {k: v for k, v in data.items() if not isinstance(v, bool) or v}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    ind.refresh_from_db()
    assert ind.name.endswith("（修订）") and ind.version == 2
