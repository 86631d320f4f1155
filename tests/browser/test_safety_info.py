"""Issue 19, the quality-safety information register (Art. 38) and the upward view (Art. 37, 40–42) in real
Chromium.

qc_office registers a 一级 malpractice determination with 主要责任 (the form shows only that kind's fields),
sees the Art. 45 (一) offer it may not act on, runs the loop received → investigated → handled → closed (closing
without lessons is refused, what was typed stays), and exports the month's adverse events twice (the second
time nothing is sent again). official_jn sees H001 in the area overview and starts the 约谈 from the record.
Desktop and 390 px phone width (QMS_SCREENSHOTS=<dir> keeps the pictures); no page scrolls sideways.
"""
import os

import pytest
from django.utils import timezone

from organizations.models import Department
from safety_info.models import EventExport, SafetyRecord

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QMS_SCREENSHOTS", "")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _look(page, name: str) -> None:
    assert _fits(page), name
    _shot(page, f"{name}-desktop")
    page.set_viewport_size(PHONE)
    assert _fits(page), name
    _shot(page, f"{name}-phone")
    page.set_viewport_size(DESKTOP)


def test_it_runs_the_register_loop_the_export_and_the_art45_offer(page, login):
    today = timezone.localdate()
    asked: list[str] = []  # closing and the 约谈 ask first (data-confirm: the CSP runs no inline JS)
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    login(page, "qc_office")
    page.goto("/safety-information/")
    page.click("#record-new")
    page.select_option("#id_kind", "malpractice")
    assert page.is_visible("#id_determined_by") and not page.is_visible("#id_court") and not page.is_visible("#id_channel")
    orth = Department.objects.get(institution__code="H001", code="ORTH")
    page.select_option("#id_department", str(orth.pk))
    page.fill("#id_received_on", today.isoformat())
    page.fill("#id_summary", "浏览器旅程：术后肺栓塞死亡，鉴定为医疗事故。")
    page.fill("#id_determined_by", "济南市医学会")
    page.fill("#id_determined_on", today.isoformat())
    page.select_option("#id_accident_grade", "1")
    page.select_option("#id_responsibility", "major")
    _look(page, "register-new")
    page.click("#record-submit")
    page.wait_for_selector("#record-status[data-status=received]")
    record = SafetyRecord.objects.get(summary__startswith="浏览器旅程")
    assert record.reference.startswith(f"SG-H001-{today.year}-")
    assert "第四十五条（一）" in page.locator("#art45-offer").inner_text()
    assert page.locator("#trigger-interview").count() == 0  # the hospital does not start its own 约谈

    page.fill("#id_text", "调阅病历：术前未行血栓风险评估，未采取预防措施。")
    page.click("#step-submit")
    page.wait_for_selector("#record-status[data-status=investigated]")
    page.fill("#id_text", "经医疗纠纷人民调解委员会调解，医院赔偿。")
    page.fill("#id_compensation", "300000")
    page.fill("#id_hospital_paid", "200000")
    page.click("#step-submit")
    page.wait_for_selector("#record-status[data-status=handled]")
    page.fill("#id_text", "调解结案。")
    page.click("#step-submit")  # no lessons: refused
    assert page.locator("#step-form .invalid-feedback").count() >= 1
    assert page.input_value("#id_text") == "调解结案。"
    page.fill("#id_lessons", "骨科围手术期 VTE 风险评估纳入术前核查单。")
    page.click("#step-submit")
    page.wait_for_selector("#record-status[data-status=closed]")
    assert len(asked) == 2 and all("办结后不能修改" in m for m in asked)
    assert page.locator("#record-history li").count() == 4
    _look(page, "register-closed")

    page.goto("/safety-information/")
    assert record.reference in page.locator("main").inner_text()
    _look(page, "register-list")

    page.goto("/safety-information/exports/")
    page.fill("input[name=period]", today.strftime("%Y-%m"))
    page.click("#export-submit")
    page.wait_for_selector(".alert-success")
    count = EventExport.objects.filter(institution__code="H001", period=today.replace(day=1)).count()
    assert count == 1
    page.fill("input[name=period]", today.strftime("%Y-%m"))
    page.click("#export-submit")
    assert "未重复导出" in page.locator(".alert-success").inner_text()
    assert EventExport.objects.filter(institution__code="H001", period=today.replace(day=1)).count() == count
    _look(page, "register-exports")

    # the authority's view and the Art. 45 (一) 约谈
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")
    login(page, "official_jn")
    page.goto("/safety-information/overview/")
    row = page.locator("#overview-table tr[data-code=H001]")
    assert row.count() == 1 and page.locator("#overview-table tr[data-code=H002]").count() == 1
    _look(page, "register-overview")
    page.goto(f"/safety-information/{record.pk}/")
    page.click("#trigger-interview")
    page.wait_for_selector("#interview-status[data-status=triggered]")
    assert "第四十六条" in asked[-1]
    assert record.reference in page.locator("#problems").inner_text()
    record.refresh_from_db()
    assert record.interview.trigger_ground == 1
