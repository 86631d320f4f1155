import datetime as dt
import shutil
import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committees import services
from committees.models import ActionItem, AgendaItem, Attendance, Meeting, MinutesVersion
from committees.selectors import meeting_detail_for_pdf, quorum
from qms import extensions
from qms.core.models import Deadline, Transition
from qms.pdf import checksum
from tests.committees.conftest import at


def test_it_carries_unfinished_action_items_over_a_year_boundary(committee, make_meeting, add_item, personas):
    december = make_meeting(committee, at(2025, 12, 30, 15))
    open_item = add_item(december, dt.date(2026, 1, 15), title="危急值闭环")
    done_item = add_item(december, dt.date(2026, 1, 20), owner="gs_head", dept="GS", title="术前讨论")
    verified = add_item(december, dt.date(2026, 1, 10), title="已核实事项")
    services.action_item_mark_done(item=done_item, actor=personas["qc_office"], evidence_text="已完成")
    services.action_item_mark_done(item=verified, actor=personas["head_cardiology"], evidence_text="已完成")
    services.action_item_verify(item=verified, actor=personas["qc_office"])

    january = services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2026, 1, 8), place="会议室")
    assert january.previous == december
    assert january.agenda_until == dt.date(2026, 2, 28)
    carried = {a.action_item_id: a for a in january.agenda_items.filter(kind="carry_over")}
    assert set(carried) == {open_item.pk, done_item.pk}
    assert "（已逾期）" in carried[open_item.pk].detail  # due 2026-01-15, today is later
    assert "已完成待核实" in carried[done_item.pk].detail
    # the item's history shows where it went
    assert Transition.objects.filter(object_id=open_item.pk, data__carried_to_meeting=january.pk).exists()

    # ...and on to February: still open, it carries again by itself
    services.meeting_hold(meeting=january, actor=personas["qc_office"])
    february = services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2026, 2, 5), place="会议室")
    assert february.previous == january
    assert list(open_item.agenda_appearances.order_by("meeting__starts_at").values_list("meeting", flat=True)) == [
        january.pk, february.pk
    ]


def test_it_carries_over_only_within_the_same_body(committee, card_body, make_meeting, add_item, personas):
    meeting = make_meeting(committee, at(2026, 3, 10))
    add_item(meeting, dt.date(2026, 4, 1))
    card = services.meeting_plan(body=card_body, actor=personas["head_cardiology"], starts_at=at(2026, 4, 2), place="示教室")
    assert not card.agenda_items.filter(kind="carry_over").exists()


def test_it_builds_the_agenda_from_the_registered_sources(card_body, make_meeting, personas, monkeypatch):
    calls = []

    def source(*, institution, department, since, until):
        calls.append((institution.code, department.code if department else None, since, until))
        return [{"kind": "adverse_event", "title": "Ⅱ类不良事件：跌倒", "detail": "E 级", "url": "/events/1/"}]

    def empty(**kwargs):
        return []

    def broken(**kwargs):
        raise RuntimeError("source down")

    monkeypatch.setattr(extensions, "AGENDA_SOURCES", [source, empty, broken])
    monkeypatch.setattr("committees.services.AGENDA_SOURCES", extensions.AGENDA_SOURCES)
    first = make_meeting(card_body, at(2026, 5, 20, 16))
    second = services.meeting_plan(body=card_body, actor=personas["qc_office"], starts_at=at(2026, 6, 18, 16), place="示教室")
    assert calls[0] == ("H001", "CARD", None, dt.date(2026, 6, 30))
    assert calls[1] == ("H001", "CARD", first.starts_at, dt.date(2026, 7, 31))
    item = second.agenda_items.get(kind="source")
    assert (item.source_kind, item.title, item.url) == ("adverse_event", "Ⅱ类不良事件：跌倒", "/events/1/")


def test_it_plans_with_no_sources_at_all(committee, personas, monkeypatch):
    monkeypatch.setattr("committees.services.AGENDA_SOURCES", [])
    meeting = services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2026, 7, 1), place="会议室")
    assert meeting.agenda_items.count() == 0
    assert meeting.attendance.count() == 20
    assert meeting.chair.username == "principal"


def test_it_refuses_a_committee_meeting_chaired_by_someone_else(committee, personas):
    with pytest.raises(ValidationError) as exc:
        services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2026, 7, 1), place="会议室",
                              chair=personas["head_cardiology"])
    assert "第十二条" in str(exc.value)
    assert not Meeting.objects.exists()


