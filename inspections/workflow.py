"""Inspection status: open (results being entered) → completed (findings became rectifications), or cancelled."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OPEN = "open", _("检查中")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.COMPLETED, Status.CANCELLED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
}

ACTIONS = {
    "inspection.created": _("开始检查"),
    "inspection.results_recorded": _("录入检查结果"),
    "inspection.photo_added": _("上传检查照片"),
    "inspection.completed": _("完成检查，问题转整改"),
    "inspection.cancelled": _("撤销检查"),
    "checklist.created": _("新建检查表"),
    "checklist.revised": _("修订检查表（新版本）"),
    "plan.added": _("列入检查计划"),
    "plan.cancelled": _("取消计划检查"),
    "record_review.created": _("病历质控评价"),
}
