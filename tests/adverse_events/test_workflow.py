import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from adverse_events import services
from adverse_events.models import AdverseEvent
from organizations.models import Department
from qms.core.models import Deadline, Transition
from qms.core.selectors import history_for


def _received(report, personas, **kw):
    event = report(personas["staff_nurse"], **kw)
    return services.adverse_event_receive(event=event, actor=personas["qc_office"])


def test_it_keeps_the_old_classification_and_the_reason(report, personas):
    qc = personas["qc_office"]
    event = _received(report, personas, level="C")
    services.adverse_event_classify(event=event, actor=qc, severity_level="D", reason="质控办复核定级")
    with pytest.raises(ValidationError) as err:
        services.adverse_event_classify(event=event, actor=qc, severity_level="E")
    assert "原因" in str(err.value)
    services.adverse_event_classify(event=event, actor=qc, severity_level="E", reason="复核发现需处置")
    event.refresh_from_db()
    assert (event.severity_level, event.severity_class, event.reported_level) == ("E", "II", "C")
    last = history_for(event).last()
    assert last.reason == "复核发现需处置"
    assert last.data["old"]["level"] == "D" and last.data["new"]["class"] == "II"
    # now class II: the analysis deadline is open
    assert Deadline.objects.filter(object_id=event.pk, rule="event.analysis", done_at__isnull=True).exists()


def test_it_requires_analysis_for_class_i_and_ii_but_not_for_iii(report, personas):
    qc = personas["qc_office"]
    serious = _received(report, personas, level="F")
    services.adverse_event_classify(event=serious, actor=qc, severity_level="F", reason="质控办复核定级")
    with pytest.raises(ValidationError) as err:
        services.adverse_event_give_feedback(event=serious, actor=qc, feedback="已处理")
    assert "根因分析" in str(err.value)
    minor = _received(report, personas, level="C")
    services.adverse_event_classify(event=minor, actor=qc, severity_level="C", reason="质控办复核定级")
    services.adverse_event_give_feedback(event=minor, actor=qc, feedback="感谢上报")
    services.adverse_event_close(event=minor, actor=qc)
    assert AdverseEvent.objects.get(pk=minor.pk).status == "closed"


def test_it_refuses_an_analysis_without_root_causes(report, personas):
    qc = personas["qc_office"]
    event = _received(report, personas, level="F")
    services.adverse_event_classify(event=event, actor=qc, severity_level="F", reason="质控办复核定级")
    with pytest.raises(ValidationError) as err:
        services.adverse_event_analyse(event=event, actor=qc, method="bogus", contributing_factors="",
                                       root_causes="")
    assert set(err.value.message_dict) == {"method", "contributing_factors", "root_causes"}


def test_it_lets_a_department_head_analyse_but_not_classify(report, personas):
    event = _received(report, personas, level="F")
    with pytest.raises(PermissionDenied):
        services.adverse_event_classify(event=event, actor=personas["head_cardiology"], severity_level="F", reason="质控办复核定级")
    services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="F", reason="质控办复核定级")
    services.adverse_event_analyse(event=event, actor=personas["head_cardiology"], method="fishbone",
                                   contributing_factors="人员", root_causes="流程")
    assert AdverseEvent.objects.get(pk=event.pk).status == "analysed"


def test_it_withdraws_with_a_reason_and_never_deletes(report, personas):
    nurse = personas["staff_nurse"]
    event = report(nurse)
    with pytest.raises(ValidationError):
        services.adverse_event_withdraw(event=event, actor=nurse, reason=" ")
    services.adverse_event_withdraw(event=event, actor=nurse, reason="误报")
    event.refresh_from_db()
    assert event.status == "withdrawn" and event.withdrawn_reason == "误报"
    assert not Deadline.objects.filter(object_id=event.pk, rule="event.receive", done_at__isnull=True).exists()
    # a received event can no longer be withdrawn by the reporter, only by the quality office
    other = _received(report, personas)
    with pytest.raises(PermissionDenied):
        services.adverse_event_withdraw(event=other, actor=nurse, reason="误报")