def test_it_computes_the_quorum_as_more_than_half_of_the_members(committee, make_meeting):
    meeting = make_meeting(committee, at(2026, 8, 5), present=10)  # 10 of 20 is not more than half
    q = quorum(meeting_detail_for_pdf(meeting.pk))
    assert (q["members"], q["present"], q["needed"], q["met"]) == (20, 10, 11, False)
    meeting = make_meeting(committee, at(2026, 9, 5), present=11)
    assert quorum(meeting_detail_for_pdf(meeting.pk))["met"] is True


def test_it_refuses_to_approve_without_a_quorum(committee, make_meeting, personas):
    meeting = make_meeting(committee, at(2026, 8, 5), present=10)
    with pytest.raises(ValidationError) as exc:
        services.meeting_approve(meeting=meeting, actor=personas["principal"])
    assert "不足法定人数" in str(exc.value) and "第十二条" in str(exc.value)
    meeting.refresh_from_db()
    assert meeting.status == "held" and not MinutesVersion.objects.exists()


def test_it_lets_only_the_chair_approve(committee, make_meeting, personas):
    meeting = make_meeting(committee, at(2026, 8, 5))
    with pytest.raises(PermissionDenied):
        services.meeting_approve(meeting=meeting, actor=personas["qc_office"])
    assert Meeting.objects.get(pk=meeting.pk).status == "held"


def test_it_freezes_approved_minutes_as_a_pdf_and_corrects_them_as_a_new_version(committee, make_meeting, add_item, personas, tmp_path):
    meeting = make_meeting(committee, at(2026, 8, 5))
    item = meeting.agenda_items.create(title="质量指标通报", order=1)
    services.minutes_record(meeting=meeting, actor=personas["qc_office"], minutes={item.pk: "原记录"})
    v1 = services.meeting_approve(meeting=meeting, actor=personas["principal"])
    data = v1.pdf.read()
    assert data.startswith(b"%PDF") and v1.checksum == checksum(data) and v1.version == 1

    with pytest.raises(ValidationError) as exc:
        services.minutes_record(meeting=meeting, actor=personas["qc_office"], minutes={item.pk: "偷偷改"})
    assert "已于" in str(exc.value) and "新版本" in str(exc.value)
    with pytest.raises(ValidationError):
        add_item(meeting, dt.date(2026, 9, 1))
    assert AgendaItem.objects.get(pk=item.pk).minutes == "原记录"
    assert not ActionItem.objects.exists()

    services.meeting_correction_open(meeting=meeting, actor=personas["qc_office"], reason="出席名单有误")
    services.minutes_record(meeting=meeting, actor=personas["qc_office"], minutes={item.pk: "更正后的记录"})
    v2 = services.meeting_approve(meeting=meeting, actor=personas["principal"])
    assert v2.version == 2 and v2.correction_reason == "出席名单有误"
    v1.refresh_from_db()
    v1.pdf.open("rb")
    assert checksum(v1.pdf.read()) == v1.checksum  # the old version is kept as it was
    assert v1.snapshot["agenda"][0]["minutes"] == "原记录" and v2.snapshot["agenda"][0]["minutes"] == "更正后的记录"


def test_it_checks_an_action_item_owner_and_due_date(committee, make_meeting, personas, bodies):
    meeting = make_meeting(committee, at(2026, 8, 5))
    decision = services.decision_add(meeting=meeting, actor=personas["qc_office"], text="决议")
    qc = personas["qc_office"]
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(decision=decision, actor=qc, department=None, owner=None, title="事项", due_on=dt.date(2026, 9, 1))
    assert set(exc.value.message_dict) == {"department", "owner"} and "第八条" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(decision=decision, actor=qc, department=bodies.dept("H001", "CARD"),
                                    owner=personas["head_cardiology"], title="事项", due_on=dt.date(2026, 8, 4))
    assert "不能早于会议日期（2026-08-05）" in exc.value.message_dict["due_on"][0]
    with pytest.raises(ValidationError) as exc:
        services.action_item_create(decision=decision, actor=qc, department=bodies.dept("H002", "NK"),
                                    owner=personas["qc_office_h002"], title="事项", due_on=dt.date(2026, 9, 1))
    assert set(exc.value.message_dict) == {"department", "owner"}
    assert not ActionItem.objects.exists() and not Deadline.objects.exists()
    # the meeting day itself is allowed
    services.action_item_create(decision=decision, actor=qc, department=bodies.dept("H001", "CARD"),
                                owner=personas["head_cardiology"], title="事项", due_on=dt.date(2026, 8, 5))


