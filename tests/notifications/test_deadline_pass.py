import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organizations.models import Membership
from qms.core.services import deadline_close
from qms.notifications import deadline_pass as pass_module
from qms.notifications.models import Notification, Outbox, PassRun
from qms.notifications.services import deadline_pass, hourly_pass
from tests.factories import UserFactory

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _to(rule: str, stage: str | None = None) -> set[str]:
    qs = Notification.objects.filter(rule=rule)
    if stage:
        qs = qs.filter(stage=stage)
    return set(qs.values_list("recipient__username", flat=True))


def test_it_reminds_the_head_of_a_report_due_soon_naming_rule_article_and_date(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline(
        "monthly_report.due", obj=card, label="心血管内科 2026年2月 月度质控报告", article="第三十条",
        due_on=dt.date(2026, 3, 11), department=card, responsible=card.head,
    )
    run = deadline_pass(today=TODAY)
    assert run.status == PassRun.Status.DONE
    assert _to("monthly_report.due") == {"head_cardiology"}
    note = Notification.objects.get(rule="monthly_report.due")
    assert note.stage == Notification.Stage.SOON
    assert "科室月度质量报告提交期限" in note.body  # the rule
    assert "第三十条" in note.body  # its article
    assert "2026年3月11日" in note.body  # the date
    assert note.title.startswith("【即将到期】")
    # the e-mail goes out after the pass, once
    assert [m.subject for m in mail.outbox] == [note.title]
    assert "2026年3月11日" in mail.outbox[0].body


def test_it_sends_nothing_twice_when_run_twice_the_same_day(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 5), department=card, responsible=card.head)
    open_deadline("interview.hold_by", obj=demo.institutions["H002"], due_on=dt.date(2026, 3, 10),
                  institution=demo.institutions["H002"], authority=demo.authorities["LX"])
    first = deadline_pass(today=TODAY)
    notes, emails = Notification.objects.count(), len(mail.outbox)
    assert first.notified == notes > 0 and emails > 0
    second = deadline_pass(today=TODAY)
    assert second.status == PassRun.Status.DONE
    assert second.found == first.found
    assert second.notified == 0 and second.emailed == 0
    assert Notification.objects.count() == notes
    assert len(mail.outbox) == emails
    assert Outbox.objects.count() == emails


def test_it_repeats_an_overdue_reminder_a_week_later_but_not_the_next_day(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=demo.users["staff_nurse"])
    deadline_pass(today=TODAY)
    assert Notification.objects.filter(rule="action_item.due", recipient__username="staff_nurse").count() == 1
    deadline_pass(today=TODAY + dt.timedelta(days=1))
    assert Notification.objects.filter(rule="action_item.due", recipient__username="staff_nurse").count() == 1
    deadline_pass(today=TODAY + dt.timedelta(days=7))
    assert Notification.objects.filter(rule="action_item.due", recipient__username="staff_nurse").count() == 2
    overdue = Notification.objects.filter(rule="action_item.due").first()
    assert "已逾期" in overdue.body


