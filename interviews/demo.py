"""Demo 约谈: H001 by JN, in rectification with its plan; H002 by LX, notified and waiting. Idempotent."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from interviews import deadlines as dl
from interviews import services
from interviews.models import Interview

H001_PROBLEMS = (
    "心血管内科发生1例II类（H级）不良事件：经皮冠状动脉介入治疗术后抗凝药物剂量核对缺失，患者出现消化道大出血，"
    "需紧急输血治疗。反映出高警示药品双人核对制度、危急值报告制度落实不到位。"
)
H002_PROBLEMS = (
    "监督检查发现：急诊科抢救记录未在6小时内完成的比例达18%，病历质控员配备不足，"
    "医疗质量安全隐患整改台账未建立（第四十五条（四））。"
)


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def seed(ctx: Any) -> None:
    today = timezone.localdate()
    users = ctx.users
    h001, h002 = ctx.institutions["H001"], ctx.institutions["H002"]

    if not Interview.objects.filter(institution=h001, problems=H001_PROBLEMS).exists():
        trigger = today - dt.timedelta(days=42)
        iv = services.interview_trigger(institution=h001, ground=3, trigger_date=trigger, problems=H001_PROBLEMS,
                                        actor=users["official_jn2"])
        # Art. 46: approved by the commission's 负责人 (leader_jn); the division head official_jn leads it.
        services.interview_approve(interview=iv, actor=users["leader_jn"], approved_on=trigger + dt.timedelta(days=1))
        services.interview_investigate(
            interview=iv, actor=users["official_jn"], experts="省心血管病质控中心 陈教授、市药事质控中心 刘主任药师",
            findings="调阅病历及护理记录，抗凝药物医嘱由住院医师开具后未经双人核对即执行，危急值（血红蛋白62g/L）报告延迟2小时。",
            cause_analysis="高警示药品管理制度未细化到介入术后场景；夜班人力不足；危急值闭环信息系统缺失。",
            proposals="完善高警示药品双人核对流程；危急值系统闭环管理；开展全院专项培训。",
            investigated_on=trigger + dt.timedelta(days=3),
        )
        notified = trigger + dt.timedelta(days=7)
        held_on = dl.earliest_interview_date(notified).date + dt.timedelta(days=1)
        while held_on.weekday() >= 5:
            held_on += dt.timedelta(days=1)
        services.interview_notify(
            interview=iv, actor=users["official_jn"], notified_on=notified, scheduled_at=_at(held_on, 9, 30),
            location="济南市卫生健康委员会第三会议室", content="约谈II类不良事件暴露的高警示药品管理和危急值报告问题，请准备书面说明材料。",
        )
        services.interview_hold(
            interview=iv, actor=users["official_jn"], held_at=_at(held_on, 9, 30),
            interviewers=[{"name": "赵强", "title": "济南市卫生健康委医政医管处处长", "is_head": True},
                          {"name": "孙伟", "title": "济南市卫生健康委医政医管处科员", "is_head": False}],
            interviewees=[{"name": "李建国", "title": "院长", "is_principal": True},
                          {"name": "王志远", "title": "分管医疗副院长", "is_principal": True},
                          {"name": "张明", "title": "心血管内科主任", "is_principal": False}],
            record="医院对事件经过、调查处理情况作了如实陈述，承认制度落实存在漏洞。",
            record_reasons=H001_PROBLEMS,
            record_explanation="已对当事医师、护士停岗培训；已在心血管内科试行高警示药品双人核对签字。",
            record_requirements="一个月内完成高警示药品管理制度修订、危急值闭环信息化改造方案和全院培训，按期提交书面整改报告。",
            problem_scale="general", rectification_deadline=dl.rectification_limit(held_on, "general"),
            form_signed=True,
        )
        services.interview_plan(interview=iv, actor=users["qc_office"], measures=[
            {"measure": "修订《高警示药品管理制度》，增加介入术后抗凝药物双人核对", "department": ctx.dept("H001", "PHAR"),
             "responsible": "董丽华", "deadline": held_on + dt.timedelta(days=14)},
            {"measure": "危急值报告闭环信息化改造", "department": ctx.dept("H001", "XX"), "responsible": "郑晓东",
             "deadline": dl.rectification_limit(held_on, "general")},
            {"measure": "全院高警示药品及危急值制度专项培训与考核", "department": ctx.dept("H001", "YW"), "responsible": "马振华",
             "deadline": held_on + dt.timedelta(days=21)},
        ])
        ctx.log.append(f"interviews: H001 约谈 {iv.reference} (整改中)")

    if not Interview.objects.filter(institution=h002, problems=H002_PROBLEMS).exists():
        trigger = today - dt.timedelta(days=6)
        iv = services.interview_trigger(institution=h002, ground=4, trigger_date=trigger, problems=H002_PROBLEMS,
                                        actor=users["official_lx"])
        services.interview_approve(interview=iv, actor=users["official_lx"])
        notified = today
        scheduled = dl.earliest_interview_date(notified).date + dt.timedelta(days=2)
        scheduled = min(scheduled, iv.hold_by)
        services.interview_notify(
            interview=iv, actor=users["official_lx"], notified_on=notified, scheduled_at=_at(scheduled, 14, 30),
            location="历下区卫生健康局二楼会议室", content="约谈急诊病历书写及质控人员配备问题，请院长、分管副院长参加并提交书面说明。",
        )
        ctx.log.append(f"interviews: H002 约谈 {iv.reference} (已通知)")
    # Art. 51: every city authority owes its half-year report, with or without a 约谈 held.
    services.half_year_summaries_ensure(today=today)
