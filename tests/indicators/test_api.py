from decimal import Decimal

import pytest

from indicators import services
from indicators.models import IndicatorValue

pytestmark = pytest.mark.django_db
URL = "/api/v1/indicator-values/"


def test_it_lists_the_catalogue_as_api_md_says(demo, api, personas):
    r = api(personas["his_h001"]).get("/api/v1/indicators/?page_size=100")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 30  # 29 + discharges
    first = body["results"][0]
    assert {"code", "name", "unit", "direction", "target"} <= set(first)
    zb03 = next(x for x in body["results"] if x["code"] == "ZB03")
    assert zb03["target"] == "≤1.8‰" and zb03["direction"] == "lower" and zb03["unit"] == "‰"
    assert api(personas["his_h001"]).get("/api/v1/indicators/?updated_since=2999-01-01T00:00:00Z").json()["count"] == 0


def test_it_creates_a_value_with_its_rate_and_keeps_the_old_one_as_a_revision(demo, api, personas, period):
    client = api(personas["his_h001"])
    body = {"indicator": "ZB03", "institution": "H001", "period": period, "numerator": 3, "denominator": 2000}
    r = client.post(URL, body, format="json")
    assert r.status_code == 201, r.json()
    assert Decimal(r.json()["rate"]) == Decimal("1.5")
    r2 = client.post(URL, {**body, "numerator": 5}, format="json")
    assert r2.status_code == 201
    assert Decimal(r2.json()["rate"]) == Decimal("2.5") and r2.json()["revision"] == 2
    values = IndicatorValue.objects.filter(indicator__code="ZB03", institution__code="H001").order_by("revision")
    assert [(v.revision, v.is_current, v.numerator) for v in values] == [(1, False, 3), (2, True, 5)]


