"""Issue 12 items 5, 12, 16: the 15-day report, reconciliation of a trigger raised on the reporter's guess,
and the reason every change of level needs."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from adverse_events import services
from interviews import services as interview_services
from qms.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _received(report, personas, **kw):
    return services.adverse_event_receive(event=report(personas["staff_nurse"], **kw), actor=personas["qc_office"])


def test_the_15_day_report_ends_at_the_end_of_the_15th_calendar_day(report, personas):
    event = _received(report, personas, level="E")
    services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="E", safety_grade="general")
    event.refresh_from_db()
    due = timezone.localtime(event.authority_report_due_at)
    discovered = timezone.localtime(event.discovered_at).date()
    assert due.date() == discovered + dt.timedelta(days=15)
    assert (due.hour, due.minute, due.second) == (23, 59, 59)


def test_the_12_hour_limit_stays_hour_exact(report, personas):
    event = _received(report, personas, level="E")
    services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="E", safety_grade="major")
    event.refresh_from_db()
    assert event.authority_report_due_at == event.discovered_at + dt.timedelta(hours=12)


def test_changing_the_reporters_level_needs_a_reason_also_from_e_to_g(report, personas):
    event = _received(report, personas, level="E")
    with pytest.raises(ValidationError) as err:
        services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="G")
    assert "第三十九条" in str(err.value) and "E 级" in str(err.value)
    services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="G", reason="复核为G级")
    event.refresh_from_db()
    interview = event.interviews.get()
    assert "分类定级为 II 类 G 级" in interview.trigger_basis and not interview.trigger_provisional


def test_a_trigger_on_the_reporters_guess_is_reconciled_when_classified_below_g(report, personas):
    event = _received(report, personas, level="G")
    interview = event.interviews.get()
    assert interview.trigger_provisional and "上报人初判 G 级" in interview.trigger_basis
    services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="E", reason="复核为E级")
    interview.refresh_from_db()
    assert interview.reconcile_required and "II 类 G 级" not in interview.problems
    assert Notification.objects.filter(rule="interview.event_downgraded", recipient=personas["leader_jn"]).exists()
    with pytest.raises(ValidationError):  # the authority decides first
        interview_services.interview_approve(interview=interview, actor=personas["leader_jn"])
    with pytest.raises(ValidationError):
        interview_services.interview_reconcile(interview=interview, actor=personas["official_jn"], keep=True, reason="")
    interview_services.interview_reconcile(interview=interview, actor=personas["official_jn"], keep=True,
                                           reason="同类隐患多发，仍属第四十五条（四）")
    interview.refresh_from_db()
    assert interview.reconcile_decision == "kept"
    interview_services.interview_approve(interview=interview, actor=personas["leader_jn"])


def test_a_confirmed_classification_restarts_the_hold_by_from_its_date(report, personas):
    from interviews.models import Interview

    event = _received(report, personas, level="G")
    interview = event.interviews.get()
    earlier = timezone.localdate() - dt.timedelta(days=5)
    Interview.objects.filter(pk=interview.pk).update(trigger_date=earlier)  # as if reported five days ago
    services.adverse_event_classify(event=event, actor=personas["qc_office"], severity_level="G")
    interview.refresh_from_db()
    assert interview.trigger_date == timezone.localdate() and "分类定级" in interview.trigger_basis
