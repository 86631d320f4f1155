"""The quality-safety information register (Art. 38): four kinds, one closed loop each.

received (已登记) → investigated (已调查) → handled (已处理) → closed (已办结, with outcome and lessons).
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("医疗投诉")
    DISPUTE = "dispute", _("医疗纠纷")
    MALPRACTICE = "malpractice", _("医疗事故")
    LAWSUIT = "lawsuit", _("法院诉讼")


class Status(models.TextChoices):
    RECEIVED = "received", _("已登记")
    INVESTIGATED = "investigated", _("已调查")
    HANDLED = "handled", _("已处理")
    CLOSED = "closed", _("已办结")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.RECEIVED: frozenset({Status.INVESTIGATED}),
    Status.INVESTIGATED: frozenset({Status.HANDLED}),
    Status.HANDLED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
}


class Channel(models.TextChoices):
    """How a complaint came in (医疗纠纷预防和处理条例 / 投诉管理办法: 现场、信函、电话、网络)."""

    IN_PERSON = "in_person", _("现场")
    PHONE = "phone", _("电话")
    LETTER = "letter", _("信函")
    ONLINE = "online", _("网络")
    HOTLINE = "hotline", _("12345 / 上级转办")


class Resolution(models.TextChoices):
    """The ways a dispute is settled (医疗纠纷预防和处理条例第二十二条)."""

    NEGOTIATION = "negotiation", _("双方自愿协商")
    MEDIATION = "mediation", _("人民调解")
    ADMINISTRATIVE = "administrative", _("行政调解")
    LITIGATION = "litigation", _("诉讼")
    OTHER = "other", _("其他")


class AccidentGrade(models.IntegerChoices):
    """医疗事故处理条例第四条."""

    FIRST = 1, _("一级医疗事故")
    SECOND = 2, _("二级医疗事故")
    THIRD = 3, _("三级医疗事故")
    FOURTH = 4, _("四级医疗事故")


class Responsibility(models.TextChoices):
    """The hospital's share of responsibility (医疗事故分级标准 / 医疗事故技术鉴定暂行办法第三十六条)."""

    FULL = "full", _("完全责任")
    MAJOR = "major", _("主要责任")
    MINOR = "minor", _("次要责任")
    SLIGHT = "slight", _("轻微责任")


# "一级负主要责任以上" (Art. 45 (一)): main responsibility or full responsibility.
MAJOR_OR_WORSE = frozenset({Responsibility.FULL, Responsibility.MAJOR})


class Instance(models.TextChoices):
    FIRST = "first", _("一审")
    SECOND = "second", _("二审")
    RETRIAL = "retrial", _("再审")


ACTIONS = {
    "safety_info.received": _("登记"),
    "safety_info.investigated": _("完成调查核实"),
    "safety_info.handled": _("完成处理"),
    "safety_info.closed": _("办结"),
    "safety_info.interview_triggered": _("依第四十五条（一）启动约谈"),
    "safety_info.export_sent": _("向上级平台导出不良事件"),
}
