"""The bulletin workflow (质量安全月刊, Art. 12): statuses and the steps allowed between them.

draft → generating → ready (editable, may be regenerated) → published (frozen) → superseded (a correction
was published as a newer version; the old one stays archived and readable).
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("草稿")
    GENERATING = "generating", _("生成中")
    READY = "ready", _("待发布")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已更正（旧版）")
    FAILED = "failed", _("生成失败")


# Statuses whose content is frozen: what officials may read.
FROZEN = frozenset({Status.PUBLISHED, Status.SUPERSEDED})
EDITABLE = frozenset({Status.DRAFT, Status.READY, Status.FAILED})

# The steps qms.core.workflow.transition() allows. A stale generation may be claimed again (generating →
# generating); comments change no status (EDITABLE says where they may be written).
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.GENERATING}),
    Status.GENERATING: frozenset({Status.GENERATING, Status.READY, Status.FAILED}),
    Status.READY: frozenset({Status.GENERATING, Status.PUBLISHED}),
    Status.FAILED: frozenset({Status.GENERATING}),
    Status.PUBLISHED: frozenset({Status.SUPERSEDED}),
    Status.SUPERSEDED: frozenset(),
}

ACTIONS = {
    "bulletin.drafted": _("起草"),
    "bulletin.generating": _("开始生成"),
    "bulletin.generated": _("生成完成"),
    "bulletin.failed": _("生成失败"),
    "bulletin.commented": _("修改评述"),
    "bulletin.published": _("发布"),
    "bulletin.superseded": _("被更正"),
}
