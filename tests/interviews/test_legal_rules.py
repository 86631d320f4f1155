"""Issue 12: the 约谈 rules as Art. 43–53 write them (items 2–4, 6–10, 17 on SQLite)."""
import datetime as dt
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from interviews import services
from interviews.models import HalfYearSummary, Interview
from qms.core.models import Deadline, Transition
from tests.interviews.helpers import INTERVIEWEES, INTERVIEWERS, D, approved, at, held, notified, triggered

pytestmark = pytest.mark.django_db
URL = "/api/v1/interviews/"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(user):
    c = Client()
    c.force_login(user)
    return c


# ---- item 3: the approval has its own date; the notice cannot precede it -------------------------

def test_it_records_the_approval_date_and_refuses_a_notice_before_it(demo, personas, api):
    i = approved(demo, personas, trigger="2025-09-01", approved_on="2025-09-08")
    assert i.approved_on == D("2025-09-08")
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/notify/", {
        "notified_on": "2025-09-05", "scheduled_at": "2025-09-16T10:00:00+08:00", "location": "l", "content": "c"},
        format="json")
    assert r.status_code == 400 and "批准日期 2025-09-08" in r.json()["notified_on"][0]
    assert "第四十六条" in r.json()["notified_on"][0]
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/notify/", {
        "notified_on": tomorrow, "scheduled_at": "2025-09-16T10:00:00+08:00", "location": "l", "content": "c"},
        format="json")
    assert r.status_code == 400 and "不能晚于今天" in r.json()["notified_on"][0]
    assert Interview.objects.get(pk=i.pk).status == "approved"


def test_it_refuses_an_approval_date_after_today_or_before_the_trigger(demo, personas, api):
    i = triggered(demo, personas, trigger="2025-09-01")
    client = api(personas["leader_jn"])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = client.post(f"{URL}{i.pk}/approve/", {"approved_on": tomorrow}, format="json")
    assert r.status_code == 400 and "第四十六条" in r.json()["approved_on"][0]
    r = client.post(f"{URL}{i.pk}/approve/", {"approved_on": "2025-08-31"}, format="json")
    assert r.status_code == 400 and "启动日期" in r.json()["approved_on"][0]
    r = client.post(f"{URL}{i.pk}/approve/", {"approved_on": "2025-09-03"}, format="json")
    assert r.status_code == 200 and r.json()["approved_on"] == "2025-09-03"


# ---- item 8: the organiser authority's 负责人 approves; a division head leads but does not -------------

def test_only_the_authority_leader_approves_and_the_division_head_may_lead(demo, personas):
    i = triggered(demo, personas)
    with pytest.raises(PermissionDenied) as err:
        services.interview_approve(interview=i, actor=personas["official_jn"], approved_on=D("2025-09-01"))
    assert "第四十六条" in str(err.value)
    services.interview_approve(interview=i, actor=personas["leader_jn"], approved_on=D("2025-09-01"))
    # official_jn, the 处长, leads the interview as its is_head interviewer (Art. 46 (三))
    services.interview_notify(interview=i, actor=personas["official_jn"], notified_on=D("2025-09-10"),
                              scheduled_at=at(D("2025-09-16")), location="l", content="c")
    services.interview_hold(interview=i, actor=personas["official_jn"], held_at=at(D("2025-09-16")),
                            interviewers=INTERVIEWERS, interviewees=INTERVIEWEES, record="r", problem_scale="general",
                            rectification_deadline=D("2025-10-16"), form_signed=True)
    assert Interview.objects.get(pk=i.pk).approved_by == personas["leader_jn"]


def test_an_internal_interview_is_approved_by_the_principal_not_the_quality_office(demo, personas):
    i = services.interview_trigger(institution=demo.institutions["H001"], ground=6, trigger_date=D("2025-09-01"),
                                   problems="p", actor=personas["qc_office"], internal=True)
    with pytest.raises(PermissionDenied) as err:
        services.interview_approve(interview=i, actor=personas["qc_office"])
    assert "第五十三条" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.interview_approve(interview=i, actor=personas["leader_jn"])
    services.interview_approve(interview=i, actor=personas["principal"], approved_on=D("2025-09-02"))


# ---- item 9: the experts' investigation follows approval ------------------------------------------

def test_it_refuses_an_investigation_before_approval(demo, personas, api):
    i = triggered(demo, personas)
    body = {"findings": "f", "cause_analysis": "c", "investigated_on": "2025-09-02"}
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/investigate/", body, format="json")
    assert r.status_code == 400 and "第四十六条（一）" in str(r.json())
    services.interview_approve(interview=i, actor=personas["leader_jn"], approved_on=D("2025-09-03"))
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/investigate/", body, format="json")
    assert r.status_code == 400 and "批准日期 2025-09-03" in r.json()["investigated_on"][0]
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/investigate/", {**body, "investigated_on": "2025-09-04"},
                                          format="json")
    assert r.status_code == 200


# ---- item 10: the form is signed by the interviewee, as recorded ------------------------------------

