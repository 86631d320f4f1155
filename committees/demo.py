"""Demo meetings: the last three months of H001's committee and departments, two of H002; one gap each.

Idempotent: a body that already has a meeting in a month gets no other one from here.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from committees import services
from committees.models import ActionItem, Attendance, Meeting, MeetingBody


def _month(today: dt.date, back: int) -> tuple[int, int]:
    y, m = today.year, today.month - back
    while m < 1:
        y, m = y - 1, m + 12
    return y, m


def _at(y: int, m: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime(y, m, day, hour, minute))


def _has_meeting(body: MeetingBody, y: int, m: int) -> bool:
    start = _at(y, m, 1, 0)
    end = _at(y + 1, 1, 1, 0) if m == 12 else _at(y, m + 1, 1, 0)
    return Meeting.objects.filter(body=body, starts_at__gte=start, starts_at__lt=end).exists()


def _attend(meeting: Meeting, actor: Any, absent_every: int = 7) -> None:
    rows = list(meeting.attendance.select_related("user").order_by("id"))
    entries = []
    for i, row in enumerate(rows):
        if i and i % absent_every == 0:
            entries.append({"user": row.user_id, "status": Attendance.Status.EXCUSED, "note": "外出会诊"})
        elif i and i % (absent_every + 4) == 0:
            entries.append({"user": row.user_id, "status": Attendance.Status.PROXY, "proxy_name": "科室副主任"})
        else:
            entries.append({"user": row.user_id, "status": Attendance.Status.PRESENT})
    services.attendance_record(meeting=meeting, actor=actor, entries=entries)


def _minutes(meeting: Meeting, actor: Any, texts: list[str]) -> None:
    items = list(meeting.agenda_items.order_by("order", "id"))
    minutes = {}
    for i, item in enumerate(items):
        if item.action_item is not None:
            minutes[item.pk] = f"责任科室汇报落实进展：{item.action_item.get_status_display()}。会议要求按期完成并提交佐证材料。"
        else:
            minutes[item.pk] = texts[i % len(texts)] if texts else ""
    services.minutes_record(meeting=meeting, actor=actor, minutes=minutes, summary="会议研究部署本月医疗质量安全工作。")


COMMITTEE_TOPICS = [
    ("上月医疗质量安全指标通报", "质控办通报上月核心指标：非计划重返手术室再手术率、住院患者手术后获得性指标、每百出院人次主动报告不良事件例次数。"),
    ("不良事件分析与反馈", "医务部通报上月Ⅱ类不良事件的根本原因分析结果，讨论系统性改进措施。"),
]
COMMITTEE_DECISIONS = {
    3: [
        ("完善危急值报告与处置登记，实现全院闭环管理", "CARD", "head_cardiology", 30, "verified"),
        ("降低普通外科非计划重返手术室再手术率，开展术前讨论专项检查", "GS", "gs_head", 40, "open"),
    ],
    2: [("住院病历24小时内完成率提升至95%以上", "CARD", "head_cardiology", 35, "done")],
    1: [
        ("抗菌药物使用强度下降专项整治，每月点评处方", "PHAR", "phar_head", 60, "open"),
        ("手卫生依从性督查，重点科室每周抽查", "GR", "gr_head", 10, "open"),
    ],
}
DEPT_TOPICS = [
    ("本科室上月质量指标自查", "科室质控员汇报病历质量、院感和医疗安全自查结果。"),
    ("核心制度落实情况", "讨论三级查房、疑难病例讨论制度落实中的问题。"),
]


def _committee_meeting(body: MeetingBody, y: int, m: int, back: int, ctx: Any, approve: bool) -> None:
    qc = ctx.users["qc_office"] if body.institution.code == "H001" else ctx.users["qc_office_h002"]
    principal = body.institution.principal
    meeting = services.meeting_plan(
        body=body, actor=qc, starts_at=_at(y, m, 10, 14, 30), place="行政楼三楼第一会议室", chair=principal,
        sources=False,
    )
    for title, detail in COMMITTEE_TOPICS:
        services.agenda_item_add(meeting=meeting, actor=qc, title=title, detail=detail)
    _attend(meeting, qc)
    _minutes(meeting, qc, [
        "与会委员逐项审阅指标，对未达标项要求责任科室分析原因。",
        "讨论认为需加强术前评估与交接班管理，形成决议如下。",
    ])
    services.meeting_hold(meeting=meeting, actor=qc)
    for text, dept_code, owner, days, final in COMMITTEE_DECISIONS.get(back, []):
        decision = services.decision_add(meeting=meeting, actor=qc, text=text)
        dept = ctx.dept(body.institution.code, dept_code)
        item = services.action_item_create(
            decision=decision, actor=qc, department=dept, owner=ctx.users.get(owner) or dept.head,
            title=text, due_on=meeting.local_date + dt.timedelta(days=days),
        )
        _finish(item, final, qc, meeting.local_date + dt.timedelta(days=days - 5))
    if approve:
        services.meeting_approve(meeting=meeting, actor=principal)


def _finish(item: ActionItem, final: str, qc: Any, when: dt.date) -> None:
    if final == "open":
        return
    services.action_item_mark_done(item=item, actor=item.owner, evidence_text="已制定整改方案并落实，附检查记录。")
    at = timezone.make_aware(dt.datetime.combine(min(when, timezone.localdate()), dt.time(16, 0)))
    ActionItem.objects.filter(pk=item.pk).update(done_at=at)
    if final == "verified":
        services.action_item_verify(item=item, actor=qc, note="现场抽查属实。")
        ActionItem.objects.filter(pk=item.pk).update(verified_at=at + dt.timedelta(days=3))


def _department_meeting(body: MeetingBody, y: int, m: int, ctx: Any) -> None:
    assert body.department is not None  # a department's body
    head = body.department.head
    qc = ctx.users["qc_office"] if body.institution.code == "H001" else ctx.users["qc_office_h002"]
    meeting = services.meeting_plan(
        body=body, actor=qc, starts_at=_at(y, m, 20, 16), place=f"{body.department.name}示教室", chair=head,
        sources=False,
    )
    for title, detail in DEPT_TOPICS:
        services.agenda_item_add(meeting=meeting, actor=qc, title=title, detail=detail)
    _attend(meeting, qc, absent_every=3)
    _minutes(meeting, qc, ["逐项核对自查结果，对发现的问题明确整改人。", "全科人员学习相关制度。"])
    services.meeting_hold(meeting=meeting, actor=qc)


def seed(ctx: Any) -> None:
    today = timezone.localdate()
    created = 0
    for code, months, approve_back in (("H001", 3, {3, 2, 1}), ("H002", 2, {2})):
        inst = ctx.institutions[code]
        y0, m0 = _month(today, months)
        bodies = services.body_ensure_for_institution(institution=inst, active_from=dt.date(y0, m0, 1))
        committee = next(b for b in bodies if b.is_committee)
        for back in range(months, 0, -1):
            y, m = _month(today, back)
            if not _has_meeting(committee, y, m):
                _committee_meeting(committee, y, m, back if code == "H001" else 0, ctx, approve=back in approve_back)
                created += 1
            for body in bodies:
                if body.is_committee or body.department is None or body.department.head_id is None:
                    continue
                # The demo's gap (Art. 12 ¶2): cardiology skipped its meeting two months ago, H002's
                # emergency department last month.
                if (code, body.department.code, back) in {("H001", "CARD", 2), ("H002", "JZ", 1)}:
                    continue
                if not _has_meeting(body, y, m):
                    _department_meeting(body, y, m, ctx)
                    created += 1
    ctx.log.append(f"committees: {created} meetings")