def test_it_escalates_an_unsubmitted_report_to_the_quality_office_then_the_committee_chair(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    deadline_pass(today=TODAY)  # 1 working day late
    assert _to("monthly_report.due", Notification.Stage.OVERDUE) == {"head_cardiology", "qc_office"}
    assert not _to("monthly_report.due", Notification.Stage.ESCALATED)
    deadline_pass(today=dt.date(2026, 3, 13))  # 5 working days late: the chair is told
    assert _to("monthly_report.due", Notification.Stage.ESCALATED) == {"principal"}
    esc = Notification.objects.get(stage=Notification.Stage.ESCALATED)
    assert "主任委员" in esc.body and "2026年3月6日" in esc.body and "第三十条" in esc.body
    deadline_pass(today=dt.date(2026, 3, 16))
    assert Notification.objects.filter(stage=Notification.Stage.ESCALATED).count() == 1


def test_it_escalates_an_interview_not_held_in_time_to_the_authority_above(demo, open_deadline):
    h002 = demo.institutions["H002"]
    open_deadline("interview.hold_by", obj=h002, label="组织约谈：济南市历下区人民医院", article="第四十五条",
                  due_on=dt.date(2026, 3, 6), institution=h002, authority=demo.authorities["LX"],
                  responsible=demo.users["official_lx"])
    deadline_pass(today=TODAY)
    # the organiser (LX) is reminded; JN, the level above, is told (Art. 52)
    assert _to("interview.hold_by", Notification.Stage.OVERDUE) == {"official_lx"}
    assert _to("interview.hold_by", Notification.Stage.ESCALATED) == {"leader_jn", "official_jn", "official_jn2"}  # leader_jn: the demo JN 负责人 (issue 12)
    esc = Notification.objects.filter(stage=Notification.Stage.ESCALATED).first()
    assert "第五十二条" in esc.body and "2026年3月6日" in esc.body and "上级卫生健康行政部门" in esc.body
    # nobody in the hospital is told that its regulator is late
    assert not Notification.objects.filter(recipient__username__in=["qc_office_h002", "h002_principal"]).exists()


def test_it_sends_an_overdue_rectification_report_to_the_organiser_and_later_above(demo, open_deadline):
    h001 = demo.institutions["H001"]
    sd_official = UserFactory(username="official_sd")
    Membership.objects.create(user=sd_official, role=Membership.Role.OFFICIAL, authority=demo.authorities["SD"])
    open_deadline("interview.report_due", obj=h001, article="第五十条", due_on=dt.date(2026, 3, 6),
                  institution=h001, authority=demo.authorities["JN"])
    deadline_pass(today=TODAY)
    assert _to("interview.report_due", Notification.Stage.OVERDUE) == {"principal", "qc_office", "leader_jn", "official_jn", "official_jn2"}
    assert not _to("interview.report_due", Notification.Stage.ESCALATED)
    deadline_pass(today=dt.date(2026, 3, 13))
    assert _to("interview.report_due", Notification.Stage.ESCALATED) == {"official_sd"}


def test_it_leaves_closed_and_distant_deadlines_alone(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date(2026, 4, 30), department=card, responsible=card.head)
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 2), department=card, responsible=card.head)
    deadline_close(obj=card, rule="monthly_report.due")
    run = deadline_pass(today=TODAY)
    assert run.found == 0 and not Notification.objects.exists()


def test_it_says_when_the_calendar_is_unconfirmed(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date(2026, 3, 10), confirmed=False, department=card,
                  responsible=card.head)
    deadline_pass(today=TODAY)
    assert "未确认" in Notification.objects.get().body


def test_it_checks_hour_scale_reports_hourly_and_not_daily(demo, open_deadline, aware):
    h001 = demo.institutions["H001"]
    now = aware(TODAY, 10)
    open_deadline("event.report_authority", obj=h001, label="向济南市卫生健康委员会报告重大医疗质量安全事件 AE-1",
                  article="卫医管发〔2011〕4号", due_at=aware(TODAY, 12), institution=h001, authority=demo.authorities["JN"])
    daily = deadline_pass(today=TODAY)
    assert daily.found == 0
    run = hourly_pass(now=now)
    assert run.kind == PassRun.Kind.HOURLY and run.found == 1
    assert _to("event.report_authority", Notification.Stage.SOON) == {"qc_office", "principal"}
    assert "2026年3月9日 12:00" in Notification.objects.first().body
    hourly_pass(now=aware(TODAY, 11))
    assert Notification.objects.count() == 2  # the next hour: nothing new
    hourly_pass(now=aware(TODAY, 13))
    assert _to("event.report_authority", Notification.Stage.OVERDUE) == {"qc_office", "principal"}
    assert "已逾期1小时" in Notification.objects.filter(stage="overdue").first().body


