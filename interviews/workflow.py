"""The 约谈 workflow (Art. 45–50): statuses and the steps allowed between them."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    TRIGGERED = "triggered", _("已启动")
    APPROVED = "approved", _("已批准")
    NOTIFIED = "notified", _("已通知")
    HELD = "held", _("已约谈")
    RECTIFYING = "rectifying", _("整改中")
    REPORT_SUBMITTED = "report_submitted", _("已提交整改报告")
    CLOSED = "closed", _("已办结")
    CANCELLED = "cancelled", _("已撤销")


class Ground(models.IntegerChoices):
    """The six grounds of Art. 45."""

    ACCIDENT = 1, _("（一）发生一级负主要责任以上的医疗事故")
    MAJOR_EVENT = 2, _("（二）发生重特大医疗质量安全事件")
    CLASS_II_EVENT = 3, _("（三）发生II类（G、H级）及以上医疗质量（安全）不良事件")
    SERIOUS_PROBLEM = 4, _("（四）发现存在严重医疗质量安全问题或隐患")
    NOT_RECTIFIED = 5, _("（五）未按要求对质量安全问题或隐患进行整改")
    OTHER = 6, _("（六）其他认为需要进行约谈的情形")


class ProblemScale(models.TextChoices):
    GENERAL = "general", _("一般问题（整改期限不超过1个月）")
    MAJOR = "major", _("重大问题（整改期限不超过3个月）")


class Verification(models.TextChoices):
    NONE = "", _("—")
    VERIFIED = "verified", _("整改到位，予以确认")
    PRESSED = "pressed", _("整改不到位，督促改正")


# step -> (from statuses, to status)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({Status.TRIGGERED}), Status.APPROVED),
    # Art. 46 (一) begins 批准后: the experts investigate after approval, before the interview, never on a triggered case.
    "investigate": (frozenset({Status.APPROVED, Status.NOTIFIED}), ""),
    "notify": (frozenset({Status.APPROVED, Status.NOTIFIED}), Status.NOTIFIED),
    "explain": (frozenset({Status.NOTIFIED}), ""),
    "hold": (frozenset({Status.NOTIFIED}), Status.RECTIFYING),
    "plan": (frozenset({Status.RECTIFYING}), ""),
    "report": (frozenset({Status.RECTIFYING}), Status.REPORT_SUBMITTED),
    "verify": (frozenset({Status.REPORT_SUBMITTED}), Status.CLOSED),
    "press": (frozenset({Status.RECTIFYING, Status.REPORT_SUBMITTED}), Status.RECTIFYING),
    "upward_report": (frozenset({Status.RECTIFYING, Status.REPORT_SUBMITTED, Status.CLOSED}), ""),
    "circulate": (frozenset({Status.HELD, Status.RECTIFYING, Status.REPORT_SUBMITTED, Status.CLOSED}), ""),
    "cancel": (frozenset({Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED}), Status.CANCELLED),
}

OPEN_STATUSES = frozenset(
    {Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED, Status.HELD, Status.RECTIFYING, Status.REPORT_SUBMITTED}
)
BEFORE_HELD = frozenset({Status.TRIGGERED, Status.APPROVED, Status.NOTIFIED})


# The moves qms.core.workflow.transition() allows (STEPS above says which step may run in which status).
# The interview is held and rectification starts at once (Art. 49): notified → held → rectifying in one step;
# pressing to correct (Art. 50) keeps or returns the status to rectifying.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.TRIGGERED: frozenset({Status.APPROVED, Status.CANCELLED}),
    Status.APPROVED: frozenset({Status.NOTIFIED, Status.CANCELLED}),
    Status.NOTIFIED: frozenset({Status.HELD, Status.CANCELLED}),
    Status.HELD: frozenset({Status.RECTIFYING}),
    Status.RECTIFYING: frozenset({Status.RECTIFYING, Status.REPORT_SUBMITTED}),
    Status.REPORT_SUBMITTED: frozenset({Status.RECTIFYING, Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

ACTIONS = {
    "interview.triggered": _("启动约谈"),
    "interview.approved": _("批准"),
    "interview.investigated": _("专家调查分析"),
    "interview.notified": _("通知"),
    "interview.renotified": _("重新通知"),
    "interview.held": _("约谈"),
    "interview.rectification_started": _("开始整改"),
    "interview.document_uploaded": _("上传材料"),
    "interview.form_signed": _("登记表签字"),
    "interview.plan_submitted": _("提交整改方案"),
    "interview.report_submitted": _("提交整改报告"),
    "interview.verified": _("确认整改到位"),
    "interview.pressed": _("督促改正"),
    "interview.upward_reported": _("报市级"),
    "interview.circulated": _("通报备案"),
    "interview.form_updated": _("更新登记表"),
    "interview.cancelled": _("撤销"),
    "interview.kept": _("继续约谈"),
    "interview.trigger_rebased": _("更新启动依据"),
    "interview.event_downgraded": _("不良事件降级"),
    "interview.dates_recomputed": _("重新计算期限"),
    "half_year_summary.submitted": _("提交半年约谈情况"),
}
