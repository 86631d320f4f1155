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


def can(step: str, status: str) -> bool:
    return status in STEPS[step][0]