def test_it_runs_an_action_item_from_open_to_verified_with_its_deadline(committee, make_meeting, add_item, personas):
    meeting = make_meeting(committee, at(2026, 8, 5))
    item = add_item(meeting, dt.date(2026, 9, 30))
    deadline = Deadline.objects.get(rule="action_item.due", object_id=item.pk)
    assert deadline.due_on == dt.date(2026, 9, 30) and deadline.responsible.username == "head_cardiology"
    assert deadline.department.code == "CARD" and deadline.done_at is None
    with pytest.raises(ValidationError):
        services.action_item_mark_done(item=item, actor=personas["head_cardiology"], evidence_text="")
    with pytest.raises(PermissionDenied):
        services.action_item_mark_done(item=item, actor=personas["staff_nurse"], evidence_text="做了")
    services.action_item_mark_done(item=item, actor=personas["head_cardiology"], evidence_text="已整改")
    deadline.refresh_from_db()
    assert deadline.done_at is not None
    with pytest.raises(PermissionDenied):
        services.action_item_verify(item=item, actor=personas["head_cardiology"])  # not one's own
    services.action_item_return(item=item, actor=personas["qc_office"], reason="缺少检查记录")
    deadline.refresh_from_db()
    assert deadline.done_at is None  # open again
    services.action_item_mark_done(item=item, actor=personas["head_cardiology"], evidence_text="补充检查记录")
    services.action_item_verify(item=item, actor=personas["qc_office"], note="属实")
    item.refresh_from_db()
    assert item.status == "verified" and item.verified_by.username == "qc_office"
    steps = list(Transition.objects.filter(object_id=item.pk, content_type__model="actionitem").values_list("to_status", flat=True))
    assert steps == ["open", "done", "open", "done", "verified"]


def test_it_refuses_attendance_for_someone_who_is_not_a_member(committee, personas):
    meeting = services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2026, 8, 5), place="会议室")
    with pytest.raises(ValidationError):
        services.attendance_record(meeting=meeting, actor=personas["qc_office"],
                                   entries=[{"user": personas["qc_office_h002"].pk, "status": "present"}])
    with pytest.raises(ValidationError) as exc:
        row = meeting.attendance.first()
        services.attendance_record(meeting=meeting, actor=personas["qc_office"], entries=[{"user": row.user_id, "status": "proxy"}])
    assert "受托人" in str(exc.value)
    assert not Attendance.objects.filter(meeting=meeting).exclude(status="absent").exists()


def test_it_does_not_hold_a_meeting_in_the_future(committee, personas):
    meeting = services.meeting_plan(body=committee, actor=personas["qc_office"], starts_at=at(2099, 1, 5), place="会议室")
    with pytest.raises(ValidationError):
        services.meeting_hold(meeting=meeting, actor=personas["qc_office"])


def test_it_renders_the_minutes_pdf_with_attendance_quorum_agenda_decisions_and_items(committee, make_meeting, add_item, personas, tmp_path):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing")
    meeting = make_meeting(committee, at(2026, 8, 5), present=15)
    item = meeting.agenda_items.create(title="上月医疗质量安全指标通报", order=1)
    services.minutes_record(meeting=meeting, actor=personas["qc_office"], minutes={item.pk: "质控办通报非计划重返手术室再手术率。"})
    add_item(meeting, dt.date(2026, 9, 30), title="住院病历24小时内完成率提升")
    mv = services.meeting_approve(meeting=meeting, actor=personas["principal"])
    out = tmp_path / "m.pdf"
    out.write_bytes(mv.pdf.read())
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    for needle in ("医疗质量管理委员会2026年8月月度例会", "月度例会", "第 1 版", "应到成员 20 人，出席 15 人", "已达到法定人数",
                   "上月医疗质量安全指标通报", "质控办通报非计划重返手术室再手术率", "决议 1：会议决议",
                   "住院病历24小时内完成率提升", "心血管内科", "张明", "2026-09-30", "李建国"):
        assert needle in text, needle
