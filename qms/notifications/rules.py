"""Who is told about which deadline, and when it escalates: the only per-app knowledge of the deadline pass.

A Deadline row carries institution / department / authority / responsible; a recipient kind names which
people of that row's places are told. Stages: "soon" (due within QMS_DUE_SOON_WORKDAYS working days, or
QMS_DUE_SOON_HOURS for the hour-scale reports), "overdue" (repeated every QMS_OVERDUE_REPEAT_DAYS), and
"escalated" (once, after escalate_after working days overdue).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

RESPONSIBLE = "responsible"  # Deadline.responsible
DEPARTMENT_HEAD = "department_head"  # Department.head (Art. 8: first responsible person of the department)
QUALITY_OFFICE = "quality_office"  # Membership role quality_office of the hospital
PRINCIPAL = "principal"  # Institution.principal (Art. 49: first responsible person of rectification)
DEPUTIES = "deputies"  # the hospital's deputies in charge (分管负责人: Membership role deputy)
COMMITTEE_CHAIR = "committee_chair"  # QualityCommittee.chair
OFFICIALS = "officials"  # officials of the organising authority (the deadline's, else the hospital's registering one)
PARENT_OFFICIALS = "parent_officials"  # officials of the authority above it (Art. 52)


@dataclass(frozen=True)
class RuleSpec:
    name: str
    article: str
    remind: tuple[str, ...]
    overdue: tuple[str, ...]
    escalate: tuple[str, ...] = ()
    # working days overdue before escalating; None reads settings.QMS_ESCALATE_AFTER_WORKDAYS
    escalate_after: int | None = None
    escalate_article: str = ""
    escalate_text: str = ""


_ART52 = "第五十二条"

RULES: dict[str, RuleSpec] = {
    # 约谈 (Art. 45–52). The organiser is the authority; a step overdue goes to its officials.
    "interview.hold_by": RuleSpec(
        "约谈组织期限（30个工作日）", "第四十五条",
        remind=(RESPONSIBLE, OFFICIALS), overdue=(RESPONSIBLE, OFFICIALS),
        escalate=(PARENT_OFFICIALS,), escalate_after=0, escalate_article=_ART52,
        escalate_text="负责约谈的卫生健康行政部门未按规范及时组织约谈，由上级卫生健康行政部门责令其限期改正",
    ),
    "interview.notice": RuleSpec(
        "约谈通知送达期限（提前3个工作日）", "第四十六条（二）",
        remind=(RESPONSIBLE, OFFICIALS), overdue=(RESPONSIBLE, OFFICIALS),
    ),
    "interview.rectification": RuleSpec(
        "约谈整改期限", "第四十七条（四）、第四十九条",
        remind=(RESPONSIBLE, PRINCIPAL, QUALITY_OFFICE), overdue=(RESPONSIBLE, PRINCIPAL, QUALITY_OFFICE, OFFICIALS),
    ),
    "interview.report_due": RuleSpec(
        "书面整改报告提交期限（整改期满后5个工作日）", "第五十条",
        remind=(RESPONSIBLE, PRINCIPAL, QUALITY_OFFICE), overdue=(RESPONSIBLE, PRINCIPAL, QUALITY_OFFICE, OFFICIALS),
        escalate=(PARENT_OFFICIALS,), escalate_article=_ART52,
        escalate_text="整改报告逾期未交，负责约谈的卫生健康行政部门未督促整改，由上级卫生健康行政部门责令其限期改正",
    ),
    "interview.upward_report": RuleSpec(
        "约谈情况报市级期限（10个工作日）", "第五十一条",
        remind=(RESPONSIBLE, OFFICIALS), overdue=(RESPONSIBLE, OFFICIALS, PARENT_OFFICIALS),
    ),
    "interview.half_year_summary": RuleSpec(
        "约谈工作半年报省期限（6月底、12月底）", "第五十一条",
        remind=(RESPONSIBLE, OFFICIALS), overdue=(RESPONSIBLE, OFFICIALS, PARENT_OFFICIALS),
    ),
    # Adverse events (Art. 38–39, SPEC §4).
    "event.report_internal": RuleSpec(
        "不良事件院内报告时限", "院内制度（规范第三十八条）",
        remind=(RESPONSIBLE, DEPARTMENT_HEAD), overdue=(RESPONSIBLE, DEPARTMENT_HEAD, QUALITY_OFFICE),
    ),
    "event.analysis": RuleSpec(
        "不良事件分析期限", "第三十九条",
        remind=(RESPONSIBLE, QUALITY_OFFICE), overdue=(RESPONSIBLE, QUALITY_OFFICE, DEPARTMENT_HEAD),
    ),
    "event.report_authority": RuleSpec(
        "医疗质量安全事件向卫生健康行政部门报告时限", "卫医管发〔2011〕4号",
        remind=(RESPONSIBLE, QUALITY_OFFICE, PRINCIPAL), overdue=(RESPONSIBLE, QUALITY_OFFICE, PRINCIPAL),
    ),
    "event.action_due": RuleSpec(
        "不良事件改进措施期限", "第三十九条",
        remind=(RESPONSIBLE,), overdue=(RESPONSIBLE, DEPARTMENT_HEAD, QUALITY_OFFICE),
    ),
    # Meetings (Art. 12) and monthly reports (Art. 30, 34).
    "action_item.due": RuleSpec(
        "会议决定事项完成期限", "第十二条",
        remind=(RESPONSIBLE,), overdue=(RESPONSIBLE, DEPARTMENT_HEAD),
    ),
    "monthly_report.due": RuleSpec(
        "科室月度质量报告提交期限", "第三十条",
        remind=(RESPONSIBLE, DEPARTMENT_HEAD), overdue=(RESPONSIBLE, DEPARTMENT_HEAD, QUALITY_OFFICE),
        escalate=(COMMITTEE_CHAIR,),
        escalate_text="科室月度质量报告逾期仍未提交，报医疗质量管理委员会主任委员",
    ),
    "meeting.missing": RuleSpec(
        "每月质量管理会议", "第十二条",
        remind=(QUALITY_OFFICE, COMMITTEE_CHAIR), overdue=(QUALITY_OFFICE, COMMITTEE_CHAIR),
    ),
}

# Art. 53: a hospital's internal 约谈 stays inside the hospital: its reminders and escalation go to the quality
# office, the principal and the deputies in charge, never to a health commission (no OFFICIALS here).
_INTERNAL = (RESPONSIBLE, QUALITY_OFFICE, PRINCIPAL, DEPUTIES)
RULES.update({
    "interview.internal.hold_by": RuleSpec(
        "院内约谈组织期限（30个工作日）", "第五十三条、第四十五条", remind=_INTERNAL, overdue=_INTERNAL,
        escalate=(PRINCIPAL, DEPUTIES), escalate_after=0, escalate_article="第五十三条",
        escalate_text="院内约谈未按规定及时组织，报医疗机构主要负责人、分管负责人",
    ),
    "interview.internal.rectification": RuleSpec(
        "院内约谈整改期限", "第五十三条、第四十七条（四）", remind=_INTERNAL, overdue=_INTERNAL,
    ),
    "interview.internal.report_due": RuleSpec(
        "院内约谈书面整改报告期限", "第五十三条、第五十条", remind=_INTERNAL, overdue=_INTERNAL,
        escalate=(PRINCIPAL, DEPUTIES), escalate_article="第五十三条",
        escalate_text="院内约谈整改报告逾期未交，报医疗机构主要负责人、分管负责人",
    ),
})

RULES["event.receive"] = RuleSpec(
    "不良事件受理期限", "第三十九条",
    remind=(RESPONSIBLE, QUALITY_OFFICE), overdue=(RESPONSIBLE, QUALITY_OFFICE),
)


class UnknownRule(KeyError):
    """A deadline opened under a name no app registered: a programming error, caught at once."""


def register_rules(rules: dict[str, RuleSpec]) -> None:
    """An app adds the rules its services open deadlines under (from its AppConfig.ready()).

    One name per rule: registering a name twice with another spec is a programming error.
    """
    for name, spec in rules.items():
        if name in RULES and RULES[name] != spec:
            raise ValueError(f"deadline rule {name!r} is registered twice with different specs")
        RULES[name] = spec


def rule_spec(rule: str) -> RuleSpec:
    try:
        return RULES[rule]
    except KeyError:
        raise UnknownRule(rule) from None


def escalate_after(spec: RuleSpec) -> int:
    if spec.escalate_after is not None:
        return spec.escalate_after
    return int(getattr(settings, "QMS_ESCALATE_AFTER_WORKDAYS", 5))