def test_it_sends_the_rest_on_the_next_run_after_failing_half_way(demo, open_deadline, monkeypatch):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    real = pass_module.build_notifications

    def broken(rule, *args, **kwargs):
        if rule == "monthly_report.due":
            raise RuntimeError("database went away")
        return real(rule, *args, **kwargs)

    monkeypatch.setattr(pass_module, "build_notifications", broken)
    with pytest.raises(RuntimeError):
        deadline_pass(today=TODAY)
    failed = PassRun.objects.get()
    assert failed.status == PassRun.Status.FAILED and "database went away" in failed.error
    assert failed.steps_done == 1
    assert set(Notification.objects.values_list("rule", flat=True)) == {"action_item.due"}
    first_count = Notification.objects.count()
    monkeypatch.setattr(pass_module, "build_notifications", real)
    rerun = deadline_pass(today=TODAY)
    assert rerun.status == PassRun.Status.DONE
    assert Notification.objects.filter(rule="action_item.due").count() == first_count  # nothing twice
    assert _to("monthly_report.due") == {"head_cardiology", "qc_office"}
    assert len(mail.outbox) == Notification.objects.count()


def test_it_reruns_the_same_run_record_when_a_worker_redelivers_it(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    run = PassRun.objects.create(today=TODAY)
    deadline_pass(run_id=run.pk)
    deadline_pass(run_id=run.pk)
    run.refresh_from_db()
    assert run.attempts == 2 and run.status == PassRun.Status.DONE
    assert Notification.objects.count() == 1


def _spread(demo, open_deadline, n: int) -> None:
    from organizations.models import Department

    depts = list(Department.objects.filter(institution__code__in=["H001", "H002"]).select_related("institution"))
    rules = ["monthly_report.due", "action_item.due", "interview.report_due", "event.analysis"]
    for i in range(n):
        dept = depts[i % len(depts)]
        # each object may carry one row per rule: use distinct users as the subjects
        subject = UserFactory()
        open_deadline(
            rules[i % len(rules)], obj=subject, due_on=TODAY + dt.timedelta(days=(i % 9) - 4),
            institution=dept.institution, department=dept, responsible=dept.head,
            authority=dept.institution.authority,
        )


def _queries_of_a_pass() -> int:
    with CaptureQueriesContext(connection) as ctx:
        deadline_pass(today=TODAY, kick=False)
    queries = [q["sql"] for q in ctx.captured_queries]
    if connection.vendor == "sqlite":
        # SQLite caps the variables of one statement, so Django splits a bulk INSERT into chunks there;
        # PostgreSQL takes it as one statement and every query is counted.
        queries = [q for q in queries if not q.lstrip().upper().startswith("INSERT")]
    return len(queries)


def test_it_uses_a_number_of_queries_that_does_not_grow_with_the_items(demo, open_deadline):
    _queries_of_a_pass()  # warm the per-year calendar cache, which is read once per process
    _spread(demo, open_deadline, 8)
    small = _queries_of_a_pass()
    Notification.objects.all().delete()
    _spread(demo, open_deadline, 80)
    large = _queries_of_a_pass()
    assert Notification.objects.count() > 80
    assert large == small
    assert small < 60


def test_it_reports_a_month_without_a_meeting_to_the_quality_office_and_chair(demo, monkeypatch):
    import sys
    import types

    card = demo.dept("H001", "CARD")
    body = card.quality_group  # stands in for the committees app's body: a model with a department_id

    def fake_grid(*, institution_id, year, month_from, month_to, today):
        if institution_id != demo.institutions["H001"].pk:
            return {"rows": []}
        return {"rows": [{"body_id": body.pk, "body": body, "name": "心血管内科质量管理小组",
                          "cells": [{"year": year, "month": month_from, "status": "missing", "held": 0}]}]}

    fake = types.ModuleType("committees.selectors")
    fake.compliance_grid = fake_grid
    monkeypatch.setitem(sys.modules, "committees.selectors", fake)
    run = deadline_pass(today=TODAY)
    assert run.counts["meeting.missing"]["found"] == 1
    assert _to("meeting.missing") == {"qc_office", "principal", "head_cardiology"}
    note = Notification.objects.filter(rule="meeting.missing").first()
    assert "2026年2月" in note.body and "第十二条" in note.body
    deadline_pass(today=TODAY + dt.timedelta(days=1))
    assert Notification.objects.filter(rule="meeting.missing").count() == 3


def test_it_still_runs_when_the_meeting_grid_is_broken(demo, open_deadline, monkeypatch):
    import sys
    import types

    def broken(**kwargs):
        raise TypeError("signature changed")

    fake = types.ModuleType("committees.selectors")
    fake.compliance_grid = broken
    monkeypatch.setitem(sys.modules, "committees.selectors", fake)
    card = demo.dept("H001", "CARD")
    open_deadline("action_item.due", obj=card, due_on=dt.date(2026, 3, 10), department=card, responsible=card.head)
    run = deadline_pass(today=TODAY)
    assert run.status == PassRun.Status.DONE and run.notified == 1


def test_it_tells_the_quality_office_when_nobody_is_named(demo, open_deadline):
    open_deadline("action_item.due", obj=demo.institutions["H001"], due_on=dt.date(2026, 3, 10))
    deadline_pass(today=TODAY)
    assert _to("action_item.due") == {"qc_office"}


def test_it_skips_inactive_users(demo, open_deadline):
    card = demo.dept("H001", "CARD")
    card.head.is_active = False
    card.head.save()
    open_deadline("monthly_report.due", obj=card, due_on=dt.date(2026, 3, 6), department=card, responsible=card.head)
    deadline_pass(today=TODAY)
    assert _to("monthly_report.due") == {"qc_office"}


def test_escalation_counts_working_days_over_a_holiday():
    # 2026-10-01..08 is the National Day holiday: due 30 Sep, five working days late is 13 Oct (9, 10 are make-up days? the calendar decides)
    limit = pass_module.escalation_limit(dt.date(2026, 10, 13), 5)
    from qms.workdays import workdays_between

    assert workdays_between(limit, dt.date(2026, 10, 13))[0] >= 5
    assert workdays_between(limit + dt.timedelta(days=1), dt.date(2026, 10, 13))[0] < 5
    assert pass_module.escalation_limit(dt.date(2026, 3, 9), 0) == dt.date(2026, 3, 8)



def test_an_internal_interview_overdue_stays_inside_the_hospital(demo, personas):
    """Issue 12 item 11 (Art. 53): reminders and escalation go to the quality office, principal, deputies."""
    from interviews import services as iv

    interview = iv.interview_trigger(institution=demo.institutions["H001"], ground=6, trigger_date=dt.date(2025, 9, 1),
                                     problems="p", actor=personas["qc_office"], internal=True)
    deadline_pass(today=dt.date(2025, 11, 20))
    told = set(Notification.objects.filter(object_id=interview.pk).values_list("recipient__username", flat=True))
    assert {"qc_office", "principal", "h001_deputy"} <= told
    assert not told & {"leader_jn", "official_jn", "official_jn2", "official_lx"}


def test_the_pass_reaches_the_apps_through_registries_not_imports():
    """Issue 15 item 6: qms/ imports no app; the apps register what the daily pass runs."""
    import ast
    from pathlib import Path

    from qms.extensions import MEETING_GAP_SOURCES, PERIODIC_DUTIES

    assert [f.__module__ for f in MEETING_GAP_SOURCES] == ["committees.apps"]
    assert [f.__name__ for f in PERIODIC_DUTIES] == ["half_year_summaries_ensure"]
    apps = {"adverse_events", "bulletins", "case_reviews", "committees", "credentialing", "indicators", "inspections",
            "interviews", "qc_centres", "rectifications", "safety_info", "staff"}
    root = Path(__file__).resolve().parents[2] / "qms"
    offenders = []
    for path in root.rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if rel.startswith(("settings/", "urls.py", "api_router.py")) or "/migrations/" in rel:
            continue  # the project's wiring lists the apps by design
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offenders += [f"{rel}: {n}" for n in names if n.split(".")[0] in apps]
    assert offenders == []
