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

# step -> (from statuses, to status)
STEPS: dict[str, tuple[frozenset[str], str]] = {
    "generate": (frozenset({Status.DRAFT, Status.READY, Status.FAILED, Status.GENERATING}), Status.GENERATING),
    "finish": (frozenset({Status.GENERATING}), Status.READY),
    "fail": (frozenset({Status.GENERATING}), Status.FAILED),
    "comment": (EDITABLE, ""),
    "publish": (frozenset({Status.READY}), Status.PUBLISHED),
    "supersede": (frozenset({Status.PUBLISHED}), Status.SUPERSEDED),
}


def allowed(step: str, status: str) -> bool:
    return status in STEPS[step][0]
