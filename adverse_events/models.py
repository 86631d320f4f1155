"""Adverse events (Art. 38–39; ZB 二(二)8; SPEC §4).

The severity data (classes, the level → class mapping, reporting time limits, event types) is data an
administrator edits; it is seeded with SPEC §4.1 by a data migration.
"""
from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from adverse_events.workflow import ActionStatus, Status

LEVELS = ["A", "B", "C", "D", "E", "F", "G", "H", "I"]
CLASSES = ["I", "II", "III", "IV"]
# Art. 45 (三) “II 类（G、H 级）及以上” is fixed by level, not by the (editable) class mapping.
INTERVIEW_LEVELS = frozenset({"G", "H", "I"})


class SeverityClass(models.Model):
    """I 类 警讯事件 … IV 类 隐患事件, with the hospital's reporting time limit for each."""

    code = models.CharField(_("类别"), max_length=4, unique=True, choices=[(c, f"{c} 类") for c in CLASSES])
    name = models.CharField(_("名称"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    report_within_hours = models.PositiveIntegerField(
        _("院内上报时限（小时）"), help_text=_("自发现起；逾期上报只标记为迟报，从不拒收")
    )
    phone_first = models.BooleanField(_("须先电话报告"), default=False)
    analysis_required = models.BooleanField(_("须根因分析"), default=False)
    analysis_workdays = models.PositiveIntegerField(
        _("分析时限（工作日）"), null=True, blank=True, help_text=_("自分类定级起；院内制度")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事件类别与上报时限")
        verbose_name_plural = _("事件类别与上报时限")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.code} 类 {self.name}"


class SeverityLevel(models.Model):
    """The A–I harm levels (NCC MERP) and the class each one maps to."""

    code = models.CharField(_("级别"), max_length=1, unique=True, choices=[(c, f"{c} 级") for c in LEVELS])
    meaning = models.CharField(_("含义"), max_length=200)
    severity_class = models.ForeignKey(SeverityClass, on_delete=models.PROTECT, related_name="levels",
                                       verbose_name=_("对应类别"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("伤害级别与类别对照")
        verbose_name_plural = _("伤害级别与类别对照")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} 级 {self.meaning}"


class EventType(models.Model):
    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事件类型")
        verbose_name_plural = _("事件类型")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class SafetyGrade(models.TextChoices):
    """医疗质量安全事件 grades of 卫医管发〔2011〕4号 (SPEC §4.1)."""

    NONE = "", _("否")
    GENERAL = "general", _("一般医疗质量安全事件")
    MAJOR = "major", _("重大医疗质量安全事件")
    SEVERE = "severe", _("特大医疗质量安全事件")


class AdverseEvent(models.Model):
    interview_triggered: bool  # set by the services for the API answer; not a column

    class Sex(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")
        UNKNOWN = "U", _("不详")

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT,
                                    related_name="adverse_events", verbose_name=_("医疗机构"))
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT,
                                   related_name="adverse_events", verbose_name=_("发生科室"))
    place = models.CharField(_("发生地点"), max_length=100, blank=True)
    occurred_at = models.DateTimeField(_("发生时间"))
    discovered_at = models.DateTimeField(_("发现时间"))
    reported_at = models.DateTimeField(_("上报时间"), db_index=True)
    event_type = models.ForeignKey(EventType, on_delete=models.PROTECT, related_name="events",
                                   verbose_name=_("事件类型"))
    reported_level = models.CharField(_("上报时初判级别"), max_length=1, choices=[(c, c) for c in LEVELS])
    severity_level = models.CharField(_("伤害级别"), max_length=1, choices=[(c, c) for c in LEVELS])
    severity_class = models.CharField(_("事件类别"), max_length=4, choices=[(c, f"{c} 类") for c in CLASSES],
                                      db_index=True)
    description = models.TextField(_("事件经过"))
    immediate_actions = models.TextField(_("已采取的处置措施"), blank=True)
    patient_age = models.PositiveSmallIntegerField(_("患者年龄"), null=True, blank=True,
                                                   validators=[MaxValueValidator(130)])
    patient_sex = models.CharField(_("患者性别"), max_length=1, choices=Sex.choices, blank=True)
    patient_record_no = models.CharField(_("病案号"), max_length=40, blank=True)
    anonymous = models.BooleanField(_("匿名上报"), default=False)
    # Null when anonymous: nothing stored may identify an anonymous reporter (SPEC §4).
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="adverse_event_reports", verbose_name=_("报告人"))
    receipt_code = models.CharField(_("回执码"), max_length=32, unique=True)
    is_late = models.BooleanField(_("迟报"), default=False)
    report_due_at = models.DateTimeField(_("院内上报时限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    classified_at = models.DateTimeField(_("分类定级时间"), null=True, blank=True)
    safety_grade = models.CharField(_("医疗质量安全事件"), max_length=10, choices=SafetyGrade.choices, blank=True)
    authority_report_due_at = models.DateTimeField(_("向卫生健康行政部门报告时限"), null=True, blank=True)
    authority_reported_at = models.DateTimeField(_("向卫生健康行政部门报告时间"), null=True, blank=True)
    authority_report_note = models.TextField(_("报告说明"), blank=True)
    feedback = models.TextField(_("反馈意见"), blank=True)
    feedback_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("撤回原因"), blank=True)
    interviews = models.ManyToManyField("interviews.Interview", related_name="adverse_events", blank=True,
                                        verbose_name=_("约谈"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("不良事件")
        verbose_name_plural = _("不良事件")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["institution", "reported_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(anonymous=False) | models.Q(reporter__isnull=True),
                name="adverse_event_anonymous_has_no_reporter",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} · {self.department} · {self.severity_level} 级"

    @property
    def number(self) -> str:
        return f"AE{self.pk:06d}"

    @property
    def is_open(self) -> bool:
        return self.status not in (Status.CLOSED, Status.WITHDRAWN)


class EventAnalysis(models.Model):
    """Root-cause analysis (重点分析), required for class I and II."""

    class Method(models.TextChoices):
        FISHBONE = "fishbone", _("鱼骨图")
        FIVE_WHYS = "five_whys", _("5 个为什么（5-Why）")
        RCA = "rca", _("根本原因分析（RCA）")
        FMEA = "fmea", _("失效模式与效应分析（FMEA）")
        OTHER = "other", _("其他")

    event = models.OneToOneField(AdverseEvent, on_delete=models.PROTECT, related_name="analysis")
    method = models.CharField(_("分析方法"), max_length=12, choices=Method.choices)
    contributing_factors = models.TextField(_("促成因素"))
    root_causes = models.TextField(_("根本原因"))
    conclusion = models.TextField(_("分析结论"), blank=True)
    analysed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("分析人"))
    analysed_at = models.DateTimeField(_("分析时间"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("事件分析")
        verbose_name_plural = _("事件分析")

    def __str__(self) -> str:
        return f"{self.event_id} {self.get_method_display()}"


class ImprovementAction(models.Model):
    """持续改进: an action with its owner department and person, due date, status and verification."""

    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="actions")
    description = models.TextField(_("改进措施"))
    owner_department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("责任科室"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("责任人"))
    due_on = models.DateField(_("完成期限"))
    status = models.CharField(_("状态"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    completion_note = models.TextField(_("落实情况"), blank=True)
    verification = models.TextField(_("验证意见"), blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("验证人"))
    verified_at = models.DateTimeField(_("验证时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("改进措施")
        verbose_name_plural = _("改进措施")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description[:40]


def _attachment_path(instance: EventAttachment, filename: str) -> str:
    # The stored name is random: the uploader's file name may identify them and is kept only as display text.
    import uuid

    return f"adverse_events/{instance.event.institution_id}/{uuid.uuid4().hex}"


class EventAttachment(models.Model):
    event = models.ForeignKey(AdverseEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name
