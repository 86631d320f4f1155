"""The inbox and the pass page in real Chromium: unread badge, open and mark read, the pass's progress."""
import datetime as dt
import os

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from organizations.models import Department, Institution
from qms.core.services import deadline_open
from qms.notifications.models import PassRun
from qms.notifications.services import deadline_pass

pytestmark = pytest.mark.browser


def _shot(page, name: str) -> None:
    folder = os.environ.get("QMS_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def _deadlines() -> None:
    today = timezone.localdate()
    card = Department.objects.get(institution__code="H001", code="CARD")
    resp = Department.objects.get(institution__code="H001", code="RESP")
    deadline_open(obj=card, rule="monthly_report.due", label="心血管内科 月度质控报告", article="第三十条",
                  due_on=today - dt.timedelta(days=10), institution=card.institution, department=card,
                  responsible=card.head, url="/")
    deadline_open(obj=resp, rule="event.analysis", label="不良事件 AE-0007 根因分析", article="第三十九条",
                  due_on=today + dt.timedelta(days=1), institution=resp.institution, department=resp,
                  responsible=resp.head, url="/")
    h001 = Institution.objects.get(code="H001")
    deadline_open(obj=h001, rule="interview.report_due", label="提交约谈整改报告：济南市第一人民医院", article="第五十条",
                  due_on=today - dt.timedelta(days=2), institution=h001, authority=h001.authority, url="/")
    deadline_pass(today=today)


def test_it_shows_a_quality_officer_the_reminders_and_a_pass_progressing(page, login):
    _deadlines()
    login(page, "qc_office")
    badge = page.locator("#inbox-unread")
    before = int(badge.inner_text())
    assert before >= 3
    page.click("#inbox-link")
    page.wait_for_selector("#inbox-list")
    _shot(page, "inbox.png")
    text = page.locator("#inbox-list").inner_text()
    assert "科室月度质量报告提交期限" in text and "第三十条" in text and "已逾期" in text
    assert "第五十条" in text
    page.locator(".mark-read").first.click()
    page.wait_for_selector("#inbox-list")
    assert int(page.locator("#inbox-unread").inner_text()) == before - 1
    opened = page.locator(".open-object").first
    target = opened.get_attribute("data-url")
    assert target and target.startswith("/")
    opened.click()
    page.wait_for_selector("#current-user")
    assert page.url.split(page.url.split("/")[2], 1)[1] == target  # the notification's object, marked read
    page.click("#inbox-link")
    page.click("#read-all")
    page.wait_for_selector("#inbox-list")
    assert page.locator("#inbox-unread").count() == 0

    # One journey, not two tests: a second live-server test would start from a flushed database.
    user = get_user_model().objects.get(username="qc_office")
    user.is_staff = True
    user.save()
    run = PassRun.objects.create(status=PassRun.Status.RUNNING, today=timezone.localdate(), steps_total=4, steps_done=1)
    page.goto("/inbox/passes/")
    assert page.locator("#run-progress-bar").inner_text() == "25%"
    PassRun.objects.filter(pk=run.pk).update(steps_done=4, status=PassRun.Status.DONE, found=7, notified=5)
    # the page's script polls the JSON endpoint and shows the run finishing (CSP: no eval, so expect())
    expect(page.locator("#run-status")).to_have_text("已完成", timeout=15000)
    page.wait_for_timeout(1500)  # the script reloads the page once the run is finished
    page.wait_for_selector("#run-now")
    with page.expect_navigation():
        page.click("#run-now")
    mine = PassRun.objects.filter(requested_by=user).get()
    assert (mine.status, mine.error) == (PassRun.Status.DONE, "")
    assert f"run={mine.pk}" in page.url
    expect(page.locator("#run-status")).to_have_text("已完成")
    _shot(page, "passes.png")
