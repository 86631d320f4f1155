"""Issue 21: the authority's comparison of one indicator across its hospitals (API.md path), the funnel plot
page, the overview across all its hospitals, and query counts that do not grow with the hospitals."""
from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Indicator, IndicatorValue
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def _value(inst, period, num, den, code="ZB03", dept=None):
    ind = Indicator.objects.get(code=code)
    return IndicatorValue.objects.create(
        indicator=ind, institution=inst, department=dept, period=period, numerator=num, denominator=den,
        rate=Decimal(num) * ind.factor / Decimal(den), source="demo", entered_at="2026-01-01T00:00:00Z",
        definition_version=1, target_snapshot=ind.target_for_grade(inst.grade_level), factor=ind.factor,
    )


def _three(demo, last_month):
    # ZB03 (‰): H001 20/1000, H002 10/2000, T 0/2000 → pooled 30/5000 = 6 ‰ (p̄ = 0.006).
    extra = InstitutionFactory(code="T900", name="测试县医院", grade_level="2", authority=demo.authorities["LX"])
    _value(demo.institutions["H001"], last_month, 20, 1000)
    _value(demo.institutions["H002"], last_month, 10, 2000)
    _value(extra, last_month, 0, 2000)
    return extra


def test_the_api_gives_each_hospital_its_funnel_limits_as_worked_by_hand(demo, api, personas, last_month, period):
    _three(demo, last_month)
    r = api(personas["official_jn"]).get(f"/api/v1/indicators/ZB03/comparison/?period={period}&authority=JN")
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["indicator"] == "ZB03" and body["authority"] == "JN" and body["pooled_rate"] == pytest.approx(6.0)
    rows = {x["institution"]: x for x in body["results"]}
    assert set(rows) == {"H001", "H002", "T900"}
    # n = 1000: se = √(0.006·0.994/1000) = 0.00244213; 95 %: 6 ± 4.78649 → 1.21351 … 10.78649 ‰;
    #           99.8 %: 6 ± 7.54675 → 0 (clipped) … 13.54675 ‰. 20 ‰ is above.
    h1 = rows["H001"]
    assert h1["lower95"] == pytest.approx(1.21351, abs=1e-4) and h1["upper95"] == pytest.approx(10.78649, abs=1e-4)
    assert h1["lower998"] == 0.0 and h1["upper998"] == pytest.approx(13.54675, abs=1e-4)
    assert h1["signal"] == "above" and h1["rate"] == "20.0000" and h1["numerator"] == "20.00"
    # n = 2000: se = 0.00172685; 99.8 %: 6 ± 5.33636 → 0.66364 … 11.33636 ‰: 5 ‰ within, 0 ‰ below.
    assert rows["H002"]["lower998"] == pytest.approx(0.66364, abs=1e-4)
    assert rows["H002"]["upper998"] == pytest.approx(11.33636, abs=1e-4)
    assert rows["H002"]["signal"] == "within" and rows["T900"]["signal"] == "below"
    # ranking for a lower-is-better indicator, the caveat, and grade-appropriate targets (≤1.8 ‰ for both grades)
    assert [x["institution"] for x in body["results"]] == ["T900", "H002", "H001"]
    assert body["results"][0]["rank"] == 1 and "随机波动" in body["caveat"]
    assert rows["H001"]["attainment"] == "missed" and rows["T900"]["attainment"] == "met"


def test_the_api_is_scoped_to_the_authoritys_reach(demo, api, personas, period, last_month):
    _three(demo, last_month)
    lx = api(personas["official_lx"]).get(f"/api/v1/indicators/ZB03/comparison/?period={period}")
    assert lx.status_code == 200 and {x["institution"] for x in lx.json()["results"]} == {"H002", "T900"}
    assert api(personas["official_lx"]).get(
        f"/api/v1/indicators/ZB03/comparison/?period={period}&authority=JN").status_code == 404
    assert api(personas["qc_office"]).get(f"/api/v1/indicators/ZB03/comparison/?period={period}").status_code == 404
    assert api(personas["official_jn"]).get("/api/v1/indicators/ZB03/comparison/?period=2025-13").status_code == 400


def test_a_hospital_compares_its_departments(demo, api, personas, period, last_month):
    h001 = demo.institutions["H001"]
    _value(h001, last_month, 1, 100, code="ZB14", dept=demo.dept("H001", "CARD"))
    _value(h001, last_month, 9, 100, code="ZB14", dept=demo.dept("H001", "GS"))
    r = api(personas["qc_office"]).get(f"/api/v1/indicators/ZB14/comparison/?period={period}&institution=H001")
    assert r.status_code == 200
    rows = {x["institution"]: x for x in r.json()["results"]}
    assert rows["CARD"]["rate"] is not None and r.json()["pooled_rate"] is not None
    assert api(personas["qc_office"]).get(
        f"/api/v1/indicators/ZB14/comparison/?period={period}&institution=H002").status_code == 404


