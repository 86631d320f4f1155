"""Quality indicators (SPEC §6; ZB 附件; Art. 30) and department monthly quality reports.

A value never changes once written: a new value for the same indicator, place and month supersedes it
(is_current moves), so every revision stays readable. Each value carries the definition version and the
target in force when it was entered, so editing the catalogue never rewrites past results.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.workflow import OPEN_STATES, ReportStatus


def _plain(value: Decimal | None) -> str | None:
    return None if value is None else format(Decimal(value).normalize(), "f")


class Indicator(models.Model):
    class Kind(models.TextChoices):
        PROPORTION = "proportion", _("比例（p 控制图）")  # numerator is a subset of the denominator
        RATE = "rate", _("率（u 控制图）")  # events per unit of exposure, may exceed the denominator
        COUNT = "count", _("计数")  # e.g. discharges: no denominator

    class Direction(models.TextChoices):
        HIGHER = "higher", _("越高越好")
        LOWER = "lower", _("越低越好")

    class Source(models.TextChoices):
        ENTERED = "entered", _("填报")
        HIS = "his", _("HIS 采集")
        COMPUTED = "computed", _("系统计算")

    class Level(models.TextChoices):
        HOSPITAL = "hospital", _("医疗机构指标")
        AUTHORITY = "authority", _("区域指标（以医疗机构为单位统计）")

    class Layer(models.TextChoices):
        # The four layers of the indicator system (《医疗质量管理办法》 slides, seeds/002).
        INSTITUTION = "institution", _("医疗机构层面")
        SPECIALTY = "specialty", _("专科层面")
        DISEASE = "disease", _("病种层面")
        TECHNOLOGY = "technology", _("医疗技术层面")

    class TargetKind(models.TextChoices):
        NONE = "none", _("无目标")
        THRESHOLD = "threshold", _("阈值")
        GRADE_THRESHOLD = "grade_threshold", _("按医院级别的阈值")
        YOY = "yoy", _("同比方向")

    class TargetPeriod(models.TextChoices):
        MONTH = "month", _("按月")
        YEAR = "year", _("年均（按年累计）")

    code = models.CharField(_("编码"), max_length=20, unique=True)
    row = models.PositiveSmallIntegerField(_("附件序号"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    name = models.CharField(_("名称"), max_length=120)
    numerator_definition = models.TextField(_("分子定义"))
    denominator_definition = models.TextField(_("分母定义"), blank=True)
    definition_note = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PROPORTION)
    unit = models.CharField(_("单位"), max_length=20, default="%")
    factor = models.DecimalField(_("系数"), max_digits=10, decimal_places=0, default=Decimal(100))
    direction = models.CharField(_("导向"), max_length=8, choices=Direction.choices)
    direction_label = models.CharField(_("指标导向（原文）"), max_length=20, blank=True)
    layer = models.CharField(_("层面"), max_length=12, choices=Layer.choices, default=Layer.INSTITUTION)
    level = models.CharField(_("统计单位"), max_length=10, choices=Level.choices, default=Level.HOSPITAL)
    source = models.CharField(_("数据来源"), max_length=10, choices=Source.choices, default=Source.ENTERED)
    grades = models.CharField(
        _("适用医院级别"), max_length=10, default="3,2", help_text=_("逗号分隔：3=三级，2=二级，1=一级，0=未定级")
    )
    department_level = models.BooleanField(_("科室填报"), default=True)
    target_kind = models.CharField(_("目标形式"), max_length=16, choices=TargetKind.choices)
    target_op = models.CharField(
        _("比较"), max_length=2, blank=True, choices=[(">=", "≥"), ("<=", "≤"), (">", ">"), ("<", "<")]
    )
    target_value = models.DecimalField(_("目标值"), max_digits=12, decimal_places=4, null=True, blank=True)
    target_by_grade = models.JSONField(
        _("按级别目标"), default=dict, blank=True, help_text=_('例如 {"3": [">=", "50"], "2": [">=", "70"]}')
    )
    target_label = models.CharField(_("目标值（原文）"), max_length=60, blank=True)
    target_period = models.CharField(
        _("考核周期"), max_length=6, choices=TargetPeriod.choices, default=TargetPeriod.MONTH
    )
    in_catalogue = models.BooleanField(_("列入指标目录"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    version = models.PositiveIntegerField(_("定义版本"), default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("质量指标")
        verbose_name_plural = _("质量指标")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def grade_list(self) -> list[str]:
        return [g.strip() for g in self.grades.split(",") if g.strip()]

    def target_for_grade(self, grade: str) -> dict:
        """The target snapshot stored on each value: what counted as attainment when it was entered."""
        base = {"kind": self.target_kind, "label": self.target_label, "period": self.target_period}
        if self.target_kind == self.TargetKind.THRESHOLD:
            return {**base, "op": self.target_op, "value": _plain(self.target_value)}
        if self.target_kind == self.TargetKind.GRADE_THRESHOLD:
            pair = self.target_by_grade.get(str(grade))
            if not pair:
                return {**base, "kind": self.TargetKind.NONE}
            return {**base, "op": pair[0], "value": str(pair[1])}
        if self.target_kind == self.TargetKind.YOY:
            return {**base, "op": ">" if self.direction == self.Direction.HIGHER else "<"}
        return base

    def snapshot(self) -> dict:
        fields = [
            "code", "name", "numerator_definition", "denominator_definition", "definition_note", "kind", "unit",
            "direction", "direction_label", "layer", "level", "source", "grades", "department_level",
            "target_kind", "target_op", "target_label", "target_period", "in_catalogue", "is_active",
        ]
        data = {f: getattr(self, f) for f in fields}
        data["factor"] = str(self.factor)
        data["target_value"] = None if self.target_value is None else str(self.target_value)
        data["target_by_grade"] = self.target_by_grade
        return data


class IndicatorRevision(models.Model):
    """The definition as it stood at each version (admin edits bump the version)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField(_("版本"))
    definition = models.JSONField(_("定义"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("变更原因"), blank=True)

    class Meta:
        verbose_name = _("指标定义版本")
        verbose_name_plural = _("指标定义版本")
        ordering = ["indicator", "version"]
        constraints = [models.UniqueConstraint(fields=["indicator", "version"], name="indicator_revision_once")]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.version}"


