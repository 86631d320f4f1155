"""The monthly quality bulletin (质量安全月刊): Art. 12 asks every 二级以上医院 to publish one."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from bulletins.workflow import Status

# The sections in print order; the keys are those of `Bulletin.sections` and `Bulletin.commentary`.
SECTIONS: list[tuple[str, str]] = [
    ("summary", "本月概况"),
    ("indicators", "医疗质量指标"),
    ("events", "医疗质量（安全）不良事件"),
    ("meetings", "委员会及科室会议"),
    ("interviews", "约谈及整改情况"),
    ("reports", "科室质量月报"),
    ("focus", "下月工作重点"),
]
SECTION_KEYS = [key for key, _title in SECTIONS]


def bulletin_upload_to(instance: Bulletin, filename: str) -> str:
    return (
        f"bulletins/{instance.institution.code}/{instance.year}-{instance.month:02d}-v{instance.version}.pdf"
    )


class Bulletin(models.Model):
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="bulletins", verbose_name=_("医疗机构")
    )
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    supersedes = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("更正自")
    )
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    step = models.CharField(_("当前步骤"), max_length=100, blank=True)
    error = models.TextField(_("错误"), blank=True)
    sections = models.JSONField(_("汇总数据"), default=dict, blank=True)
    gathered_at = models.DateTimeField(_("数据汇总时间"), null=True, blank=True)
    foreword = models.TextField(_("卷首语"), blank=True)
    commentary = models.JSONField(_("各部分评述"), default=dict, blank=True)
    pdf = models.FileField(_("PDF"), upload_to=bulletin_upload_to, blank=True)
    pdf_checksum = models.CharField(_("PDF 校验值（SHA-256）"), max_length=64, blank=True)
    pdf_pages = models.PositiveSmallIntegerField(_("页数"), null=True, blank=True)
    # Frozen at publication (DESIGN "Frozen documents"): the data as published, never regathered.
    snapshot = models.JSONField(_("发布时数据快照"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("评述人"),
    )
    edited_at = models.DateTimeField(_("评述时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("发布人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("质量安全月刊")
        verbose_name_plural = _("质量安全月刊")
        ordering = ["-year", "-month", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year", "month", "version"], name="bulletin_one_per_version"),
            # At most one unpublished draft per hospital and month: a second start reuses it.
            models.UniqueConstraint(
                fields=["institution", "year", "month"],
                condition=models.Q(status__in=["draft", "generating", "ready", "failed"]),
                name="bulletin_one_open_draft",
            ),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="bulletin_month_range"),
        ]
        indexes = [models.Index(fields=["institution", "year", "month"])]

    def __str__(self) -> str:
        return f"{self.institution} {self.issue_number}"

    @property
    def period(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def issue_number(self) -> str:
        """A monthly periodical numbers its issues by month: 2026年第11期."""
        base = f"{self.year}年第{self.month}期"
        return base if self.version == 1 else f"{base}（第{self.version}版）"

    @property
    def is_frozen(self) -> bool:
        return self.status in {Status.PUBLISHED, Status.SUPERSEDED}