def test_it_records_the_signature_as_given_and_asks_why_when_unsigned(demo, personas, api, tmp_path):
    i = notified(demo, personas)
    body = {"held_at": "2025-09-16T10:00:00+08:00", "interviewers": INTERVIEWERS, "interviewees": INTERVIEWEES,
            "record": "r", "problem_scale": "general", "rectification_deadline": "2025-10-16"}
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/hold/", body, format="json")
    assert r.status_code == 400 and "第四十七条（五）" in r.json()["form_unsigned_reason"][0]
    r = api(personas["official_jn"]).post(f"{URL}{i.pk}/hold/", {**body, "form_unsigned_reason": "约谈对象拒绝签字"},
                                          format="json")
    assert r.status_code == 200 and r.json()["form_signed"] is False
    assert r.json()["form_unsigned_reason"] == "约谈对象拒绝签字"
    page = _client(personas["official_jn"]).get(f"/interviews/{i.pk}/").content.decode()
    assert "登记表未经约谈对象签字" in page and "登记表已填写并由约谈对象签字" not in page
    pdf = api(personas["official_jn"]).get(f"{URL}{i.pk}/registration-form.pdf").content
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "已签字" not in text and "未记录约谈对象签字" in "".join(text.split())
    # a signed scan, once uploaded, records the signature
    services.interview_document_add(interview=i, actor=personas["official_jn"], kind="signed_form",
                                    upload=SimpleUploadedFile("form.png", PNG, content_type="image/png"))
    assert Interview.objects.get(pk=i.pk).record_form_signed is True


# ---- item 6: lateness on the date the report reached the authority --------------------------------

def test_it_judges_art_50_lateness_on_the_date_the_report_arrived(demo, personas, api):
    i = held(demo, personas)  # report due 2025-10-23, five working days after 2025-10-16
    services.interview_plan(interview=i, actor=personas["qc_office"], measures=[
        {"measure": "m", "department_name": "医务部", "deadline": D("2025-10-10")}])
    client = api(personas["qc_office"])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    r = client.post(f"{URL}{i.pk}/report/", {"text": "报告", "submitted_on": tomorrow}, format="json")
    assert r.status_code == 400 and "第五十条" in r.json()["submitted_on"][0]
    r = client.post(f"{URL}{i.pk}/report/", {"text": "报告", "submitted_on": "2025-10-20"}, format="json")
    assert r.status_code == 200 and r.json()["report_submitted_on"] == "2025-10-20"
    step = Transition.objects.filter(object_id=i.pk, to_status="report_submitted").get()
    assert step.data["late"] is False  # typed in long after 2025-10-23, but it arrived on 20 October
    row = Deadline.objects.get(object_id=i.pk, rule="interview.report_due")
    assert timezone.localtime(row.done_at).date() == D("2025-10-20")


# ---- item 7: Art. 51 half-year duties exist without any interview --------------------------------

def test_every_city_has_its_half_year_duty_without_an_interview_and_an_empty_half_is_reported_empty(demo, personas):
    from qms.notifications.models import Notification
    from qms.notifications.services import deadline_pass

    deadline_pass(today=D("2026-06-25"), kick=False)
    summary = HalfYearSummary.objects.get(authority__code="JN", year=2026, half=1)
    assert summary.due_on == D("2026-06-30")
    assert Deadline.objects.filter(object_id=summary.pk, rule="interview.half_year_summary", done_at__isnull=True).exists()
    assert Notification.objects.filter(rule="interview.half_year_summary", recipient=personas["leader_jn"]).exists()
    assert not HalfYearSummary.objects.filter(authority__code="LX").exists()  # a county has no such duty
    services.half_year_summary_submit(summary=summary, actor=personas["leader_jn"], submitted_on=D("2026-06-28"))
    summary.refresh_from_db()
    assert summary.empty is True
    page = _client(personas["leader_jn"]).get("/interviews/summary/?year=2026&half=1&format=pdf")
    assert page.status_code == 200


# ---- item 4: every place a legal date is shown carries its confirmed mark ------------------------------

def test_every_place_shows_the_unconfirmed_mark(demo, personas, api):
    from bulletins.gather import gather_interviews
    from interviews.extensions import agenda_items

    # trigger 2026-11-25: hold-by in January 2027, a year with no published schedule
    i = triggered(demo, personas, trigger="2026-11-25")
    assert i.hold_by_confirmed is False
    page = _client(personas["official_jn"]).get("/interviews/").content.decode()
    assert "（日历未确认）" in page
    assert api(personas["official_jn"]).get(URL).json()["results"][0]["next_due_confirmed"] is False
    summary = _client(personas["leader_jn"]).get("/interviews/summary/?year=2026&half=2").content.decode()
    assert "（日历未确认）" in summary
    rows = gather_interviews(demo.institutions["H001"], 2026, 11)["rows"]
    assert rows[0]["hold_by_confirmed"] is False
    # held on 2026-11-30 with a rectification deadline of 2026-12-28: the report is due in 2027
    h = held(demo, personas, trigger="2026-11-10", notified_on="2026-11-20", held_on="2026-11-30",
             deadline="2026-12-28")
    assert h.rectification_report_due_confirmed is False
    pdf = api(personas["official_jn"]).get(f"{URL}{h.pk}/registration-form.pdf").content
    text = "".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split())
    assert "（日历未确认）前提交" in text
    items = agenda_items(institution=demo.institutions["H001"], department=None, since=None, until=D("2027-02-01"))
    assert any("（日历未确认）" in x["detail"] for x in items)


# ---- item 17 on SQLite: a step works on the locked row, not the caller's stale copy --------------

def test_a_step_does_not_overwrite_what_another_step_saved_meanwhile(demo, personas):
    i = notified(demo, personas)
    stale = Interview.objects.get(pk=i.pk)
    services.interview_notify(interview=Interview.objects.get(pk=i.pk), actor=personas["official_jn"],
                              notified_on=D("2025-09-10"), scheduled_at=at(D("2025-09-17")), location="新地点",
                              content="新内容")
    services.interview_investigate(interview=stale, actor=personas["official_jn"], experts="专家", findings="核实",
                                   cause_analysis="归因", proposals="", investigated_on=D("2025-09-11"))
    fresh = Interview.objects.get(pk=i.pk)
    assert (fresh.location, fresh.notice_content) == ("新地点", "新内容")
    assert fresh.investigation_findings == "核实"
    assert stale.investigation_findings == "核实"  # the caller's copy shows what was saved
