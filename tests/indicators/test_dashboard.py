import datetime as dt
from decimal import Decimal

import pytest

from indicators import selectors, services
from indicators.models import Indicator, IndicatorValue
from qms.extensions import AGENDA_SOURCES, HOME_PANELS

pytestmark = pytest.mark.django_db


def _fill(inst, last_month, months=14, dept=None, code="ZB03", num=2, den=2000):
    ind = Indicator.objects.get(code=code)
    IndicatorValue.objects.bulk_create([
        IndicatorValue(indicator=ind, institution=inst, department=dept, period=services.add_months(last_month, -i),
                       numerator=num, denominator=den, rate=Decimal(num) * ind.factor / Decimal(den), source="demo",
                       entered_at="2026-01-01T00:00:00Z", definition_version=1,
                       target_snapshot=ind.target_for_grade(inst.grade_level), factor=ind.factor)
        for i in range(months)
    ])


def test_month_table_gives_value_target_light_changes_and_signal(demo, personas, last_month):
    h001 = demo.institutions["H001"]
    _fill(h001, last_month, months=23, num=2)  # 1.0 ‰ for 23 months
    services.indicator_value_record(indicator="ZB03", institution=h001, period=last_month, numerator=12,
                                    denominator=2000, actor=personas["qc_office"])  # 6 ‰: missed and beyond 3σ
    rows = selectors.month_table(institution_id=h001.pk, year=last_month.year, month=last_month.month)
    assert len(rows) == 29  # all catalogue indicators apply to a 三级 hospital
    row = next(r for r in rows if r["code"] == "ZB03")
    assert row["value"] == Decimal("6") and row["attainment"] == "missed" and row["light"] == "red"
    assert row["mom"] == Decimal("5") and row["yoy"] == Decimal("5")
    assert row["signal"] and "控制上限" in row["signal_reasons"][0]
    assert row["target_value"] == Decimal("1.8")
    h002_rows = selectors.month_table(institution_id=demo.institutions["H002"].pk, year=last_month.year,
                                      month=last_month.month)
    assert "ZB02" not in {r["code"] for r in h002_rows}  # 三级公立 only


def test_the_hospital_figure_sums_its_departments_when_not_entered(demo, last_month):
    h001 = demo.institutions["H001"]
    _fill(h001, last_month, months=1, dept=demo.dept("H001", "CARD"), num=1, den=100, code="ZB14")
    _fill(h001, last_month, months=1, dept=demo.dept("H001", "GS"), num=3, den=100, code="ZB14")
    row = selectors.series(institution_id=h001.pk, indicator="ZB14", year=last_month.year, month=last_month.month)
    assert row["value"] == Decimal("2") and row["aggregated"]


def test_the_yearly_indicator_9_is_judged_on_the_year_so_far(demo, last_month):
    h001 = demo.institutions["H001"]
    ind = Indicator.objects.get(code="ZB09")
    jan = dt.date(last_month.year, 1, 1)
    values = [(jan, 40, 1000), (services.add_months(jan, 1), 10, 1000)]  # 4.0 then 1.0 → year so far 2.5
    IndicatorValue.objects.bulk_create([
        IndicatorValue(indicator=ind, institution=h001, period=p, numerator=n, denominator=d,
                       rate=Decimal(n) * 100 / Decimal(d), source="computed", entered_at="2026-01-01T00:00:00Z",
                       definition_version=1, target_snapshot=ind.target_for_grade("3"), factor=100)
        for p, n, d in values
    ])
    row = selectors.series(institution_id=h001.pk, indicator="ZB09", year=jan.year, month=2)
    assert row["value"] == Decimal("1") and row["ytd"] == Decimal("2.5")
    assert row["attainment"] == "missed"  # > 2.5 required


def test_the_dashboard_is_scoped_and_drills_down(demo, client, personas, last_month):
    _fill(demo.institutions["H001"], last_month)
    client.force_login(personas["qc_office"])
    page = client.get("/indicators/")
    html = page.content.decode()
    assert page.status_code == 200 and 'id="row-ZB03"' in html and "<svg" in html and "<script" not in html.split("<main")[1].split("</main>")[0]
    assert 'id="department-links"' in html
    assert client.get("/indicators/?institution=H001&department=CARD").status_code == 200
    assert client.get("/indicators/?institution=H002").status_code == 404
    client.force_login(personas["head_cardiology"])
    page = client.get("/indicators/")
    assert page.status_code == 200 and page.context["place"].department.code == "CARD"
    assert client.get("/indicators/?institution=H001&department=GS").status_code == 404
    client.force_login(personas["official_lx"])
    assert client.get("/indicators/?institution=H001").status_code == 404
    page = client.get("/indicators/?institution=H002")
    assert page.status_code == 200 and 'id="authority-table"' in page.content.decode()


