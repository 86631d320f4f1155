"""Issue 21 in real Chromium: the authority's overview, the funnel plot with its drill-down, and a phased chart
after the quality office records an intervention."""
import pytest
from django.utils import timezone

from indicators.services import add_months

pytestmark = pytest.mark.browser


def test_the_official_compares_hospitals_on_the_funnel_and_the_chart_splits_at_an_intervention(page, login):
    period = f"{add_months(timezone.localdate().replace(day=1), -1):%Y-%m}"
    login(page, "official_jn")
    page.goto(f"/indicators/authority/?period={period}")
    assert "济南市卫生健康委员会" in page.locator("#overview-scope").inner_text()
    assert page.locator('#attainment-grid tr[data-code="H001"]').is_visible()
    page.locator('#indicator-summary tr[data-code="ZB03"] a').click()
    page.wait_for_selector("#funnel-plot svg")
    funnel = page.locator("#funnel-plot svg")
    assert funnel.locator("path.limit998").count() == 2 and funnel.locator("path.limit95").count() == 2
    assert funnel.locator("circle.unit").count() == 2
    assert page.locator("#ranking-caveat").is_visible()
    page.locator('#comparison-table tr[data-code="H002"] a').click()
    page.wait_for_selector("#indicator-chart svg")
    assert "institution=H002" in page.url and "ZB03" in page.locator("#indicator-title").inner_text()
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")

    login(page, "qc_office")
    page.goto(f"/indicators/i/ZB03/?institution=H001&period={period}")
    assert page.locator("#indicator-chart line.phase-break").count() == 0
    start = add_months(timezone.localdate().replace(day=1), -6)
    page.fill("#iv-title", "术前评估核查表全面推行")
    page.fill("#iv-date", f"{start:%Y-%m-%d}")
    page.select_option("#iv-kind", "action_item")
    page.click("#iv-submit")
    page.wait_for_selector("#intervention-table")
    assert page.locator("#indicator-chart line.phase-break").count() == 1
    assert page.locator("#indicator-chart path.provisional").count() >= 1  # 6 months: limits still provisional
    verdict = page.locator("#intervention-table tr").nth(1)
    assert verdict.get_attribute("data-verdict") in ("improved", "no_change", "deteriorated", "no_baseline")
    assert "术前评估核查表" in verdict.inner_text()
    assert page.locator('#phase-list span[data-provisional="1"]').count() == 1
    page.screenshot(path="/tmp/i21_phased.png", full_page=True)
