"""Core-system supervision (淄博方案 二(二) 4, 三(四) 10) and medical-record quality (二(三) 9–11, 附件 11–14).

A checklist is versioned: revising it writes a new ChecklistVersion with its own items, and an inspection
keeps the version it was scored against, so a later edit never changes an old score.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from inspections.workflow import Status


class CoreSystem(models.Model):
    """The 18 医疗质量安全核心制度 (seeds/002, names verbatim), reference data seeded by migration."""

    code = models.CharField(_("代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("核心制度")
        verbose_name_plural = _("核心制度")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Area(models.TextChoices):
    CORE_SYSTEM = "core_system", _("核心制度")
    INFECTION = "infection", _("院感")
    NURSING = "nursing", _("护理")
    PHARMACY = "pharmacy", _("药事")
    RECORDS = "records", _("病历")
    OTHER = "other", _("其他")


class Checklist(models.Model):
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="checklists", verbose_name=_("医疗机构")
    )
    code = models.CharField(_("编码"), max_length=32)
    name = models.CharField(_("名称"), max_length=100)
    area = models.CharField(_("领域"), max_length=12, choices=Area.choices, default=Area.CORE_SYSTEM)
    core_system = models.ForeignKey(
        CoreSystem, null=True, blank=True, on_delete=models.PROTECT, related_name="checklists",
        verbose_name=_("核心制度"),
    )
    # The record-review checklist (病历质量评价) scores one record; the others score a department.
    for_records = models.BooleanField(_("病历质量评价表"), default=False)
    current = models.ForeignKey(
        "ChecklistVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("当前版本"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("检查表")
        verbose_name_plural = _("检查表")
        ordering = ["institution", "code"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="checklist_code_per_institution")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def area_label(self) -> str:
        return self.core_system.name if self.core_system is not None else str(self.get_area_display())


class ChecklistVersion(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField(_("版本"))
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=1, default=Decimal(0))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查表版本")
        verbose_name_plural = _("检查表版本")
        ordering = ["checklist", "number"]
        constraints = [models.UniqueConstraint(fields=["checklist", "number"], name="checklist_version_number")]

    def __str__(self) -> str:
        return f"{self.checklist.code} v{self.number}"


class ChecklistItem(models.Model):
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("条目编码"), max_length=32)
    text = models.TextField(_("检查内容"))
    points = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("0.1"))]
    )
    rule = models.CharField(_("扣分标准"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    # Set on fetched rows for display by the views and selectors; not columns.
    posted: str
    posted_finding: str

    class Meta:
        verbose_name = _("检查条目")
        verbose_name_plural = _("检查条目")
        ordering = ["version", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="checklist_item_code_per_version")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"


class Kind(models.TextChoices):
    REGULAR = "regular", _("定期检查")
    FOCUSED = "focused", _("重点检查")
    RANDOM = "random", _("不定期抽查")


class Tier(models.TextChoices):
    HOSPITAL = "hospital", _("院级督查")
    DEPARTMENT = "department", _("科级自查")


class PlannedCheck(models.Model):
    """One line of the yearly/monthly plan: a checklist applied to one department by a due date."""

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("医疗机构"))
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="planned", verbose_name=_("检查表"))
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("受检科室"))
    kind = models.CharField(_("检查方式"), max_length=10, choices=Kind.choices, default=Kind.REGULAR)
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices, default=Tier.HOSPITAL)
    # 院级督查 by a functional department (医务部, 护理部, 院感科 …); 科级自查 by the department's quality group.
    inspecting_department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("检查部门"),
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查人")
    )
    due_on = models.DateField(_("完成期限"), db_index=True)
    inspection = models.OneToOneField(
        "Inspection", null=True, blank=True, on_delete=models.PROTECT, related_name="planned", verbose_name=_("检查记录")
    )
    cancelled = models.BooleanField(_("已取消"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    overdue: bool
    state: str

    class Meta:
        verbose_name = _("计划检查")
        verbose_name_plural = _("计划检查")
        ordering = ["year", "month", "checklist", "department"]
        indexes = [models.Index(fields=["institution", "year"])]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} {self.checklist.code} {self.department}"


class Inspection(models.Model):
    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="inspections", verbose_name=_("医疗机构"))
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="inspections",
        verbose_name=_("受检科室"),
    )
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查表"))
    version = models.ForeignKey(ChecklistVersion, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("检查表版本"))
    kind = models.CharField(_("检查方式"), max_length=10, choices=Kind.choices)
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices)
    inspected_on = models.DateField(_("检查日期"), db_index=True)
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("检查人"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    total_points = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    due_on = models.DateField(_("整改期限"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    summary = models.TextField(_("检查小结"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("质量检查")
        verbose_name_plural = _("质量检查")
        ordering = ["-inspected_on", "-id"]
        indexes = [models.Index(fields=["institution", "inspected_on"])]

    def __str__(self) -> str:
        return f"{self.checklist.name} · {self.department or self.institution} · {self.inspected_on}"

    @property
    def percent(self) -> Decimal | None:
        if not self.total_points:
            return None
        return (self.score * 100 / self.total_points).quantize(Decimal("0.1"))


class InspectionResult(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.PROTECT, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="results", verbose_name=_("检查条目"))
    deducted = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1, default=Decimal(0))
    finding = models.TextField(_("存在问题"), blank=True)
    cases = models.JSONField(_("抽查病历号"), default=list, blank=True)
    rectification = models.OneToOneField(
        "rectifications.Rectification", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    repeat = models.BooleanField(_("重复发现"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("检查结果")
        verbose_name_plural = _("检查结果")
        ordering = ["inspection", "item__order", "item_id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="one_result_per_item")]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.item_id} −{self.deducted}"


def photo_path(instance: InspectionPhoto, filename: str) -> str:
    return f"inspections/{instance.result.inspection_id}/{filename}"


class InspectionPhoto(models.Model):
    result = models.ForeignKey(InspectionResult, on_delete=models.PROTECT, related_name="photos")
    file = models.FileField(upload_to=photo_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("检查照片")
        verbose_name_plural = _("检查照片")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


# ------------------------------------------------------------------------------------------ record reviews
class GradeThresholds(models.Model):
    """A hospital's 甲/乙 lower bounds for a record's score; without a row the defaults ≥ 90 / ≥ 75 apply."""

    institution = models.OneToOneField("organizations.Institution", on_delete=models.PROTECT, related_name="+")
    grade_a_min = models.DecimalField(_("甲级最低分"), max_digits=5, decimal_places=1, default=Decimal(90))
    grade_b_min = models.DecimalField(_("乙级最低分"), max_digits=5, decimal_places=1, default=Decimal(75))

    class Meta:
        verbose_name = _("病历等级标准")
        verbose_name_plural = _("病历等级标准")

    def __str__(self) -> str:
        return f"{self.institution_id}: 甲 ≥ {self.grade_a_min}, 乙 ≥ {self.grade_b_min}"


class Grade(models.TextChoices):
    A = "A", _("甲级")
    B = "B", _("乙级")
    C = "C", _("丙级")


class ReviewKind(models.TextChoices):
    RUNNING = "running", _("运行病历")
    FINAL = "final", _("终末病历")


class Defect(models.TextChoices):
    """Defects the Zibo indicators count (附件 11–14); COPY is ZB14's numerator."""

    COPY = "copy", _("不合理复制病历")
    LATE_ADMISSION = "late_admission", _("入院记录未在24小时内完成")
    ROUNDS = "rounds", _("医师查房记录不完整")
    LATE_OPERATION = "late_operation", _("手术记录未在24小时内完成")
    LATE_DISCHARGE = "late_discharge", _("出院记录未在24小时内完成")
    CONSENT = "consent", _("知情同意书签署不规范")
    FRONT_PAGE = "front_page", _("病案首页主要手术填写错误")


