"""Interviews at a given step, built through the services (issue 12 tests)."""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from interviews import services

D = dt.date.fromisoformat
INTERVIEWERS = [{"name": "赵强", "title": "医政医管处处长", "is_head": True}, {"name": "孙伟", "title": "科员"}]
INTERVIEWEES = [{"name": "李建国", "title": "院长", "is_principal": True}, {"name": "张明", "title": "心内科主任"}]


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def triggered(demo, personas, trigger="2025-09-01", **kw):
    return services.interview_trigger(institution=demo.institutions[kw.pop("institution", "H001")], ground=4,
                                      trigger_date=D(trigger), problems="存在严重医疗质量安全隐患",
                                      actor=personas["official_jn"], **kw)


def approved(demo, personas, trigger="2025-09-01", approved_on=None, **kw):
    i = triggered(demo, personas, trigger, **kw)
    return services.interview_approve(interview=i, actor=personas["leader_jn"],
                                      approved_on=D(approved_on) if approved_on else D(trigger))


def notified(demo, personas, trigger="2025-09-01", notified_on="2025-09-10", scheduled="2025-09-16", **kw):
    i = approved(demo, personas, trigger, **kw)
    return services.interview_notify(interview=i, actor=personas["official_jn"], notified_on=D(notified_on),
                                     scheduled_at=at(D(scheduled)), location="市卫健委会议室", content="约谈内容")


def held(demo, personas, trigger="2025-09-01", notified_on="2025-09-10", held_on="2025-09-16",
         deadline="2025-10-16", **kw):
    form = {k: kw.pop(k) for k in ("form_signed", "form_unsigned_reason", "record", "record_explanation") if k in kw}
    form.setdefault("form_signed", True)
    form.setdefault("record", "医院如实陈述事件经过")
    i = notified(demo, personas, trigger, notified_on, held_on, **kw)
    return services.interview_hold(interview=i, actor=personas["official_jn"], held_at=at(D(held_on)),
                                   interviewers=INTERVIEWERS, interviewees=INTERVIEWEES, problem_scale="general",
                                   rectification_deadline=D(deadline), **form)
