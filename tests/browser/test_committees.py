"""Item 8 of issue 5: the monthly committee meeting from planning to a verified action item, in Chromium."""
import datetime as dt
import os

import pytest
from django.utils import timezone

pytestmark = pytest.mark.browser


def _shot(page, name):
    # QMS_SCREENSHOTS=<dir> keeps pictures of the pages for a person to look at.
    if os.environ.get("QMS_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["QMS_SCREENSHOTS"], f"committees-{name}.png"), full_page=True)


def _switch(page, login, username):
    page.goto("/")
    page.click("#logout-button")
    page.wait_for_url("**/accounts/login/")
    login(page, username)


def test_it_runs_the_monthly_committee_meeting_to_a_verified_action_item(page, login):
    from django.contrib.auth import get_user_model

    from committees.models import ActionItem, MeetingBody
    from organizations.models import Department

    User = get_user_model()

    committee = MeetingBody.objects.get(institution__code="H001", kind="committee")
    card = Department.objects.get(institution__code="H001", code="CARD")
    head = User.objects.get(username="head_cardiology")
    carried_before = set(ActionItem.objects.filter(body=committee, status__in=["open", "done"]).values_list("title", flat=True))
    assert carried_before  # the demo leaves open and overdue items from last month

    # qc_office plans this month's committee meeting (an hour ago, so that it can be marked held)
    login(page, "qc_office")
    page.goto("/meetings/")
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))  # sign-offs ask first
    page.click("#plan-meeting")
    page.select_option("#id_body", str(committee.pk))
    starts = timezone.localtime() - dt.timedelta(hours=1)
    page.fill("#id_starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "行政楼三楼第一会议室")
    page.click("#plan-submit")
    page.wait_for_selector("#meeting-title")
    assert page.locator("#meeting-status").get_attribute("data-status") == "planned"
    assert page.locator("#meeting-chair").inner_text() == "李建国"

    # the carried-over items are on the draft agenda, overdue ones marked
    agenda = page.locator("#agenda-list").inner_text()
    for title in carried_before:
        assert title in agenda
    assert page.locator(".agenda-item[data-kind='carry_over']").count() == len(carried_before)
    assert "已逾期" in agenda
    _shot(page, "planned")

    # attendance: everybody present, the quorum shows before anything can be approved
    assert page.locator("#quorum").get_attribute("data-met") == "0"
    page.click("#all-present")
    page.click("#save-attendance")
    page.wait_for_selector("#quorum[data-met='1']")
    assert "已达到法定人数" in page.locator("#quorum").inner_text()

    # minutes of the first agenda item, then the meeting is held
    first = page.locator("#minutes-form textarea").first
    first.fill("普通外科汇报：术前讨论专项检查已覆盖 80% 病例，下月完成。")
    page.click("#save-minutes")
    page.wait_for_selector("#meeting-title")
    assert page.locator("#minutes-form textarea").first.input_value().startswith("普通外科汇报")
    page.click("#hold-meeting")
    page.wait_for_selector("#meeting-status[data-status='held']")

    # a decision and its action item for cardiology
    page.fill("#id_decision-text", "开展心血管内科危急值处置专项培训")
    page.click("#decision-add")
    page.wait_for_selector("#action-form")
    page.fill("#id_action-title", "心内科危急值处置培训全覆盖")
    page.select_option("#id_action-department", str(card.pk))
    page.select_option("#id_action-owner", str(head.pk))
    page.fill("#id_action-due_on", (timezone.localdate() + dt.timedelta(days=20)).isoformat())
    page.click("#action-add")
    page.wait_for_selector(".action-items")
    assert "心内科危急值处置培训全覆盖" in page.locator(".action-items").inner_text()
    meeting_url = page.url
    assert page.locator("#approve-minutes").count() == 0  # qc_office is not the chair

    # the principal approves
    _switch(page, login, "principal")
    page.goto(meeting_url)
    page.click("#approve-minutes")
    page.wait_for_selector("#meeting-status[data-status='approved']")
    assert asked, "approving the minutes asks for confirmation"
    assert page.locator("#versions-table").count() == 1
    _shot(page, "approved")
    page.goto("/meetings/compliance/")
    _shot(page, "compliance")
    page.goto(meeting_url)
    pdf = page.request.get(meeting_url + "minutes.pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")

    # head_cardiology sees the new item on the home page and marks it done
    _switch(page, login, "head_cardiology")
    _shot(page, "home")
    panel = page.locator("#my-action-items")
    assert "心内科危急值处置培训全覆盖" in panel.inner_text()
    panel.get_by_text("心内科危急值处置培训全覆盖").click()
    page.wait_for_selector("#done-form")
    page.fill("#id_evidence_text", "已完成全科 32 名医护人员培训，考核合格率 100%。")
    page.click("#mark-done")
    page.wait_for_selector("#item-status[data-status='done']")
    item_url = page.url

    # qc_office verifies it
    _switch(page, login, "qc_office")
    page.goto(item_url)
    page.fill("#id_note", "抽查培训签到表与考核记录属实。")
    page.click("#verify-item")
    page.wait_for_selector("#item-status[data-status='verified']")
    assert ActionItem.objects.get(title="心内科危急值处置培训全覆盖").status == "verified"
