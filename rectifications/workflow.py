"""The one rectification loop (DESIGN "One rectification loop"): open → reported → verified, or reopened.

Inspections, record reviews, case reviews, QC visits and the information register all end in problems a
department must fix; each such problem is one Rectification whatever its source.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    OPEN = "open", _("待整改")
    REPORTED = "reported", _("已报告整改")
    VERIFIED = "verified", _("已确认有效")
    REOPENED = "reopened", _("整改无效，重新整改")
    CANCELLED = "cancelled", _("已撤销")


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.REPORTED, Status.CANCELLED}),
    Status.REPORTED: frozenset({Status.VERIFIED, Status.REOPENED}),
    Status.REOPENED: frozenset({Status.REPORTED, Status.CANCELLED}),
    Status.VERIFIED: frozenset(),
    Status.CANCELLED: frozenset(),
}

OPEN_STATUSES = frozenset({Status.OPEN, Status.REPORTED, Status.REOPENED})

ACTIONS = {
    "rectification.opened": _("提出整改要求"),
    "rectification.reported": _("报告整改情况"),
    "rectification.verified": _("确认整改有效"),
    "rectification.reopened": _("整改无效，重新整改"),
    "rectification.cancelled": _("撤销整改要求"),
    "rectification.evidence_added": _("上传整改佐证"),
}
