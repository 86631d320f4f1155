from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from rectifications.workflow import Status


class Source(models.TextChoices):
    """Where the problem was found. The source object is named by kind and id (`inspection:12`)."""

    INSPECTION = "inspection", _("质量检查")
    RECORD_REVIEW = "record_review", _("病历质控")
    CASE_REVIEW = "case_review", _("重点病例评价")
    QC_VISIT = "qc_visit", _("质控中心督导")
    SAFETY_INFO = "safety_info", _("质量安全信息")
    INTERVIEW = "interview", _("约谈")
    OTHER = "other", _("其他")


class Rectification(models.Model):
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("医疗机构")
    )
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="rectifications",
        verbose_name=_("责任科室"),
    )
    # The authority that demanded it (QC visit, authority's case review, 约谈): its officials see it.
    authority = models.ForeignKey(
        "organizations.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="rectifications",
        verbose_name=_("提出部门"),
    )
    source_kind = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    # Two findings with one key (e.g. "checklist:CS03/item:3/department:7") are the same problem found again:
    # the later one is a repeat (seeds/004 "有实际效果").
    repeat_key = models.CharField(_("问题标识"), max_length=200, blank=True, db_index=True)
    repeat_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="repeats", verbose_name=_("重复发现")
    )
    problem = models.TextField(_("存在问题"))
    requirement = models.TextField(_("整改要求"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("整改责任人"),
    )
    verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("效果确认人"),
    )
    due_on = models.DateField(_("整改期限"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    report_text = models.TextField(_("整改情况"), blank=True)
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verify_note = models.TextField(_("确认意见"), blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新整改次数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["source_kind", "source_id"]),
            models.Index(fields=["institution", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.problem[:40]}"

    @property
    def source(self) -> str:
        return f"{self.source_kind}:{self.source_id}" if self.source_id else self.source_kind

    @property
    def is_open(self) -> bool:
        from rectifications.workflow import OPEN_STATUSES

        return self.status in OPEN_STATUSES


def evidence_path(instance: RectificationEvidence, filename: str) -> str:
    return f"rectifications/{instance.rectification_id}/{filename}"


class RectificationEvidence(models.Model):
    rectification = models.ForeignKey(Rectification, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改佐证")
        verbose_name_plural = _("整改佐证")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def digest(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
