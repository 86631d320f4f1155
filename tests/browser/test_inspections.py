"""Supervision in real Chromium: an inspector enters a core-system check item by item on a 390 px phone (a
deduction above the item's points refused, findings with sampled records and a photo), completes it, and the
department answers the rectification, which the inspector verifies. Screenshots of the main pages at desktop
and phone width are written when QMS_SCREENSHOTS names a directory (to look at, not asserted)."""
import datetime as dt
import os
import struct
import zlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _phone(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
    context.set_default_timeout(15000)
    return context


def _sign_in(page, username: str, password: str) -> None:
    """The `login` fixture's steps; on a phone the navbar is collapsed, so the signed-in name is only attached."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("#login-button")
    page.wait_for_selector("#current-user", state="attached")


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_an_inspector_enters_a_check_on_a_phone_and_the_department_answers(browser, live_server, browser_demo, tmp_path):
    from inspections.models import Inspection
    from rectifications.models import Rectification

    context = _phone(browser, live_server)
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    _sign_in(page, "qc_office", browser_demo)
    page.goto("/inspections/new/")
    page.select_option("#id_checklist", label="SZFZ 首诊负责制度检查表")
    page.select_option("#id_department", label="心血管内科")
    page.select_option("#id_kind", "random")
    page.select_option("#id_tier", "hospital")
    page.click("#start-submit")
    page.wait_for_selector("#item-heading")
    assert "1 / 4" in page.inner_text("#item-heading")
    assert _no_horizontal_scroll(page), "the entry screen scrolls sideways on a 390 px phone"

    # item 1 is worth 10 points: 12 is refused, and what was typed stays
    page.fill("#id_deducted", "12")
    page.fill("#id_finding", "2 份病历首诊记录缺失")
    page.fill("#id_cases", "ZY2026001\nZY2026002")
    page.click("#save-next")
    assert "超过该条分值" in page.inner_text("#result-form")
    assert page.input_value("#id_finding") == "2 份病历首诊记录缺失"
    page.fill("#id_deducted", "4")
    photo = tmp_path / "evidence.png"
    photo.write_bytes(_png())
    page.set_input_files("#id_photo", str(photo))
    page.click("#save-next")
    page.wait_for_selector("#item-heading:has-text('2 / 4')")
    assert "26" in page.inner_text("#running-score") or "31" in page.inner_text("#running-score")
    page.fill("#id_deducted", "0")
    page.click("#save-next")
    page.wait_for_selector("#item-heading:has-text('3 / 4')")
    page.click("#save-done")

    page.wait_for_selector("#inspection-status[data-status=open]")
    assert "31.0 / 35.0" in page.inner_text("#inspection-score")
    page.fill("#id_due_on", (dt.date.today() + dt.timedelta(days=14)).isoformat())
    page.click("#complete-submit")
    page.wait_for_selector("#inspection-status[data-status=completed]")
    insp = Inspection.objects.filter(inspected_on=dt.date.today(), department__code="CARD", kind="random").latest("id")
    rect = Rectification.objects.get(source_kind="inspection", source_id=insp.pk)
    assert "ZY2026001" in rect.problem and rect.department.code == "CARD"
    assert insp.results.get(item__code="1").photos.count() == 1
    context.close()

    # the department head answers on the phone; the inspector verifies
    context = _phone(browser, live_server)
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    _sign_in(page, "head_cardiology", browser_demo)
    page.goto(f"/rectifications/{rect.pk}/")
    assert _no_horizontal_scroll(page)
    page.fill("#report-form textarea", "已组织首诊负责制度培训，补全 2 份病历首诊记录。")
    page.click("#report-submit")
    page.wait_for_selector("#rect-status[data-status=reported]")
    context.close()

    context = _phone(browser, live_server)
    page = context.new_page()
    page.on("dialog", lambda d: d.accept())
    _sign_in(page, "qc_office", browser_demo)
    page.goto(f"/rectifications/{rect.pk}/")
    page.click("#verify-submit")
    page.wait_for_selector("#rect-status[data-status=verified]")
    context.close()


PAGES = [
    ("list", "/inspections/"), ("coverage", "/inspections/coverage/"), ("analysis", "/inspections/analysis/"),
    ("plan", "/inspections/plan/"), ("checklists", "/inspections/checklists/"), ("records", "/inspections/records/"),
    ("record-stats", "/inspections/records/stats/"), ("new", "/inspections/new/"),
]


def test_screenshots_of_the_main_pages(browser, live_server, browser_demo, tmp_path):
    """Every main page at desktop and phone width (QMS_SCREENSHOTS=<dir> keeps the images)."""
    from inspections.models import Inspection

    out = Path(os.environ.get("QMS_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    done = Inspection.objects.filter(status="completed", tier="hospital").latest("inspected_on")
    open_one = Inspection.objects.filter(status="open").first()
    pages = [*PAGES, ("detail", f"/inspections/{done.pk}/"), ("enter", f"/inspections/{open_one.pk}/enter/?n=2")]
    wide = []
    for size, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", PHONE)):
        context = browser.new_context(locale="zh-CN", base_url=live_server.url, viewport=viewport)
        page = context.new_page()
        _sign_in(page, "qc_office", browser_demo)
        for name, url in pages:
            page.goto(url)
            page.screenshot(path=str(out / f"{name}-{size}.png"), full_page=True)
            if size == "phone" and not _no_horizontal_scroll(page):
                wide.append(name)
        context.close()
    (out / "wide.txt").write_text("\n".join(wide))