class RecordReview(models.Model):
    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="record_reviews", verbose_name=_("医疗机构"))
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="record_reviews", verbose_name=_("科室"))
    kind = models.CharField(_("类别"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.FINAL)
    record_number = models.CharField(_("病案号"), max_length=40)
    physician = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="record_reviews", verbose_name=_("经治医师"))
    discharged_on = models.DateField(_("出院日期"), null=True, blank=True)
    reviewed_on = models.DateField(_("评价日期"), db_index=True)
    version = models.ForeignKey(ChecklistVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价表版本"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1,
                                validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))])
    grade = models.CharField(_("等级"), max_length=1, choices=Grade.choices)
    defects = models.JSONField(_("缺陷"), default=list, blank=True)
    note = models.TextField(_("评价意见"), blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价人"))
    rectification = models.OneToOneField("rectifications.Rectification", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("病历质控评价")
        verbose_name_plural = _("病历质控评价")
        ordering = ["-reviewed_on", "-id"]
        indexes = [models.Index(fields=["institution", "reviewed_on"])]

    def __str__(self) -> str:
        return f"{self.record_number} {self.get_grade_display()}"

    @property
    def has_copy_defect(self) -> bool:
        return Defect.COPY in (self.defects or [])

    def defect_labels(self) -> list[str]:
        labels = dict(Defect.choices)
        return [str(labels.get(d, d)) for d in self.defects or []]


class RecordDeduction(models.Model):
    review = models.ForeignKey(RecordReview, on_delete=models.PROTECT, related_name="deductions")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name=_("评价条目"))
    deducted = models.DecimalField(_("扣分"), max_digits=5, decimal_places=1)
    finding = models.CharField(_("缺陷描述"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("病历扣分")
        verbose_name_plural = _("病历扣分")
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="one_deduction_per_record_item")]

    def __str__(self) -> str:
        return f"{self.review_id} {self.item_id} −{self.deducted}"
