"""The register of complaints, disputes, malpractice determinations and lawsuits (Art. 38), and the record
of what was exported upward (Art. 40–42)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from safety_info.workflow import (
    MAJOR_OR_WORSE,
    AccidentGrade,
    Channel,
    Instance,
    Kind,
    Resolution,
    Responsibility,
    Status,
)


class SafetyRecord(models.Model):
    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("医疗机构"))
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("涉及科室"))
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, db_index=True)
    reference = models.CharField(_("登记号"), max_length=32, unique=True)
    received_on = models.DateField(_("受理日期"), db_index=True)
    summary = models.TextField(_("事由摘要"))
    record_number = models.CharField(_("病案号"), max_length=40, blank=True)
    adverse_events = models.ManyToManyField("adverse_events.AdverseEvent", blank=True, related_name="+",
                                            verbose_name=_("关联不良事件"))
    related = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="followers",
                                verbose_name=_("关联登记"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    # complaint
    channel = models.CharField(_("投诉方式"), max_length=12, choices=Channel.choices, blank=True)
    reply_due_on = models.DateField(_("答复期限"), null=True, blank=True)
    # dispute
    claim_amount = models.DecimalField(_("索赔金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    resolution = models.CharField(_("解决途径"), max_length=16, choices=Resolution.choices, blank=True)
    # malpractice determination
    determined_by = models.CharField(_("鉴定机构"), max_length=100, blank=True)
    determined_on = models.DateField(_("鉴定日期"), null=True, blank=True)
    accident_grade = models.PositiveSmallIntegerField(_("事故等级"), choices=AccidentGrade.choices, null=True, blank=True)
    responsibility = models.CharField(_("责任程度"), max_length=8, choices=Responsibility.choices, blank=True)
    # lawsuit
    court = models.CharField(_("受理法院"), max_length=100, blank=True)
    case_number = models.CharField(_("案号"), max_length=60, blank=True)
    instance = models.CharField(_("审级"), max_length=8, choices=Instance.choices, blank=True)
    cause = models.CharField(_("案由"), max_length=100, blank=True)
    # the loop
    investigation = models.TextField(_("调查核实情况"), blank=True)
    investigated_on = models.DateField(_("调查完成日期"), null=True, blank=True)
    handling = models.TextField(_("处理情况"), blank=True)
    handled_on = models.DateField(_("处理日期"), null=True, blank=True)
    outcome = models.TextField(_("处理结果"), blank=True)
    compensation = models.DecimalField(_("赔偿/补偿金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    hospital_paid = models.DecimalField(_("医院承担金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    lessons = models.TextField(_("经验教训与改进措施"), blank=True)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True)
    interview = models.ForeignKey("interviews.Interview", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("约谈"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("医疗质量安全信息")
        verbose_name_plural = _("医疗质量安全信息")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["institution", "kind", "received_on"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def is_art45_ground1(self) -> bool:
        """Art. 45 (一): 一级医疗事故, the hospital bearing main responsibility or worse."""
        return (
            self.kind == Kind.MALPRACTICE
            and self.accident_grade == AccidentGrade.FIRST
            and self.responsibility in MAJOR_OR_WORSE
        )


class EventExport(models.Model):
    """One export of a period's adverse events to the upper platform (Art. 40–42): what was sent."""

    FORMAT = "qms.adverse-events"
    VERSION = "1.0"

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("医疗机构"))
    period = models.DateField(_("期间（月）"))
    format_version = models.CharField(_("格式版本"), max_length=10, default=VERSION)
    revision = models.PositiveSmallIntegerField(_("第几次导出"), default=1)
    event_count = models.PositiveIntegerField(_("事件数"))
    new_count = models.PositiveIntegerField(_("新增或变更"), default=0)
    sha256 = models.CharField(max_length=64)
    payload = models.JSONField(_("导出内容"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("不良事件导出")
        verbose_name_plural = _("不良事件导出")
        ordering = ["-period", "-revision"]
        constraints = [models.UniqueConstraint(fields=["institution", "period", "revision"], name="export_revision_once")]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.period:%Y-%m} #{self.revision}"


class ExportedEvent(models.Model):
    """Each event in an export with the digest of what was sent for it: the same event id again with the
    same digest is not new (the upper platform upserts by `event_id`)."""

    export = models.ForeignKey(EventExport, on_delete=models.PROTECT, related_name="items")
    event = models.ForeignKey("adverse_events.AdverseEvent", on_delete=models.PROTECT, related_name="+")
    upstream_id = models.CharField(max_length=40, db_index=True)  # the export's `event_id`
    sha256 = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["export", "event"], name="exported_event_once")]

    def __str__(self) -> str:
        return f"{self.export_id} {self.upstream_id}"
