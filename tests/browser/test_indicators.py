"""Issue 6, item 7: the department monthly report round trip and the dashboard in real Chromium."""
import pytest
from django.utils import timezone

from indicators.services import add_months

pytestmark = pytest.mark.browser


def _logout(page):
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")


def test_it_runs_the_monthly_report_round_trip_and_shows_the_value_on_the_dashboard(page, login, tmp_path):
    period = f"{add_months(timezone.localdate().replace(day=1), -1):%Y-%m}"
    report_url = f"/indicators/reports/H001/CARD/{period}/"

    # the department head finds the report due on the home page, fills it and submits it
    login(page, "head_cardiology")
    page.locator(f'#my-reports a[href="{report_url}"]').click()
    page.fill("#id_num_ZB03", "1")
    page.fill("#id_den_ZB03", "320")
    page.fill("#id_self_check", "抽查本科室运行病历30份，出院病历20份。")
    page.fill("#id_problems", "1例术后非计划重返手术室。")
    page.fill("#id_measures", "组织病例讨论，术前评估纳入科室质控重点。")
    page.click("#report-submit")
    assert page.locator("#report-status").get_attribute("data-status") == "submitted"
    _logout(page)

    # the quality office returns it with a reason
    login(page, "qc_office")
    page.locator(f'#reports-to-review a[href="{report_url}"]').click()
    page.click("#report-return")  # without a reason: refused, stays submitted
    assert page.locator("#report-status").get_attribute("data-status") == "submitted"
    page.fill("#id_reason", "改进措施未写明责任人和完成时限。")
    page.click("#report-return")
    assert page.locator("#report-status").get_attribute("data-status") == "returned"
    _logout(page)

    # the head corrects and resubmits
    login(page, "head_cardiology")
    page.goto(report_url)
    assert "责任人和完成时限" in page.locator("#return-reason").inner_text()
    assert page.input_value("#id_num_ZB03") == "1"
    page.fill("#id_num_ZB03", "2")
    page.fill("#id_measures", "组织病例讨论；责任人：张明，完成时限：下月10日前。")
    page.click("#report-submit")
    assert page.locator("#report-status").get_attribute("data-status") == "resubmitted"
    _logout(page)

    # the quality office accepts it; the dashboard shows the department's new value with its chart
    login(page, "qc_office")
    page.goto(report_url)
    page.click("#report-accept")
    assert page.locator("#report-status").get_attribute("data-status") == "accepted"
    history = page.locator("#report-history").inner_text()
    assert "已退回" in history and "已通过" in history
    page.goto(f"/indicators/reports/?institution=H001&period={period}")
    cell = page.locator(f'#report-grid td[data-dept="CARD"][data-period="{period}"]')
    assert "已通过" in cell.inner_text()

    page.goto(f"/indicators/?institution=H001&period={period}")
    page.locator("#department-links a", has_text="心血管内科").click()
    row = page.locator("#row-ZB03")
    assert "6.25" in row.locator(".value").inner_text()  # 2 / 320 × 1000 ‰
    assert row.get_attribute("data-light") == "red"  # above ≤ 1.8 ‰
    chart = page.locator("#chart-ZB03 svg")
    assert chart.count() == 1 and chart.locator("circle").count() >= 1
    assert chart.locator("line.target").count() == 1
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    page.locator("#chart-ZB03 a").click()
    assert "6.25" in page.locator("#current-value").inner_text()
    assert page.locator("#revision-table").inner_text().count(period) >= 2  # the first value kept as a revision
