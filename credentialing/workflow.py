"""Statuses and allowed transitions of grants, catalogue items and emergency uses."""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    PENDING = "pending", _("审批中")
    ACTIVE = "active", _("有效")
    SUSPENDED = "suspended", _("暂停")
    RESTORED = "restored", _("已恢复")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")
    REJECTED = "rejected", _("未批准")


# The statuses under which a person may do the item (within the dates).
VALID = frozenset({Status.ACTIVE, Status.RESTORED})

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PENDING: frozenset({Status.ACTIVE, Status.REJECTED}),
    Status.ACTIVE: frozenset({Status.SUSPENDED, Status.REVOKED, Status.EXPIRED}),
    Status.RESTORED: frozenset({Status.SUSPENDED, Status.REVOKED, Status.EXPIRED}),
    Status.SUSPENDED: frozenset({Status.RESTORED, Status.REVOKED, Status.EXPIRED}),
    Status.REVOKED: frozenset(),
    Status.EXPIRED: frozenset(),
    Status.REJECTED: frozenset(),
}


class ItemStatus(models.TextChoices):
    ACTIVE = "active", _("在用")
    STOPPED = "stopped", _("已停止临床应用")


ITEM_TRANSITIONS: dict[str, frozenset[str]] = {
    ItemStatus.ACTIVE: frozenset({ItemStatus.STOPPED}),
    ItemStatus.STOPPED: frozenset({ItemStatus.ACTIVE}),
}


class ReviewOutcome(models.TextChoices):
    RENEW = "renew", _("续期")
    NARROW = "narrow", _("缩小范围后续期")
    SUSPEND = "suspend", _("暂停")
    LAPSE = "lapse", _("到期终止，不再续期")


class EmergencyStatus(models.TextChoices):
    OPEN = "open", _("待补办手续")
    COMPLETED = "completed", _("已补办")


EMERGENCY_TRANSITIONS: dict[str, frozenset[str]] = {
    EmergencyStatus.OPEN: frozenset({EmergencyStatus.COMPLETED}),
    EmergencyStatus.COMPLETED: frozenset(),
}

ACTIONS = {
    "privilege.applied": _("提出授权申请"),
    "privilege.recorded": _("登记已决定的授权"),
    "privilege.step_approved": _("审批通过"),
    "privilege.approved": _("审批通过，授权生效"),
    "privilege.rejected": _("审批未通过"),
    "privilege.suspended": _("暂停授权"),
    "privilege.restored": _("恢复授权"),
    "privilege.revoked": _("撤销授权"),
    "privilege.expired": _("授权到期"),
    "privilege.reviewed": _("动态评估"),
    "item.created": _("新增授权项目"),
    "item.updated": _("修改授权项目"),
    "item.prerequisites": _("登记论证、SOP 与伦理审查"),
    "item.stopped": _("停止技术临床应用"),
    "item.resumed": _("恢复技术临床应用"),
    "item.assessed": _("技术动态评估"),
    "emergency.recorded": _("登记紧急越级使用"),
    "emergency.completed": _("补办越级使用手续"),
}