class IndicatorValue(models.Model):
    class Source(models.TextChoices):
        FORM = "form", _("网页填报")
        REPORT = "report", _("科室月报")
        EXCEL = "excel", _("Excel 导入")
        API = "api", _("接口")
        COMPUTED = "computed", _("系统计算")
        DEMO = "demo", _("演示数据")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="indicator_values"
    )
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="indicator_values"
    )
    period = models.DateField(_("月份"), help_text=_("该月第一天"))
    numerator = models.DecimalField(_("分子"), max_digits=14, decimal_places=2)
    denominator = models.DecimalField(_("分母"), max_digits=14, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField(_("指标值"), max_digits=16, decimal_places=4)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("填报时间"))
    revision = models.PositiveIntegerField(_("修订序号"), default=1)
    is_current = models.BooleanField(_("现行值"), default=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    definition_version = models.PositiveIntegerField(_("定义版本"))
    target_snapshot = models.JSONField(_("当时目标"), default=dict)
    factor = models.DecimalField(_("系数"), max_digits=10, decimal_places=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        ordering = ["indicator__order", "period", "revision"]
        constraints = [
            # one current value per (indicator, place, month); NULL department needs its own constraint
            models.UniqueConstraint(
                fields=["indicator", "institution", "period"],
                condition=Q(is_current=True, department__isnull=True),
                name="indicator_value_current_hospital",
            ),
            models.UniqueConstraint(
                fields=["indicator", "institution", "department", "period"],
                condition=Q(is_current=True, department__isnull=False),
                name="indicator_value_current_department",
            ),
            models.UniqueConstraint(
                fields=["indicator", "institution", "department", "period", "revision"],
                name="indicator_value_revision_once",
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "period"], condition=Q(is_current=True), name="ind_value_inst_period"),
            models.Index(fields=["indicator", "institution", "department", "period"], name="ind_value_place"),
            models.Index(fields=["updated_at"], name="ind_value_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period:%Y-%m} {self.rate}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"


class ImportBatch(models.Model):
    """A staged Excel import: checked rows wait here until confirmed, so nothing is half-imported."""

    class Status(models.TextChoices):
        STAGED = "staged", _("待确认")
        CONFIRMED = "confirmed", _("已导入")
        DISCARDED = "discarded", _("已放弃")

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+")
    filename = models.CharField(max_length=200)
    rows = models.JSONField(default=list)  # the good rows, normalised
    errors = models.JSONField(default=list)  # [{"row": n, "message": ...}]
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.STAGED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Excel 导入批次")
        verbose_name_plural = _("Excel 导入批次")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"


class MonthlyReport(models.Model):
    """科室月度质控报告: one per department quality group per month (ZB 三(一)2; SPEC §6)."""

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="monthly_reports"
    )
    period = models.DateField(_("月份"))
    status = models.CharField(_("状态"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.NOT_STARTED)
    self_check = models.TextField(_("自查情况"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    measures = models.TextField(_("改进措施"), blank=True)
    due_on = models.DateField(_("报送截止"))
    due_confirmed = models.BooleanField(default=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    late = models.BooleanField(_("逾期报送"), default=False)
    return_reason = models.TextField(_("退回原因"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    overdue: bool

    class Meta:
        verbose_name = _("科室月度质控报告")
        verbose_name_plural = _("科室月度质控报告")
        ordering = ["-period", "department__code"]
        constraints = [models.UniqueConstraint(fields=["department", "period"], name="monthly_report_once")]
        indexes = [models.Index(fields=["institution", "period"], name="monthly_report_inst_period")]

    def __str__(self) -> str:
        return f"{self.department} {self.period:%Y-%m}"

    @property
    def period_label(self) -> str:
        return f"{self.period:%Y-%m}"

    def is_overdue(self, today: dt.date) -> bool:
        return self.status in OPEN_STATES and today > self.due_on


class Intervention(models.Model):
    """An improvement action recorded on an indicator (issue 21): the chart is split into phases at its
    implementation date and the verdict (indicators.spc.verdict) says whether the indicator moved. Its source
    is the action that names the indicator: a committee action item, an adverse event's improvement action or a
    rectification (kind + id + link), or an action of the quality office's own. Withdrawn, never deleted."""

    class SourceKind(models.TextChoices):
        ACTION_ITEM = "action_item", _("委员会决议督办事项")
        EVENT_ACTION = "event_action", _("不良事件改进措施")
        RECTIFICATION = "rectification", _("整改")
        OTHER = "other", _("其他改进措施")

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="interventions")
    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("改进措施"), max_length=200)
    source_kind = models.CharField(_("来源"), max_length=16, choices=SourceKind.choices, default=SourceKind.OTHER)
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    source_url = models.CharField(max_length=300, blank=True)
    implemented_on = models.DateField(_("实施日期"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("有效"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("改进措施（指标分期）")
        verbose_name_plural = _("改进措施（指标分期）")
        ordering = ["implemented_on", "id"]
        indexes = [models.Index(fields=["indicator", "institution", "implemented_on"], name="intervention_place")]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.implemented_on} {self.title}"

    @property
    def first_period(self) -> dt.date:
        """The first month of the new phase: the implementation month when it starts on the 1st, else the
        next month (a month half before and half after belongs to neither)."""
        d = self.implemented_on
        if d.day == 1:
            return d
        return dt.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
