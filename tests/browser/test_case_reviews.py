"""Issue 19, the key-case review loop (Art. 36) in real Chromium.

official_jn sets up a round over H001's deaths, draws it with a seed and checks the draw, assigns qc_expert;
qc_expert sees only that case, fills the six-area form (a finding without a severity is refused, what was
typed stays), submits; each finding becomes a rectification; official_jn starts the Art. 45 (四) 约谈 from the
serious finding with one click, and its head still has to approve it. The pages are looked at at desktop
and at 390 px phone width (QMS_SCREENSHOTS=<dir> keeps the pictures) and must not scroll sideways.
"""
import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from case_reviews.models import CaseReview, ReviewRound
from rectifications.models import Rectification

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("QMS_SCREENSHOTS", "")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def _fits(page) -> bool:
    """No sideways scroll of the page itself (wide tables scroll inside their .table-responsive box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _switch(page, login, username: str) -> None:
    page.set_viewport_size(DESKTOP)
    if page.locator("#logout-button").count():
        page.click("#logout-button")
        page.wait_for_url("**/accounts/login/")
    login(page, username)


def test_it_runs_a_key_case_review_from_the_draw_to_the_interview(page, login):
    today = timezone.localdate()
    asked: list[str] = []  # the draw, the submission and the 约谈 ask first (data-confirm: the CSP runs no inline JS)
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))

    # the official sets up and draws the round
    login(page, "official_jn")
    page.goto("/case-reviews/")
    page.click("#round-new")
    page.fill("#id_title", "浏览器旅程：死亡病例评价")
    page.check("#inst-H001")
    page.fill("input[name=size_H001]", "2")
    page.check("#cat-death")
    page.fill("#id_due", (today + dt.timedelta(days=14)).isoformat())
    page.click("#round-submit")
    page.wait_for_selector("#sample-form")
    page.fill("input[name=seed]", "4242")
    page.click("#sample-button")
    assert page.locator("#seed").inner_text() == "4242"
    assert len(asked) == 1 and "抽样后不能重新抽取" in asked[0]
    rnd = ReviewRound.objects.get(title="浏览器旅程：死亡病例评价")
    rows = page.locator("#round-reviews tbody tr")
    assert rows.count() == 2 == rnd.reviews.count()
    assert "random.Random" in page.locator("#draw-method").inner_text()
    page.click("#check-draw")
    assert "复核一致" in page.locator("#check-result").inner_text()
    expert = get_user_model().objects.get(username="qc_expert")
    assert page.locator("#round-reviews select[name=reviewer] option", has_text="his_h001").count() == 0
    first, second = rnd.reviews.order_by("category", "record_number")
    row = page.locator("#round-reviews tbody tr", has_text=first.record_number)
    row.locator("select[name=reviewer]").select_option(str(expert.pk))
    row.locator("button").click()
    page.wait_for_selector(".alert-success")
    assert page.locator("#round-reviews tbody tr", has_text=first.record_number).locator(
        "select[name=reviewer]").input_value() == str(expert.pk)
    assert _fits(page)
    _shot(page, "case-round-desktop")
    page.set_viewport_size(PHONE)
    assert _fits(page)
    _shot(page, "case-round-phone")

    # the reviewer sees the assigned case only
    _switch(page, login, "qc_expert")
    page.goto("/case-reviews/")
    # (the demo round assigned qc_expert two cases of its own; of this round, only the first)
    assert page.locator(f'#my-reviews a[href="/case-reviews/reviews/{first.pk}/"]').count() == 1
    assert page.locator(f'#my-reviews a[href="/case-reviews/reviews/{second.pk}/"]').count() == 0
    assert page.goto(f"/case-reviews/reviews/{second.pk}/").status == 404
    assert page.goto(f"/case-reviews/rounds/{rnd.pk}/").status == 404
    page.goto("/case-reviews/")
    page.click(f'#my-reviews a[href="/case-reviews/reviews/{first.pk}/"]')
    page.wait_for_selector("#review-form")
    assert page.locator("#review-form textarea").count() == 7  # six focus areas + the overall assessment
    page.fill("textarea[name=core_systems_text]", "死亡病例讨论未在1周内完成")
    page.select_option("select[name=core_systems_severity]", "serious")
    page.fill("textarea[name=records_text]", "抢救记录补记超过6小时")
    page.fill("#id_conclusion", "抢救过程基本规范，死亡病例讨论不及时。")
    page.click("#review-save")  # saving asks nothing
    assert "严重程度" in page.locator("#focus-records .invalid-feedback").inner_text()
    assert page.input_value("textarea[name=core_systems_text]") == "死亡病例讨论未在1周内完成"
    assert page.input_value("#id_conclusion") == "抢救过程基本规范，死亡病例讨论不及时。"
    page.select_option("select[name=records_severity]", "general")
    page.set_viewport_size(PHONE)
    assert _fits(page)
    _shot(page, "case-review-form-phone")
    page.set_viewport_size(DESKTOP)
    assert len(asked) == 1
    page.click("#review-submit")
    page.wait_for_selector("#review-status[data-status=submitted]")
    assert len(asked) == 2 and "提交后不能修改" in asked[1]
    first.refresh_from_db()
    rects = Rectification.objects.filter(source_kind="case_review", source_id=first.pk)
    assert rects.count() == 2 and {r.authority.code for r in rects} == {"JN"}
    assert page.locator("#focus-core_systems a").inner_text().startswith("#")
    assert page.locator("#trigger-interview").count() == 0  # the reviewer does not start 约谈
    assert _fits(page)  # the reviewer's long name does not push the menu off the page
    _shot(page, "case-review-submitted-desktop")

    # the official starts the 约谈 (Art. 45 (四)) from the serious finding; the head still approves
    _switch(page, login, "official_jn")
    page.goto(f"/case-reviews/reviews/{first.pk}/")
    page.click("#trigger-interview")
    page.wait_for_selector("#interview-status[data-status=triggered]")
    assert "第四十五条（四）" in asked[2]
    assert first.record_number in page.locator("#problems").inner_text()
    assert CaseReview.objects.get(pk=first.pk).interview_id is not None
    assert page.locator("#approve-button").count() == 0  # the 处长 may not approve (Art. 46)

    # the hospital sees the rectifications
    _switch(page, login, "qc_office")
    page.goto("/rectifications/")
    page.select_option("select[name=source]", "case_review")  # the list is long: filter by where it came from
    page.click("form button.btn-outline-secondary")
    page.wait_for_url("**source=case_review**")
    assert "死亡病例讨论未在1周内完成" in page.locator("main").inner_text()
    page.goto("/case-reviews/")
    page.set_viewport_size(PHONE)
    assert _fits(page)
    _shot(page, "case-index-phone")