def test_it_opens_the_authority_report_deadline_by_grade_and_records_the_report(report, personas):
    qc = personas["qc_office"]
    event = _received(report, personas, level="E")
    services.adverse_event_classify(event=event, actor=qc, severity_level="I", safety_grade="major", reason="质控办复核定级")
    event.refresh_from_db()
    assert event.authority_report_due_at == event.discovered_at + dt.timedelta(hours=12)
    deadline = Deadline.objects.get(object_id=event.pk, rule="event.report_authority")
    assert deadline.authority.code == "JN" and deadline.due_at == event.authority_report_due_at
    interview = event.interviews.get()
    assert interview.trigger_ground == 2  # 重大 → Art. 45 (二)
    services.adverse_event_classify(event=event, actor=qc, severity_level="I", safety_grade="severe",
                                    reason="第三名患者死亡")
    event.refresh_from_db()
    assert event.authority_report_due_at == event.discovered_at + dt.timedelta(hours=2)
    assert event.interviews.count() == 1
    at = timezone.now()
    services.adverse_event_report_to_authority(event=event, actor=qc, reported_at=at, note="电话+书面")
    event.refresh_from_db()
    assert event.authority_reported_at == at
    assert Deadline.objects.get(object_id=event.pk, rule="event.report_authority").done_at is not None


def test_it_uses_fifteen_days_for_a_general_safety_event(report, personas):
    qc = personas["qc_office"]
    event = _received(report, personas, level="E")
    services.adverse_event_classify(event=event, actor=qc, severity_level="E", safety_grade="general", reason="质控办复核定级")
    event.refresh_from_db()
    # the 15th calendar day after discovery, to its end (Asia/Shanghai): not 15 × 24 hours
    due = timezone.localtime(event.authority_report_due_at)
    assert due.date() == timezone.localtime(event.discovered_at).date() + dt.timedelta(days=15)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)
    assert not event.interviews.exists()  # 一般 and level E: no 约谈 trigger


def test_it_closes_only_when_every_action_is_verified(report, personas):
    qc, head = personas["qc_office"], personas["head_cardiology"]
    event = _received(report, personas, level="C")
    services.adverse_event_classify(event=event, actor=qc, severity_level="C", reason="质控办复核定级")
    services.adverse_event_give_feedback(event=event, actor=qc, feedback="谢谢")
    dept = Department.objects.get(institution__code="H001", code="CARD")
    other = Department.objects.get(institution__code="H002", code="NK")
    with pytest.raises(ValidationError) as err:
        services.action_add(event=event, actor=qc, description="x", owner_department=other, owner=head,
                            due_on=timezone.localdate())
    assert "owner_department" in err.value.message_dict
    a1 = services.action_add(event=event, actor=qc, description="培训", owner_department=dept, owner=head,
                             due_on=timezone.localdate() + dt.timedelta(days=5))
    a2 = services.action_add(event=event, actor=qc, description="改流程", owner_department=dept, owner=head,
                             due_on=timezone.localdate() + dt.timedelta(days=5))
    assert Deadline.objects.filter(rule="event.action_due", done_at__isnull=True).count() == 2
    services.adverse_event_start_improvement(event=event, actor=qc)
    services.action_update(action=a1, actor=head, status="done", note="完成")
    services.action_verify(action=a1, actor=qc, verification="合格")
    with pytest.raises(ValidationError):
        services.adverse_event_close(event=event, actor=qc)
    services.action_update(action=a2, actor=head, status="cancelled", note="与措施一合并")
    services.adverse_event_close(event=event, actor=qc, summary="结案")
    assert AdverseEvent.objects.get(pk=event.pk).status == "closed"
    statuses = [t.to_status for t in history_for(event) if t.to_status != t.from_status]
    assert statuses == ["submitted", "received", "classified", "feedback_given", "improving", "closed"]
    assert Transition.objects.filter(object_id=a1.pk, to_status="verified").exists()


def test_it_opens_the_receive_deadline_and_closes_it_on_receipt(report, personas):
    event = report(personas["staff_nurse"])
    d = Deadline.objects.get(object_id=event.pk, rule="event.receive")
    assert d.done_at is None and d.due_on > timezone.localdate() - dt.timedelta(days=1)
    services.adverse_event_receive(event=event, actor=personas["qc_office"])
    d.refresh_from_db()
    assert d.done_at is not None


def test_it_refuses_a_step_out_of_order(report, personas):
    event = report(personas["staff_nurse"])
    with pytest.raises(ValidationError):
        services.adverse_event_close(event=event, actor=personas["qc_office"])
    with pytest.raises(ValidationError):
        services.adverse_event_analyse(event=event, actor=personas["qc_office"], method="rca",
                                       contributing_factors="a", root_causes="b")
