"""Notices at the moment they matter (issue 14): sent by the service at once, exactly once, inbox and e-mail."""
from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from adverse_events import services as events
from adverse_events.models import EventType
from committees import services as committees
from committees.models import MeetingBody
from indicators import services as indicators
from indicators.services import add_months
from interviews.services import interview_trigger
from organizations.models import Department, Membership
from qms.notifications import moments
from qms.notifications.models import Notification, Outbox

pytestmark = pytest.mark.django_db


def _rows(rule, obj=None):
    qs = Notification.objects.filter(rule=rule)
    if obj is not None:
        qs = qs.filter(object_id=obj.pk)
    return qs


def _report(user, level, anonymous=False):
    now = timezone.now()
    return events.adverse_event_report(
        reporter=user, department=Department.objects.get(institution__code="H001", code="CARD"),
        occurred_at=now - dt.timedelta(hours=3), discovered_at=now - dt.timedelta(hours=2),
        event_type=EventType.objects.get(code="FALL"), severity_level=level, description="测试事件经过",
        anonymous=anonymous,
    )


def test_it_tells_the_organisers_officials_and_its_head_at_once_when_a_interview_is_triggered(demo, personas):
    h001 = demo.institutions["H001"]
    interview = interview_trigger(institution=h001, ground=3, trigger_date=timezone.localdate(),
                                  problems="问题", actor=personas["official_jn"])
    officials = set(Membership.objects.filter(authority=h001.authority, role="official", is_active=True)
                    .values_list("user_id", flat=True))
    heads = set(Membership.objects.filter(authority=h001.authority, role="official", is_active=True, is_leader=True)
                .values_list("user_id", flat=True))
    assert officials and heads
    assert set(_rows("interview.triggered", interview).values_list("recipient_id", flat=True)) == officials
    waiting = _rows("interview.awaiting_approval", interview)
    assert set(waiting.values_list("recipient_id", flat=True)) == heads
    assert "待您批准" in waiting.first().title and "第四十六条" in waiting.first().body
    before = Notification.objects.count()
    assert moments.interview_triggered(interview) == 0  # exactly once
    assert Notification.objects.count() == before
    with_mail = _rows("interview.triggered", interview).exclude(recipient__email="")
    assert Outbox.objects.filter(notification__in=with_mail).count() == with_mail.count()


def test_it_tells_the_quality_office_of_a_class_i_or_ii_event_and_not_of_a_class_iii(demo, personas):
    qc = personas["qc_office"]
    serious = _report(personas["staff_nurse"], "E")  # class II
    row = _rows("event.serious_reported", serious).get(recipient=qc)
    assert serious.number in row.title and row.stage == "info"
    sentinel = _report(personas["staff_nurse"], "I", anonymous=True)  # class I: urgent
    assert _rows("event.serious_reported", sentinel).get(recipient=qc).stage == "escalated"
    minor = _report(personas["staff_nurse"], "C")  # class III
    assert not _rows("event.serious_reported", minor).exists()


def test_it_tells_a_named_reporter_of_feedback_and_not_an_anonymous_one(demo, personas):
    qc, nurse = personas["qc_office"], personas["staff_nurse"]
    named = _report(nurse, "C")
    events.adverse_event_receive(event=named, actor=qc)
    events.adverse_event_classify(event=named, actor=qc, severity_level="C", reason="质控办复核定级")
    events.adverse_event_give_feedback(event=named, actor=qc, feedback="感谢上报")
    row = _rows("event.feedback", named).get()
    assert row.recipient_id == nurse.pk and "感谢上报" in row.body
    anonymous = _report(nurse, "C", anonymous=True)
    events.adverse_event_receive(event=anonymous, actor=qc)
    events.adverse_event_classify(event=anonymous, actor=qc, severity_level="C", reason="质控办复核定级")
    events.adverse_event_give_feedback(event=anonymous, actor=qc, feedback="感谢上报")
    assert not _rows("event.feedback", anonymous).exists()


def test_it_tells_the_chair_that_minutes_wait_and_the_owner_of_an_assigned_item(demo, personas):
    committees.body_ensure_for_institution(institution=demo.institutions["H001"], actor=personas["qc_office"])
    body = MeetingBody.objects.get(institution=demo.institutions["H001"], kind="committee")
    qc = personas["qc_office"]
    meeting = committees.meeting_plan(body=body, actor=qc, starts_at=timezone.now() - dt.timedelta(hours=1),
                                      place="第一会议室")
    committees.meeting_hold(meeting=meeting, actor=qc)
    row = _rows("minutes.awaiting_approval", meeting).get()
    assert row.recipient_id == demo.institutions["H001"].principal_id == personas["principal"].pk
    decision = committees.decision_add(meeting=meeting, actor=qc, text="会议决议")
    item = committees.action_item_create(decision=decision, actor=qc, department=demo.dept("H001", "CARD"),
                                         owner=personas["head_cardiology"], title="整改：病历",
                                         due_on=timezone.localdate() + dt.timedelta(days=20))
    assigned = _rows("action.assigned", item).get()
    assert assigned.recipient == personas["head_cardiology"] and "整改：病历" in assigned.title
    committees.action_item_update(item=item, actor=qc, title="整改：病历质量")
    assert _rows("action.assigned", item).count() == 1  # same owner: not told twice


def test_it_tells_the_department_head_when_the_monthly_report_is_returned(demo, personas):
    head, qc = personas["head_cardiology"], personas["qc_office"]
    report = indicators.monthly_report_open(department=demo.dept("H001", "CARD"),
                                            period=add_months(timezone.localdate().replace(day=1), -1))
    report = indicators.monthly_report_save(report=report, actor=head, values={}, self_check="自查",
                                            problems="问题", measures="措施")
    indicators.monthly_report_submit(report=report, actor=head)
    indicators.monthly_report_return(report=report, actor=qc, reason="措施缺少责任人")
    row = _rows("monthly_report.returned", report).get()
    assert row.recipient == head and "措施缺少责任人" in row.body


def test_it_shows_a_moment_in_the_readers_language(demo, personas):
    _report(personas["staff_nurse"], "E")
    client = Client()
    client.force_login(personas["qc_office"])
    english = client.get("/inbox/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Class II event" in english and "【" not in english
    assert "类事件" in client.get("/inbox/").content.decode()
