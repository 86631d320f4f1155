import datetime as dt

from django.utils import timezone

from adverse_events import services
from adverse_events.models import AdverseEvent
from adverse_events.selectors import agenda_events, count_reports, monthly_statistics


def test_it_counts_reports_in_shanghai_days_without_withdrawn(report, personas, django_assert_num_queries):
    nurse = personas["staff_nurse"]
    a, b, c = report(nurse), report(nurse, department="GS"), report(nurse)
    services.adverse_event_withdraw(event=c, actor=personas["qc_office"], reason="误报")
    # 2026-03-31 16:30 UTC is 1 April 00:30 in Shanghai
    AdverseEvent.objects.filter(pk=a.pk).update(reported_at=dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC))
    AdverseEvent.objects.filter(pk=b.pk).update(reported_at=dt.datetime(2026, 3, 31, 15, 30, tzinfo=dt.UTC))
    AdverseEvent.objects.filter(pk=c.pk).update(reported_at=dt.datetime(2026, 4, 2, tzinfo=dt.UTC))
    h001 = a.institution_id
    with django_assert_num_queries(1):
        assert count_reports(institution_id=h001, start=dt.date(2026, 4, 1), end=dt.date(2026, 5, 1)) == 1
    assert count_reports(institution_id=h001, start=dt.date(2026, 3, 1), end=dt.date(2026, 4, 1)) == 1
    assert count_reports(institution_id=h001, start=dt.date(2026, 3, 1), end=dt.date(2026, 5, 1),
                         department_id=b.department_id) == 1


def test_it_gives_monthly_statistics_in_a_fixed_number_of_queries(report, personas, django_assert_num_queries):
    qc = personas["qc_office"]
    nurse = personas["staff_nurse"]
    closed = report(nurse, level="C")
    services.adverse_event_receive(event=closed, actor=qc)
    services.adverse_event_classify(event=closed, actor=qc, severity_level="C")
    services.adverse_event_give_feedback(event=closed, actor=qc, feedback="谢")
    services.adverse_event_close(event=closed, actor=qc)
    serious = report(nurse, level="F", department="GS", event_type="SURG")
    report(nurse, level="A")
    today = timezone.localdate()
    with django_assert_num_queries(1):
        stats = monthly_statistics(institution_id=closed.institution_id, year=today.year, month=today.month)
    assert stats["total"] == 3 and stats["closed"] == 1
    assert abs(stats["closed_loop_rate"] - 1 / 3) < 1e-9
    assert stats["by_class"] == {"I": 0, "II": 1, "III": 1, "IV": 1}
    assert {r["code"]: r["count"] for r in stats["by_department"]} == {"CARD": 2, "GS": 1}
    assert stats["serious"][0]["id"] == serious.pk and stats["serious"][0]["analysed"] is False
    empty = monthly_statistics(institution_id=closed.institution_id, year=2020, month=1)
    assert empty["total"] == 0 and empty["closed_loop_rate"] is None


def test_it_feeds_class_i_and_ii_events_to_the_meeting_agenda(report, personas):
    from qms.extensions import AGENDA_SOURCES

    assert agenda_events in AGENDA_SOURCES
    nurse = personas["staff_nurse"]
    serious = report(nurse, level="F")
    report(nurse, level="C")
    other_dept = report(nurse, level="I", department="GS")
    items = agenda_events(institution=serious.institution, department=None,
                          since=timezone.now() - dt.timedelta(days=1), until=timezone.localdate())
    assert {i["url"] for i in items} == {f"/events/{serious.pk}/", f"/events/{other_dept.pk}/"}
    only_card = agenda_events(institution=serious.institution, department=serious.department, since=None,
                              until=timezone.localdate())
    assert len(only_card) == 1 and "II 类" in only_card[0]["title"]
    assert agenda_events(institution=serious.institution, department=None,
                         since=timezone.now() + dt.timedelta(hours=1), until=timezone.localdate()) == []
