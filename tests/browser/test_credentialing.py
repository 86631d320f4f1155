"""Medical affairs in real Chromium: apply for a grant, walk the approval chain, review it on its dossier,
revoke it (with the confirmation), see the HIS check answer so; then print a personal archive PDF."""
import datetime as dt
import subprocess

import pytest

pytestmark = pytest.mark.browser


def test_it_grants_reviews_and_revokes(page, login):
    from staff.models import Staff

    staff = Staff.objects.get(institution__code="H001", code="D0103")
    page.on("dialog", lambda d: d.accept())
    login(page, "qc_office")
    page.goto("/credentialing/")
    page.click("#apply-link")
    today = dt.date.today()
    page.select_option("#id_staff", str(staff.pk))
    page.select_option("#id_item", label="二级手术（SURG-2）")
    page.fill("#id_valid_from", today.isoformat())
    page.fill("#id_valid_until", (today + dt.timedelta(days=2000)).isoformat())
    page.fill("#id_basis", "浏览器旅程：二级手术主刀50例")
    page.click("#apply-submit")
    # a validity past the item's 36 months is refused naming the rule, and what was typed stays
    assert "36个月" in page.locator(".errorlist").first.inner_text()
    assert page.input_value("#id_basis") == "浏览器旅程：二级手术主刀50例"
    page.fill("#id_valid_until", (today + dt.timedelta(days=330)).isoformat())
    page.click("#apply-submit")
    page.wait_for_selector("#privilege-status[data-status=pending]")
    page.fill("#id_note", "科室考核合格")
    page.click("#approve-submit")  # 科室审核 (medical affairs may act for the department)
    page.wait_for_selector("#privilege-status[data-status=pending]")
    page.click("#approve-submit")  # 医务部门审核: the chain of SURG-2 ends here
    page.wait_for_selector("#privilege-status[data-status=active]")

    # dynamic review on the dossier: renew
    assert page.locator("#dossier").inner_text().count("HIS") >= 1
    page.select_option("#id_outcome", "renew")
    page.fill("#id_new_valid_until", (today + dt.timedelta(days=360)).isoformat())
    page.fill("#id_note", "评估良好，续期")
    page.click("#review-submit")
    page.wait_for_selector("#review-list")
    assert "续期" in page.locator("#review-list").inner_text()

    # revoke needs a reason, then asks for confirmation
    page.click("#revoke-submit")
    assert page.locator("#errors-reason").is_visible()
    page.fill("#id_reason", "浏览器旅程：调离临床岗位")
    page.click("#revoke-submit")
    page.wait_for_selector("#privilege-status[data-status=revoked]")
    assert "调离临床岗位" in page.locator("#privilege-reason").inner_text()
    assert "撤销授权" in page.locator("#history").inner_text()


def test_it_prints_the_personal_archive(page, login, tmp_path):
    from staff.models import Staff

    staff = Staff.objects.get(institution__code="H001", code="D0101")
    login(page, "qc_office")
    page.set_viewport_size({"width": 390, "height": 844})  # the archive page must fit a phone
    page.goto(f"/credentialing/archive/{staff.pk}/")
    assert "张明" in page.locator("#archive-grants").inner_text() or "经皮冠状动脉" in page.locator("#archive-grants").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400
    href = page.get_attribute("#archive-pdf", "href")
    r = page.request.get(href)
    assert r.ok and r.headers["content-type"] == "application/pdf"
    out = tmp_path / "archive.pdf"
    out.write_bytes(r.body())
    text = subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "医务人员医疗技术临床应用管理档案" in text and "张明" in text and "特殊使用级抗菌药物处方权" in text