def test_the_page_draws_the_funnel_and_drills_down(demo, client, personas, period, last_month):
    _three(demo, last_month)
    client.force_login(personas["official_jn"])
    html = client.get(f"/indicators/i/ZB03/comparison/?period={period}&authority=JN").content.decode()
    funnel = html.split('id="funnel-plot"')[1].split("</svg>")[0]
    assert 'class="limit998"' in funnel and 'class="limit95"' in funnel and 'class="center"' in funnel
    assert funnel.count('class="unit ') == 3 and 'class="unit above"' in funnel and 'class="unit below"' in funnel
    assert f'href="/indicators/i/ZB03/?institution=H001&amp;period={period}"' in funnel
    assert 'id="ranking-caveat"' in html and 'data-signal="above"' in html
    assert "<script" not in html.split("<main")[1].split("</main>")[0]


def _hospitals(demo, last_month, prefix, n):
    for k in range(n):
        inst = InstitutionFactory(code=f"{prefix}{k:04d}", grade_level="3" if k % 2 else "2",
                                  authority=demo.authorities["LX" if k % 3 else "JN"])
        for code in ("ZB03", "ZB05", "ZB14"):
            _value(inst, last_month, k % 7, 1000 + k, code=code)
            _value(inst, services.add_months(last_month, -12), k % 5, 1000, code=code)


@pytest.mark.parametrize("url", [
    "/api/v1/indicators/ZB03/comparison/?period={p}&authority=SD",
    "/indicators/i/ZB03/comparison/?period={p}",
    "/indicators/authority/?period={p}",
])
def test_query_counts_do_not_grow_with_the_hospitals(demo, client, api, period, last_month, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from organizations.models import Membership
    from tests.factories import MembershipFactory

    official = MembershipFactory(role=Membership.Role.OFFICIAL, institution=None,
                                 authority=demo.authorities["SD"]).user

    def count():
        official.refresh_from_db()
        c = api(official) if url.startswith("/api") else client
        client.force_login(official)
        with CaptureQueriesContext(connection) as ctx:
            r = c.get(url.format(p=period))
            assert r.status_code == 200
        return len(ctx), r

    _hospitals(demo, last_month, "P", 2)
    small, _ = count()
    _hospitals(demo, last_month, "Q", 40)
    large, r = count()
    assert large == small
    assert b"Q0039" in r.content


def test_the_overview_shows_the_grid_late_hospitals_and_open_items(demo, client, personas, period, last_month):
    from rectifications.models import Rectification

    _three(demo, last_month)
    Rectification.objects.create(institution=demo.institutions["H002"], source_kind="inspection", problem="x",
                                 due_on=last_month, created_by=personas["official_jn"])
    client.force_login(personas["official_jn"])
    page = client.get(f"/indicators/authority/?period={period}")
    assert page.status_code == 200
    html = page.content.decode()
    grid = html.split('id="attainment-grid"')[1].split("</table>")[0]
    assert 'data-code="H001"' in grid and 'data-code="H002"' in grid and 'data-light="red"' in grid
    assert 'data-light="green"' in grid
    late = html.split('id="late-hospitals"')[1].split("</table>")[0]
    assert 'data-code="H001"' in late  # 28 of its indicators have no value this month
    assert 'id="total-rectifications">1<' in html
    assert f'/indicators/i/ZB03/comparison/?authority=JN&period={period}' in html
    client.force_login(personas["qc_office"])
    assert client.get("/indicators/authority/").status_code == 404


def test_the_evaluation_report_is_a_pdf(demo, client, personas, period, last_month, tmp_path):
    import os

    _three(demo, last_month)
    client.force_login(personas["official_jn"])
    r = client.get(f"/indicators/authority/report.pdf?period={period}")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")
    import subprocess

    out = tmp_path / "report.pdf"
    out.write_bytes(r.content)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "医疗质量监测评估结果" in text and "济南市第一人民医院" in text
    if os.environ.get("QMS_KEEP_PDF"):
        open(os.environ["QMS_KEEP_PDF"], "wb").write(r.content)
    client.force_login(personas["qc_office"])
    assert client.get("/indicators/authority/report.pdf").status_code == 404


def test_the_overview_shows_the_qc_centres_results_and_links_to_their_findings(demo, client, personas, period,
                                                                                last_month):
    """Issue 21: QC-centre results on the authority's overview: visits this year, findings not yet rectified."""
    from rectifications.models import Rectification

    _three(demo, last_month)
    for inst, kind in (("H002", "qc_visit"), ("H002", "inspection"), ("H001", "qc_visit")):
        Rectification.objects.create(institution=demo.institutions[inst], source_kind=kind, problem=f"{inst} {kind}",
                                     due_on=last_month, created_by=personas["official_jn"])
    client.force_login(personas["official_jn"])
    html = client.get(f"/indicators/authority/?period={period}").content.decode()
    assert 'id="total-qc_findings">2<' in html and 'id="total-qc_visits">0<' in html
    assert '/rectifications/?institution=H002&amp;source=qc_visit' in html or \
        '/rectifications/?institution=H002&source=qc_visit' in html
    listing = client.get("/rectifications/?institution=H002&source=qc_visit").content.decode()
    assert "H002 qc_visit" in listing and "H002 inspection" not in listing and "H001 qc_visit" not in listing
