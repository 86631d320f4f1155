"""Statuses, codes and the numbers of 济南市市级医疗质量控制中心管理办法（试行） (seeds/003, "JN" below)."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

TERM_YEARS = 4  # JN Art. 19 (一) host term, (二) director term
MAX_HOST_TERMS = 2  # JN Art. 19 (一): after 2 terms the host is re-selected
DIRECTOR_MAX_AGE = 56  # JN Art. 6 (二): no older than 56 at the first appointment
DEPUTIES_MIN, DEPUTIES_MAX = 3, 5  # JN Art. 6
MEMBERS_MAX = 30  # JN Art. 6: 30 in all, director, deputies and secretary included
HOST_MAX = 4  # JN Art. 6: from the host one director, one deputy, one secretary, one member
REPLACE_MONTHS = 1  # JN Art. 19 (二): the host proposes a new director within 1 month
HANDOVER_MONTHS = 1  # JN Art. 21: files, network, platform and data handed over within 1 month
BAR_YEARS = 4  # JN Art. 19 (三): after a red card the host may not apply for this specialty for 4 years
VISITS_PER_YEAR = 1  # JN Art. 12: at least once a year
TRAININGS_PER_YEAR = 1  # JN Art. 13: at least one training a year


class Kind(models.TextChoices):
    CLINICAL = "clinical", _("临床类")
    MEDTECH = "medtech", _("医技类")
    MANAGEMENT = "management", _("管理类")


class Status(models.TextChoices):
    ACTIVE = "active", _("运行中")
    DISSOLVED = "dissolved", _("已解除挂靠")


class Card(models.TextChoices):
    NONE = "none", _("无")
    YELLOW = "yellow", _("黄牌警告")
    RED = "red", _("红牌处罚")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ACTIVE: frozenset({Status.DISSOLVED}),
    Status.DISSOLVED: frozenset(),
}


class Role(models.TextChoices):
    DIRECTOR = "director", _("主任")
    DEPUTY = "deputy", _("副主任")
    SECRETARY = "secretary", _("秘书")
    MEMBER = "member", _("委员")


class ExpertStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    LEFT = "left", _("不能继续履职")
    REMOVED = "removed", _("调出专家委员会")


EXPERT_TRANSITIONS: dict[str, frozenset[str]] = {
    ExpertStatus.ACTIVE: frozenset({ExpertStatus.LEFT, ExpertStatus.REMOVED}),
    ExpertStatus.LEFT: frozenset(),
    ExpertStatus.REMOVED: frozenset(),
}


class RemovalGround(models.TextChoices):
    ART18 = "art18", _("违反第十八条规定且情节严重")
    NO_WORK = "no_work", _("长期不承担质控中心安排的工作任务（第十八条）")


class Title(models.TextChoices):
    """Professional titles (staff.Title's codes)."""

    JUNIOR = "junior", _("初级")
    INTERMEDIATE = "intermediate", _("中级")
    ASSOCIATE_SENIOR = "associate_senior", _("副高")
    SENIOR = "senior", _("正高")


SENIOR_TITLES = frozenset({Title.ASSOCIATE_SENIOR, Title.SENIOR})  # JN Art. 6 (三): 副高级及以上


class Ground(models.TextChoices):
    """JN Art. 20: any one of these makes the year's assessment 不合格."""

    G1 = "1", _("（一）未按照质控工作计划按时完成工作任务")
    G2 = "2", _("（二）未向市卫生健康委按时报送年度质控报告")
    G3 = "3", _("（三）无正当理由不参加年度考核")
    G4 = "4", _("（四）挂靠单位所在专业发生重大医疗质量安全事件，造成严重后果")
    G5 = "5", _("（五）未落实数据资源安全责任制，造成严重后果")
    G6 = "6", _("（六）挂靠单位对质控中心开展工作支持保障不够")
    G7 = "7", _("（七）市卫生健康委规定的其他情形")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已申请")
    COUNTY_REVIEWED = "county_reviewed", _("区县已初审")
    APPROVED = "approved", _("已确定为挂靠单位")
    REJECTED = "rejected", _("未通过")


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationStatus.SUBMITTED: frozenset({ApplicationStatus.COUNTY_REVIEWED, ApplicationStatus.APPROVED,
                                            ApplicationStatus.REJECTED}),
    ApplicationStatus.COUNTY_REVIEWED: frozenset({ApplicationStatus.APPROVED, ApplicationStatus.REJECTED}),
    ApplicationStatus.APPROVED: frozenset(),
    ApplicationStatus.REJECTED: frozenset(),
}


class MaterialKind(models.TextChoices):
    """JN Art. 7 (一)–(四)."""

    LICENCE = "licence", _("（一）《医疗机构执业许可证》复印件及主委单位证明材料")
    FEASIBILITY = "feasibility", _("（二）可行性报告")
    SUPPORT = "support", _("（三）办公场所、设备、经费、人员、信息系统等支持保障情况")
    PLAN = "plan", _("（四）拟申请专业领域的质控工作思路与计划")


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("质控培训（第十三条）")
    COMMITTEE_MEETING = "committee_meeting", _("专家委员会质控会议（第十三条）")
    COUNTY_MEETING = "county_meeting", _("区县级质控中心负责人会议（第十三条）")
    OTHER = "other", _("其他重要活动")


class HandoverStatus(models.TextChoices):
    OPEN = "open", _("交接中")
    DONE = "done", _("已完成交接")


HANDOVER_TRANSITIONS: dict[str, frozenset[str]] = {
    HandoverStatus.OPEN: frozenset({HandoverStatus.DONE}),
    HandoverStatus.DONE: frozenset(),
}

# JN Art. 21: what the old host hands over.
HANDOVER_ITEMS = {
    "files": _("纸质和电子版资料"),
    "network": _("质控管理网络"),
    "platform": _("信息化平台及管理权限"),
    "data": _("质控数据"),
}

ACTIONS = {
    "qc_centre.created": _("设置质控中心，确定挂靠单位（第八条）"),
    "qc_centre.committee_published": _("公布专家委员会（第八条）"),
    "qc_centre.term_renewed": _("挂靠单位连任（第十九条（一））"),
    "qc_centre.dissolved": _("解除挂靠关系"),
    "qc_centre.assessed": _("年度考核（第十九条（三）、第二十条）"),
    "qc_centre.expert_added": _("专家委员会增加成员"),
    "qc_centre.expert_left": _("专家不能继续履职（第十九条（二））"),
    "qc_centre.expert_removed": _("调出专家委员会（第十八条）"),
    "qc_centre.application_submitted": _("提交挂靠单位申请（第五条）"),
    "qc_centre.application_county_reviewed": _("区县卫生健康局初审（第五条）"),
    "qc_centre.application_decided": _("综合评估（第八条）"),
    "qc_centre.handover_started": _("挂靠单位变更，开始交接（第二十一条）"),
    "qc_centre.handover_done": _("交接完成（第二十一条）"),
    "qc_centre.export_consented": _("同意向第三方提供数据（第十五条）"),
    "qc_centre.exported": _("导出质控数据（第十五条）"),
    "qc_centre.annual_report_submitted": _("报送年度工作总结和下年度工作计划（第十一条）"),
    "qc_centre.task_done": _("完成计划任务（第十一条）"),
    "qc_centre.activity_recorded": _("登记培训、会议或活动（第十一条、第十三条）"),
    "qc_centre.visit_recorded": _("出具质控报告（第十二条）"),
    "qc_centre.visit_replied": _("医疗机构书面报送整改情况（第十二条）"),
}