def test_the_dashboard_and_chart_page_take_a_fixed_number_of_queries(
    demo, client, personas, last_month, django_assert_max_num_queries
):
    client.force_login(personas["qc_office"])
    client.get("/indicators/")
    h001 = demo.institutions["H001"]
    for code in ("ZB03", "ZB05", "ZB08", "ZB11-1", "ZB14"):
        _fill(h001, last_month, months=24, code=code, num=50, den=100)
        for d in ("CARD", "GS", "ORTH"):
            _fill(h001, last_month, months=24, code=code, dept=demo.dept("H001", d), num=5, den=10)
    with django_assert_max_num_queries(16):
        assert client.get("/indicators/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get("/indicators/i/ZB03/").status_code == 200


def test_alerts_reach_the_committee_agenda(demo, personas, last_month):
    h001 = demo.institutions["H001"]
    _fill(h001, last_month, months=1, num=10, den=2000)  # 5 ‰ > 1.8 ‰
    assert selectors.agenda_items in AGENDA_SOURCES
    until = services.month_end(services.add_months(last_month, 1))
    items = selectors.agenda_items(institution=h001, department=None, since=None, until=until)
    zb03 = [i for i in items if "ZB03" in i["title"]]
    assert zb03 and zb03[0]["kind"] == "indicator_alert" and "未达目标（≤1.8‰）" in zb03[0]["detail"]


def test_the_home_panel_shows_a_heads_report_due(demo, client, personas, last_month):
    services.monthly_report_open(department=demo.dept("H001", "CARD"), period=last_month)
    client.force_login(personas["head_cardiology"])
    html = client.get("/").content.decode()
    assert 'id="monthly-report-panel"' in html and "心血管内科" in html
    assert any(fn.__name__ == "monthly_report_panel" for _, fn in HOME_PANELS)


def test_the_value_form_records_and_rerenders_errors(demo, client, personas, period):
    client.force_login(personas["qc_office"])
    r = client.post("/indicators/entry/?institution=H001", {"indicator": "ZB03", "department": "", "period": period,
                                                            "numerator": "5", "denominator": "0"})
    assert r.status_code == 200 and "分母不能为 0" in r.content.decode() and 'value="5"' in r.content.decode()
    r = client.post("/indicators/entry/?institution=H001", {"indicator": "ZB03", "department": "", "period": period,
                                                            "numerator": "5", "denominator": "2000"})
    assert r.status_code == 302
    assert IndicatorValue.objects.get().rate == Decimal("2.5")
    client.force_login(personas["official_jn"])
    assert client.get("/indicators/entry/?institution=H001").status_code == 403


def test_a_value_without_last_years_figure_is_told_apart_from_no_data(demo, client, personas, last_month):
    """Issue 14: ZB11-1 (target 同比上升) with this month's data but none a year ago read as 无数据."""
    h001 = demo.institutions["H001"]
    _fill(h001, last_month, months=3, code="ZB11-1", num=590, den=600)  # no figure 12 months back
    rows = selectors.month_table(institution_id=h001.pk, year=last_month.year, month=last_month.month)
    row = next(r for r in rows if r["code"] == "ZB11-1")
    assert row["light"] == "grey" and row["unjudged"] == "no_last_year"
    assert next(r for r in rows if r["code"] == "ZB05")["unjudged"] == ""  # no data at all
    client.force_login(personas["qc_office"])
    html = client.get(f"/indicators/?institution=H001&period={last_month:%Y-%m}").content.decode()
    assert "无去年同期数据，暂不判断达标" in html
    assert 'id="count-unjudged"' in html and 'id="count-nodata"' in html


def test_department_rows_that_do_not_add_up_to_the_hospital_say_why(demo, client, personas, last_month):
    h001 = demo.institutions["H001"]
    _fill(h001, last_month, months=1, num=7, den=2496)
    _fill(h001, last_month, months=1, dept=demo.dept("H001", "CARD"), num=1, den=347)
    client.force_login(personas["qc_office"])
    html = client.get(f"/indicators/i/ZB03/?institution=H001&period={last_month:%Y-%m}").content.decode()
    assert 'id="department-total"' in html and "1/347" in html
    assert "全院数据 7/2496 由质控办按全院口径填报" in html
    earlier = services.add_months(last_month, -1)  # a month where the hospital's figure is the departments' sum
    _fill(h001, earlier, months=1, num=1, den=347)
    _fill(h001, earlier, months=1, dept=demo.dept("H001", "CARD"), num=1, den=347)
    html = client.get(f"/indicators/i/ZB03/?institution=H001&period={earlier:%Y-%m}").content.decode()
    assert 'id="department-total"' in html and 'id="department-total-note"' not in html
