"""Issue 3, item 8: a nurse files an anonymous report and follows it by receipt code; the quality office
classifies it at level G (class II) and sees the 约谈 trigger appear."""
import datetime as dt
import os

import pytest
from django.utils import timezone

from adverse_events.models import AdverseEvent, EventType
from organizations.models import Department

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QMS_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _logout(page) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")


def test_it_takes_an_anonymous_report_to_a_classification_and_a_interview_trigger(page, login):
    login(page, "staff_nurse")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone: the ward nurse's form must fit
    page.goto("/events/new/")
    card = Department.objects.get(institution__code="H001", code="CARD")
    now = timezone.localtime()
    page.select_option("#id_department", str(card.pk))
    page.fill("#id_place", "12 病区 5 床")
    page.fill("#id_occurred_at", (now - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_discovered_at", (now - dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_event_type", str(EventType.objects.get(code="FALL").pk))
    page.select_option("#id_severity_level", "D")
    page.fill("#id_description", "夜间巡视发现患者坐于床旁地面，自述起身时头晕。")
    page.fill("#id_immediate_actions", "扶起，测血压，通知值班医师。")
    page.fill("#id_patient_age", "300")
    page.check("#id_anonymous")
    _shot(page, "ae-form-phone")
    page.click("#report-submit")
    # refused with a Chinese field error; what was typed is still there
    assert "0–130" in page.locator("#error-patient_age").inner_text()
    assert page.input_value("#id_description") == "夜间巡视发现患者坐于床旁地面，自述起身时头晕。"
    assert page.input_value("#id_place") == "12 病区 5 床"
    assert page.is_checked("#id_anonymous")
    page.fill("#id_patient_age", "78")
    page.click("#report-submit")
    code = page.locator("#receipt-code").inner_text().strip()
    assert len(code) == 19
    assert "III 类" in page.locator("#submitted-class").inner_text()
    _shot(page, "ae-submitted")
    event = AdverseEvent.objects.get(receipt_code=code)
    assert event.anonymous and event.reporter_id is None
    _logout(page)

    # follows it by receipt code, without signing in
    page.goto("/events/receipt/")
    page.fill("#id_code", code.lower())
    page.click("#receipt-submit")
    assert page.locator("#receipt-status").inner_text() == "已上报"

    # the quality office receives and classifies it at G: class II, and the 约谈 trigger appears
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "qc_office")
    page.goto("/events/")
    page.click(f"#event-table a[href='/events/{event.pk}/']")
    assert page.locator("#reporter").inner_text() == "匿名"
    page.click("#receive-button")
    assert page.locator("#event-status").inner_text() == "已受理"
    assert page.locator("#interview-trigger").count() == 0
    page.select_option("#classify-form select[name=severity_level]", "G")
    page.fill("#classify-form textarea[name=reason]", "患者跌倒致股骨颈骨折，需手术，遗留功能障碍。")
    page.click("#classify-button")
    assert page.locator("#event-status").inner_text() == "已分类定级"
    assert "II 类 / G 级" in page.locator("#event-class").inner_text()
    trigger = page.locator("#interview-trigger")
    assert trigger.is_visible() and "第四十五条" in trigger.inner_text()
    assert "济南市卫生健康委员会" in trigger.inner_text()
    hold_by = event.interviews.get().hold_by
    assert page.locator(".interview-hold-by").inner_text() == hold_by.strftime("%Y-%m-%d")
    history = page.locator("#history").inner_text()
    assert "匿名报告人" in history and "触发约谈" in history
    _shot(page, "ae-classified")
    _logout(page)

    # the receipt page now says classified, and shows no names
    page.goto("/events/receipt/")
    page.fill("#id_code", code)
    page.click("#receipt-submit")
    assert page.locator("#receipt-status").inner_text() == "已分类定级"
    assert "王丽" not in page.locator("#receipt-result").inner_text()