def test_it_is_idempotent(demo, api, personas, period):
    client = api(personas["his_h001"])
    body = {"indicator": "ZB05", "institution": "H001", "period": period, "numerator": 10, "denominator": 100}
    r1 = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    r2 = client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r1.status_code == r2.status_code == 201 and r1.json()["id"] == r2.json()["id"]
    assert IndicatorValue.objects.filter(indicator__code="ZB05").count() == 1
    r3 = client.post(URL, {**body, "numerator": 11}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert r3.status_code == 409


@pytest.mark.parametrize(
    "change,field,text",
    [
        ({"numerator": -1}, "numerator", "不能为负数"),
        ({"denominator": -5}, "denominator", "不能为负数"),
        ({"denominator": 0}, "denominator", "分母不能为 0"),
        ({"numerator": 30, "denominator": 20}, "numerator", "不能大于分母"),
        ({"indicator": "ZB99"}, "indicator", "未知的指标"),
        ({"institution": "H999"}, "institution", "未知的医疗机构"),
        ({"department": "NOPE"}, "department", "未知的科室"),
        ({"period": "2999-01"}, "period", "未来月份"),
        ({"period": "2025-13"}, "period", "YYYY-MM"),
        ({"period": "March"}, "period", "YYYY-MM"),
        ({"numerator": "abc"}, "numerator", ""),
        ({"numerator": 1.5}, "numerator", "整数"),
        ({"indicator": "ZB09"}, "indicator", "不能直接填报"),
        ({"indicator": "ZB07", "department": "CARD"}, "department", "不分科室"),
    ],
)
def test_it_refuses_bad_values_with_a_field_error(demo, api, personas, period, change, field, text):
    body = {"indicator": "ZB03", "institution": "H001", "period": period, "numerator": 3, "denominator": 2000,
            **change}
    r = api(personas["qc_office"]).post(URL, body, format="json")
    assert r.status_code == 400, r.content
    assert field in r.json() and text in " ".join(r.json()[field])
    assert not IndicatorValue.objects.exists()


def test_it_refuses_malformed_json_with_400(demo, api, personas):
    r = api(personas["qc_office"]).post(URL, "{not json", content_type="application/json")
    assert r.status_code == 400 and "non_field_errors" in r.json()


def test_it_refuses_an_indicator_not_for_the_hospitals_grade(demo, api, personas, period):
    body = {"indicator": "ZB02", "institution": "H002", "period": period, "numerator": 1, "denominator": 1}
    r = api(personas["qc_office_h002"]).post(URL, body, format="json")
    assert r.status_code == 400
    assert "不适用于二级医院" in r.json()["indicator"][0]


def test_it_answers_404_outside_reach_and_403_for_a_visible_place_one_may_not_change(demo, api, personas, period):
    body = {"indicator": "ZB03", "institution": "H002", "period": period, "numerator": 1, "denominator": 100}
    assert api(personas["his_h001"]).post(URL, body, format="json").status_code == 404
    assert api(personas["qc_office"]).post(URL, body, format="json").status_code == 404
    # a department head: another department of the same hospital is outside reach; hospital level is 403
    head = api(personas["head_cardiology"])
    assert head.post(URL, {**body, "institution": "H001", "department": "GS"}, format="json").status_code == 404
    assert head.post(URL, {**body, "institution": "H001"}, format="json").status_code == 403
    ok = head.post(URL, {**body, "institution": "H001", "department": "CARD"}, format="json")
    assert ok.status_code == 201 and ok.json()["department"] == "CARD"
    # an official sees H001 but does not enter its data
    assert api(personas["official_jn"]).post(URL, {**body, "institution": "H001"}, format="json").status_code == 403
    assert api().post(URL, body, format="json").status_code == 401


def test_it_scopes_the_list_and_detail(demo, api, personas, last_month):
    qc = personas["qc_office"]
    h1 = services.indicator_value_record(indicator="ZB03", institution="H001", period=last_month, numerator=1,
                                         denominator=1000, actor=qc)
    card = services.indicator_value_record(indicator="ZB03", institution="H001", department="CARD",
                                           period=last_month, numerator=1, denominator=100, actor=qc)
    h2 = services.indicator_value_record(indicator="ZB03", institution="H002", period=last_month, numerator=1,
                                         denominator=500, actor=personas["qc_office_h002"])

    def ids(user):
        return {r["id"] for r in api(user).get(URL).json()["results"]}

    assert ids(qc) == {h1.pk, card.pk}
    assert ids(personas["head_cardiology"]) == {card.pk}
    assert ids(personas["official_jn"]) == {h1.pk, card.pk, h2.pk}
    assert ids(personas["official_lx"]) == {h2.pk}
    assert api(personas["qc_office_h002"]).get(f"{URL}{h1.pk}/").status_code == 404
    assert api(personas["head_cardiology"]).get(f"{URL}{h1.pk}/").status_code == 404
    assert api(qc).get(URL + "?updated_since=2999-01-01T00:00:00Z").json()["count"] == 0
    assert api(qc).get(URL + "?department=CARD").json()["count"] == 1


def test_it_lists_values_in_a_fixed_number_of_queries(demo, api, personas, last_month, django_assert_max_num_queries):
    qc = personas["qc_office"]
    client = api(qc)
    client.get(URL)
    for i in range(12):
        services.indicator_value_record(indicator="ZB03", institution="H001", period=services.add_months(last_month, -i),
                                        numerator=1, denominator=1000, actor=qc)
    with django_assert_max_num_queries(8):
        r = client.get(URL)
    assert r.json()["count"] == 12


def test_it_computes_indicator_9_from_the_event_register_and_discharges(demo, personas, last_month, monkeypatch):
    calls = []

    def fake(*, institution_id, start, end, department_id=None):
        calls.append((start, end, department_id))
        return 13

    import adverse_events.selectors as sel

    monkeypatch.setattr(sel, "count_reports", fake)
    services.indicator_value_record(indicator="CY", institution="H001", period=last_month, numerator=5200,
                                    actor=personas["qc_office"])
    v = IndicatorValue.objects.get(indicator__code="ZB09", is_current=True)
    assert v.numerator == 13 and v.denominator == 5200 and v.rate == Decimal("0.2500") and v.source == "computed"
    assert calls == [(last_month, services.add_months(last_month, 1), None)]  # [start, end) of the month
    # same count and discharges: no new revision
    services.event_rate_recompute(institution=v.institution, period=last_month)
    assert IndicatorValue.objects.filter(indicator__code="ZB09").count() == 1


def test_it_counts_reports_with_the_real_event_register(demo, personas, last_month):
    """No patching: the real register of a hospital with no events in the month gives exactly 0 → rate 0."""
    services.indicator_value_record(indicator="CY", institution="H001", period=last_month, numerator=1000,
                                    actor=personas["qc_office"])
    v = IndicatorValue.objects.get(indicator__code="ZB09", is_current=True)
    assert v.denominator == 1000 and v.numerator == 0 and v.rate == 0
