"""Issue 20 in Chromium: the QC centre secretary's year (a visit to the hospital still owed one, the hospital's
written answer) and the authority's assessment (the second failed year: red card, the host barred 4 years)."""
import datetime as dt

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def _switch(page, login, username):
    page.goto("/")
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")
    login(page, username)


def test_secretary_visits_then_the_authority_gives_the_red_card(page, login):
    from qc_centres.models import QcCentre

    centre = QcCentre.objects.get(authority__code="JN", specialty="心血管内科")
    assert centre.card == "yellow"

    # the secretary: the centre in its second year, H002 still owed this year's visit (Art. 12)
    login(page, "qc_centre_jn")
    page.goto("/qc-centres/")
    page.click(f"#centre-table a[href='/qc-centres/{centre.pk}/']")
    assert page.locator("#centre-card").inner_text() == "黄牌警告"
    page.click("#tab-visits")
    assert page.locator("#coverage-grid tr[data-institution='H002']").get_attribute("class") == "table-warning"
    assert "尚欠 1 家" in page.locator("#owed-count").inner_text()
    page.select_option("#id_institution", label="济南市历下区人民医院")
    page.fill("#id_visited_on", timezone.localdate().isoformat())
    page.fill("#id_report", "抽查心内科相关病历15份，急性心衰患者出院随访记录不全。")
    page.fill("#id_conclusion", "需整改")
    page.fill("#id_problem", "急性心衰患者出院后7日内随访率不足50%")
    page.fill("#id_due_on", (timezone.localdate() + dt.timedelta(days=30)).isoformat())
    page.click("#visit-submit")
    page.wait_for_selector("#visit-report")
    assert "随访率不足50%" in page.locator("#rectification-table").inner_text()
    visit_url = page.url
    page.goto(f"/qc-centres/{centre.pk}/visits/")
    assert "尚欠 0 家" in page.locator("#owed-count").inner_text()

    # the visited hospital answers in writing (Art. 12)
    _switch(page, login, "qc_office_h002")
    page.goto(visit_url)
    page.fill("#id_text", "已制定心衰患者出院随访制度，由内科护士长每周核查。")
    page.click("#reply-submit")
    page.wait_for_selector("#visit-reply")

    # the authority: this year failed too -> red card, host dissolved and barred (Art. 19 (三))
    _switch(page, login, "official_jn")
    page.goto(f"/qc-centres/{centre.pk}/assessment/")
    page.fill("#id_year", str(timezone.localdate().year))
    page.select_option("#id_passed", "0")
    page.check("input[name='grounds'][value='6']")
    page.click("#assessment-submit")
    page.wait_for_selector("#bar")
    assert page.locator("#centre-card").inner_text() == "红牌处罚"
    assert page.locator("#centre-status").inner_text() == "已解除挂靠"
    until = (timezone.localdate().replace(year=timezone.localdate().year + 4)).isoformat()
    assert until in page.locator("#bar").inner_text()

    # setting up the specialty's centre again with the same host is refused, naming the date
    page.goto("/qc-centres/new/")
    page.select_option("#id_authority", label="济南市卫生健康委员会")
    page.fill("#id_specialty", "心血管内科")
    page.fill("#id_name", "济南市心血管内科医疗质量控制中心")
    page.select_option("#id_host_institution", label="济南市第一人民医院")
    assert page.input_value("#id_term_start") == timezone.localdate().isoformat()
    page.click("#centre-submit")
    page.wait_for_selector(".field-error")
    assert until in page.locator("#centre-form").inner_text()
