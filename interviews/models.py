"""The regulatory interview (医疗质量安全约谈, Art. 43–53) and its records.

Nothing here is deleted: a 约谈 ends closed or cancelled with a reason, and its files are archived with a
checksum (Art. 47 (五): 约谈资料应存档保管).
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interviews.workflow import BEFORE_HELD, Ground, ProblemScale, Status, Verification


class Interview(models.Model):
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="interviews", verbose_name=_("约谈医疗机构")
    )
    organiser = models.ForeignKey(
        "organizations.Authority",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("组织约谈的卫生健康行政部门"),
        help_text=_("医疗机构内部约谈（第五十三条）为空"),
    )
    internal = models.BooleanField(_("医疗机构内部约谈"), default=False, help_text=_("第五十三条"))
    department = models.ForeignKey(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("被约谈科室"),
        help_text=_("内部约谈的责任科室（第五十三条）"),
    )
    trigger_ground = models.PositiveSmallIntegerField(_("约谈情形"), choices=Ground.choices, help_text=_("第四十五条"))
    trigger_date = models.DateField(_("启动日期"))
    # What the 30 working days count from, in words (e.g. the classification that triggered it), for the page.
    trigger_basis = models.CharField(_("起算依据"), max_length=300, blank=True)
    # Opened on an adverse-event reporter's first guess, before the quality office classified it (Art. 45 (三)).
    trigger_provisional = models.BooleanField(_("按上报人初判启动"), default=False)
    problems = models.TextField(_("存在的主要问题"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.TRIGGERED, db_index=True)

    # Art. 45: held within 30 working days of the trigger.
    hold_by = models.DateField(_("最迟约谈日期"))
    hold_by_confirmed = models.BooleanField(_("最迟约谈日期日历已确认"), default=True)

    # Art. 46: approved by the authority's 负责人 (internal, Art. 53: the principal or the deputy in charge).
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    # The approval's own date (a paper approval may be entered afterwards); the notice may not precede it.
    approved_on = models.DateField(_("批准日期"), null=True, blank=True)

    # Art. 46 (一): experts' investigation and cause analysis.
    investigation_experts = models.CharField(_("参加调查的专家"), max_length=300, blank=True)
    investigation_findings = models.TextField(_("调查核实情况"), blank=True)
    cause_analysis = models.TextField(_("归因分析"), blank=True)
    improvement_proposals = models.TextField(_("改进建议"), blank=True)
    investigated_on = models.DateField(_("调查日期"), null=True, blank=True)

    # Art. 46 (二): the notice, at least 3 working days before.
    notified_on = models.DateField(_("通知送达日期"), null=True, blank=True)
    earliest_hold_on = models.DateField(_("最早约谈日期"), null=True, blank=True)
    earliest_hold_on_confirmed = models.BooleanField(_("最早约谈日期日历已确认"), default=True)
    scheduled_at = models.DateTimeField(_("约谈时间"), null=True, blank=True)
    location = models.CharField(_("约谈地点"), max_length=200, blank=True)
    notice_content = models.TextField(_("拟约谈的主要内容"), blank=True)

    # Art. 47: the interview and its record in five parts.
    held_at = models.DateTimeField(_("实际约谈时间"), null=True, blank=True)
    record = models.TextField(_("约谈记录"), blank=True)
    record_introductions = models.TextField(_("（一）介绍参加约谈的工作人员"), blank=True)
    record_reasons = models.TextField(_("（二）约谈原因、主要问题及其严重性和危害性"), blank=True)
    record_explanation = models.TextField(_("（三）约谈对象的解释说明、已采取的整改措施及其效果"), blank=True)
    record_requirements = models.TextField(_("（四）具体要求和整改期限"), blank=True)
    record_form_signed = models.BooleanField(_("（五）登记表已填写并由约谈对象签字"), default=False)
    record_form_unsigned_reason = models.TextField(_("登记表未签字原因"), blank=True)
    problem_scale = models.CharField(_("问题性质"), max_length=10, choices=ProblemScale.choices, blank=True)
    rectification_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    rectification_deadline_limit = models.DateField(_("整改期限上限"), null=True, blank=True)

    # Art. 50: report within 5 working days after the rectification deadline.
    rectification_report_due = models.DateField(_("整改报告截止日期"), null=True, blank=True)
    rectification_report_due_confirmed = models.BooleanField(_("整改报告截止日期日历已确认"), default=True)
    # Art. 51: a county reports to the city within 10 working days after the interview.
    upward_report_due = models.DateField(_("向市级报告截止日期"), null=True, blank=True)
    upward_report_due_confirmed = models.BooleanField(_("向市级报告截止日期日历已确认"), default=True)
    upward_reported_on = models.DateField(_("向市级报告日期"), null=True, blank=True)

    report_text = models.TextField(_("书面整改报告"), blank=True)
    report_submitted_at = models.DateTimeField(_("整改报告提交时间"), null=True, blank=True)
    # Art. 50: the day the report reached the authority; lateness is judged on it.
    report_submitted_on = models.DateField(_("整改报告送达日期"), null=True, blank=True)

    verification = models.CharField(_("核查结论"), max_length=10, choices=Verification.choices, blank=True)
    verification_note = models.TextField(_("核查情况"), blank=True)
    verified_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    press_count = models.PositiveSmallIntegerField(_("督促改正次数"), default=0)

    # 登记表 fields filled after the interview.
    rectification_record = models.TextField(_("整改落实情况记录"), blank=True)
    rectification_recorder = models.CharField(_("记录人"), max_length=100, blank=True)
    rectification_recorded_on = models.DateField(_("记录时间"), null=True, blank=True)
    conclusion = models.TextField(_("结论意见"), blank=True)
    remarks = models.TextField(_("备注"), blank=True)

    # Art. 43: 通报, and 备案 with the superior authority, when the consequences were serious.
    serious_consequences = models.BooleanField(_("造成严重后果"), default=False)
    circulated_on = models.DateField(_("通报日期"), null=True, blank=True)
    circular_text = models.TextField(_("通报内容"), blank=True)
    filed_on = models.DateField(_("报上级备案日期"), null=True, blank=True)

    cancel_reason = models.TextField(_("撤销原因"), blank=True)

    # Art. 45 (三): a 约谈 opened on the reporter's level is reconciled when the quality office classifies the
    # event below G; the authority keeps it (with a reason) or cancels it (with a reason).
    reconcile_required = models.BooleanField(_("启动依据待核对"), default=False)
    reconcile_note = models.TextField(_("分级不一致情况"), blank=True)
    reconcile_decision = models.CharField(
        _("核对结论"), max_length=10, blank=True, choices=[("kept", _("继续约谈")), ("cancelled", _("撤销约谈"))]
    )
    reconcile_reason = models.TextField(_("核对理由"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("启动人")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    next_label: str
    next_date: dt.date | None
    next_confirmed: bool
    late: list[str]
    visible: bool
    _caller: Interview | None  # the caller's instance a locked step writes back to (services._locked)

    class Meta:
        verbose_name = _("约谈")
        verbose_name_plural = _("约谈")
        ordering = ["-trigger_date", "-id"]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"{self.institution} 约谈 {self.trigger_date:%Y-%m-%d}"

    @property
    def reference(self) -> str:
        return f"YT{self.trigger_date:%Y}-{self.pk:04d}"

    def overdue_reasons(self, today: dt.date | None = None) -> list[str]:
        """What is late today, in words; derived from the stored dates so it never goes stale."""
        today = today or timezone.localdate()
        out = []
        if self.status in BEFORE_HELD and today > self.hold_by:
            out.append(str(_("逾期未约谈（第四十五条）")))
        if self.status == Status.RECTIFYING and self.rectification_report_due and today > self.rectification_report_due:
            out.append(str(_("逾期未提交整改报告（第五十条）")))
        if (
            self.upward_report_due
            and not self.upward_reported_on
            and self.status not in (Status.CANCELLED,)
            and today > self.upward_report_due
        ):
            out.append(str(_("逾期未向市级报告（第五十一条）")))
        return out


class Participant(models.Model):
    """约谈人 and 约谈对象 (Art. 46 (三), 53)."""

    class Side(models.TextChoices):
        INTERVIEWER = "interviewer", _("约谈人")
        INTERVIEWEE = "interviewee", _("约谈对象")

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="participants")
    side = models.CharField(_("身份"), max_length=12, choices=Side.choices)
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("单位和职务"), max_length=200, blank=True)
    # interviewer: the authority's head or a division head (internal: principal/deputy);
    # interviewee: the hospital's principal or deputy in charge.
    is_lead = models.BooleanField(_("负责人"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("约谈参加人员")
        verbose_name_plural = _("约谈参加人员")
        ordering = ["side", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.name}"


class RectificationMeasure(models.Model):
    """One line of the rectification plan (Art. 49): a measure, its responsible department, its deadline."""

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="measures")
    measure = models.TextField(_("整改措施"))
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("责任部门")
    )
    department_name = models.CharField(_("责任部门"), max_length=100, blank=True)
    responsible = models.CharField(_("责任人"), max_length=50, blank=True)
    deadline = models.DateField(_("完成时限"))
    position = models.PositiveSmallIntegerField(default=0)
    superseded = models.BooleanField(_("已被新版本取代"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("整改措施")
        verbose_name_plural = _("整改措施")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.measure[:40]


class InterviewDocument(models.Model):
    """An archived file of the 约谈: proof of notice, written explanation, plan, report, …"""

    class Kind(models.TextChoices):
        INVESTIGATION = "investigation", _("专家调查分析材料")
        NOTICE_PROOF = "notice_proof", _("约谈通知送达凭证")
        EXPLANATION = "explanation", _("书面说明材料")
        RECORD = "record", _("约谈记录（签字件）")
        SIGNED_FORM = "signed_form", _("约谈登记表（约谈对象签字扫描件）")
        PLAN = "plan", _("整改方案")
        REPORT = "report", _("书面整改报告")
        VERIFICATION = "verification", _("监督检查材料")
        CIRCULAR = "circular", _("通报/备案材料")
        OTHER = "other", _("其他")

    interview = models.ForeignKey(Interview, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    file = models.FileField(_("文件"), upload_to="interviews/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    checksum = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("约谈材料")
        verbose_name_plural = _("约谈材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class HalfYearSummary(models.Model):
    """A city's half-year report of its area's 约谈 to the province (Art. 51): due 30 June and 31 December."""

    authority = models.ForeignKey(
        "organizations.Authority", on_delete=models.PROTECT, related_name="interview_summaries", verbose_name=_("市级卫生健康行政部门")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    half = models.PositiveSmallIntegerField(_("半年"), choices=[(1, _("上半年")), (2, _("下半年"))])
    due_on = models.DateField(_("报送截止日期"))
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("报送人")
    )
    note = models.TextField(_("报送说明"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    empty = models.BooleanField(_("本半年度无约谈"), default=False)

    class Meta:
        verbose_name = _("约谈工作半年报告")
        verbose_name_plural = _("约谈工作半年报告")
        ordering = ["-year", "-half"]
        constraints = [models.UniqueConstraint(fields=["authority", "year", "half"], name="interview_summary_once")]

    def __str__(self) -> str:
        return f"{self.authority} {self.year}年{self.get_half_display()}约谈工作情况"

    @property
    def institution(self) -> None:
        return None
