"""The 约谈 journey in real Chromium: official_jn triggers, approves, notifies, records, downloads the form;
qc_office of H001 sees it and files the plan and the report."""
import datetime as dt

import pytest

from qms.workdays import add_workdays

pytestmark = pytest.mark.browser


def test_it_runs_an_interview_from_trigger_to_report(page, login, tmp_path):
    today = dt.date.today()
    trigger = today - dt.timedelta(days=20)
    notified = trigger + dt.timedelta(days=2)
    held = add_workdays(notified, 3).date
    assert held <= today

    login(page, "official_jn")
    page.goto("/interviews/")
    page.click("#new-interview")
    page.select_option("#id_institution", label="H001 济南市第一人民医院")
    page.select_option("#id_trigger_ground", "3")
    page.fill("#id_trigger_date", trigger.isoformat())
    page.fill("#id_problems", "浏览器旅程：介入术后抗凝药物核对缺失")
    page.click("#trigger-submit")
    page.wait_for_selector("#interview-status")
    assert page.locator("#interview-status").get_attribute("data-status") == "triggered"
    assert page.locator("#hold-by").inner_text().strip() != "—"
    url = page.url

    # the division head (处长) leads but does not approve (Art. 46): the authority's 负责人 does
    assert page.locator("#approve-button").count() == 0
    page.click("#logout-button")
    login(page, "leader_jn")
    page.goto(url)
    page.on("dialog", lambda dialog: dialog.accept())  # the sign-off asks for confirmation
    page.fill("#id_approved_on", trigger.isoformat())
    page.click("#approve-button")
    page.wait_for_selector("#interview-status[data-status=approved]")
    page.click("#logout-button")
    login(page, "official_jn")
    page.goto(url)

    # a notice one working day before is refused with the rule, and what was typed stays
    page.fill("#id_notified_on", notified.isoformat())
    page.fill("#id_scheduled_at", f"{add_workdays(notified, 1).date.isoformat()}T09:30")
    page.fill("#id_location", "济南市卫生健康委第三会议室")
    page.fill("#id_content", "约谈高警示药品管理问题")
    page.click("#notify-submit")
    assert "第四十六条（二）" in page.locator("#step-notify .field-error").first.inner_text()
    assert page.input_value("#id_location") == "济南市卫生健康委第三会议室"
    page.fill("#id_scheduled_at", f"{held.isoformat()}T09:30")
    page.click("#notify-submit")
    page.wait_for_selector("#interview-status[data-status=notified]")

    page.fill("#id_held_at", f"{held.isoformat()}T09:30")
    page.fill("#id_iv_name_0", "赵强")
    page.fill("#id_iv_title_0", "医政医管处处长")
    page.check("#id_iv_head_0")
    page.fill("#id_iv_name_1", "孙伟")
    page.fill("#id_iv_title_1", "医政医管处科员")
    page.fill("#id_ie_name_1", "张明")
    page.fill("#id_ie_title_1", "心血管内科主任")
    page.fill("#id_record", "医院如实陈述了事件经过")
    page.select_option("#id_problem_scale", "general")
    page.fill("#id_rectification_deadline", (held + dt.timedelta(days=28)).isoformat())
    page.check("#id_form_signed")
    page.click("#hold-submit")
    page.wait_for_selector("#interview-status[data-status=rectifying]")
    assert page.locator("#report-due").inner_text().strip() != "—"

    with page.expect_download() as info:
        page.click("#registration-form-link")
    path = tmp_path / "form.pdf"
    info.value.save_as(path)
    assert path.read_bytes().startswith(b"%PDF")

    page.click("#logout-button")
    login(page, "qc_office")
    page.goto("/interviews/")
    assert "济南市第一人民医院" in page.locator("#interview-table").inner_text()
    page.goto(url)
    page.fill("#id_measure_0", "修订高警示药品管理制度")
    page.select_option("#id_department_0", label="药学部")
    page.fill("#id_responsible_0", "董丽华")
    page.fill("#id_deadline_0", (held + dt.timedelta(days=14)).isoformat())
    page.click("#plan-submit")
    page.wait_for_selector("#measure-table")
    assert "修订高警示药品管理制度" in page.locator("#measure-table").inner_text()
    report = tmp_path / "整改报告.pdf"
    report.write_bytes(b"%PDF-1.4\n%browser journey\n")
    page.fill("#id_text", "各项整改措施已落实。")
    page.set_input_files("#id_file", str(report))
    page.click("#report-submit")
    page.wait_for_selector("#interview-status[data-status=report_submitted]")
    assert "整改报告.pdf" in page.locator("#document-list").inner_text()
    page.screenshot(path="/tmp/interview-journey.png", full_page=True)
