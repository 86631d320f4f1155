"""The case pool (病案首页 subset pushed by the HIS) and the key-case reviews of Art. 36.

No patient name, ID number or address is ever stored: a case is known by the hospital's record number.
Who reads case data is written to CaseAccess.
"""
from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from case_reviews.workflow import Category, Focus, RoundStatus, Severity, Status


class Case(models.Model):
    class Source(models.TextChoices):
        HIS = "his", _("HIS 推送")
        EXCEL = "excel", _("Excel 导入")
        MANUAL = "manual", _("手工录入")

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("医疗机构"))
    department = models.ForeignKey("organizations.Department", on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("出院科室"))
    record_number = models.CharField(_("病案号"), max_length=40)
    physician_code = models.CharField(_("主治医师工号"), max_length=32, blank=True, db_index=True)
    physician = models.ForeignKey("staff.Staff", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("主治医师"))
    admitted_on = models.DateField(_("入院日期"))
    discharged_on = models.DateField(_("出院日期"), db_index=True)
    died = models.BooleanField(_("死亡"), default=False)
    died_on = models.DateField(_("死亡日期"), null=True, blank=True)
    grade4_surgery = models.BooleanField(_("四级手术"), default=False)
    restricted_technologies = models.JSONField(_("限制类技术"), default=list, blank=True)
    unplanned_reoperation = models.BooleanField(_("非计划再次手术"), default=False)
    discharge_against_advice = models.BooleanField(_("非医嘱离院"), default=False)
    malpractice = models.BooleanField(_("涉及医疗事故"), default=False)
    total_cost = models.DecimalField(_("住院总费用（元）"), max_digits=12, decimal_places=2)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.HIS)
    # 死亡病例讨论 (ZB12-3: within one week of death)
    death_discussed_on = models.DateField(_("死亡病例讨论日期"), null=True, blank=True)
    death_discussion_note = models.TextField(_("讨论要点"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("病例")
        verbose_name_plural = _("病例库")
        ordering = ["-discharged_on", "record_number"]
        constraints = [models.UniqueConstraint(fields=["institution", "record_number"], name="case_record_per_institution")]
        indexes = [models.Index(fields=["institution", "discharged_on"])]

    def __str__(self) -> str:
        return self.record_number

    def categories(self, high_cost_threshold: Decimal | float | None = None) -> list[str]:
        out: list[str] = []
        if self.died:
            out.append(Category.DEATH)
        if self.grade4_surgery:
            out.append(Category.GRADE4_SURGERY)
        if self.restricted_technologies:
            out.append(Category.RESTRICTED_TECHNOLOGY)
        if self.unplanned_reoperation:
            out.append(Category.UNPLANNED_REOPERATION)
        if self.discharge_against_advice:
            out.append(Category.DISCHARGE_AGAINST_ADVICE)
        if self.malpractice:
            out.append(Category.MALPRACTICE)
        if high_cost_threshold is not None and self.total_cost >= high_cost_threshold:
            out.append(Category.HIGH_COST)
        return out

    @property
    def discussed_in_time(self) -> bool | None:
        """ZB12-3: the 死亡病例讨论 held within one week (7 calendar days) of death."""
        if not self.died:
            return None
        if not self.death_discussed_on or not self.died_on:
            return False
        return 0 <= (self.death_discussed_on - self.died_on).days <= 7


class CaseAccess(models.Model):
    """Who read case data, when, how (page, API, export) and which cases."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(_("方式"), max_length=20)
    institution = models.ForeignKey("organizations.Institution", null=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="accesses")
    count = models.PositiveIntegerField(default=1)
    record_numbers = models.JSONField(default=list)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("病例数据查阅记录")
        verbose_name_plural = _("病例数据查阅记录")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} ×{self.count}"


class ReviewRound(models.Model):
    """One review round: by an authority over its hospitals, or by a hospital over its own departments."""

    title = models.CharField(_("批次名称"), max_length=100)
    authority = models.ForeignKey("organizations.Authority", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("组织部门"))
    institution = models.ForeignKey("organizations.Institution", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("组织医院"))
    institutions = models.ManyToManyField("organizations.Institution", related_name="+", verbose_name=_("被评价医院"))
    departments = models.ManyToManyField("organizations.Department", blank=True, related_name="+",
                                         verbose_name=_("被评价科室"))
    categories = models.JSONField(_("病例类别"), default=list)
    period_start = models.DateField(_("出院日期自"))
    period_end = models.DateField(_("出院日期至"))
    sample_size = models.PositiveSmallIntegerField(_("每家医院每类抽取例数"), default=5)
    sample_sizes = models.JSONField(_("按医院指定例数"), default=dict, blank=True)
    high_cost_threshold = models.DecimalField(_("高额费用标准（元）"), max_digits=12, decimal_places=2, default=100000)
    seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    draw = models.JSONField(_("抽样记录"), default=dict, blank=True)
    sampled_at = models.DateTimeField(_("抽样时间"), null=True, blank=True)
    due_on = models.DateField(_("评价完成期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("重点病例评价批次")
        verbose_name_plural = _("重点病例评价批次")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(authority__isnull=False) & models.Q(institution__isnull=True))
                | (models.Q(authority__isnull=True) & models.Q(institution__isnull=False)),
                name="case_round_authority_xor_institution",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organiser(self):
        return self.authority or self.institution

    def size_for(self, institution_code: str) -> int:
        return int(self.sample_sizes.get(institution_code, self.sample_size))


class CaseReview(models.Model):
    class How(models.TextChoices):
        SAMPLED = "sampled", _("随机抽取")
        MANUAL = "manual", _("手工加入")

    round = models.ForeignKey(ReviewRound, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews",
                              verbose_name=_("评价批次"))
    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("医疗机构"))
    # The authority whose review it is (a round's organiser, or the caller's for a one-off): it verifies the
    # rectifications and may start the 约谈. None: the hospital's own review.
    authority = models.ForeignKey("organizations.Authority", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("组织部门"))
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="reviews")
    record_number = models.CharField(_("病案号"), max_length=40)
    category = models.CharField(_("病例类别"), max_length=30, choices=Category.choices)
    focus = models.JSONField(_("评价重点"), default=list)
    how = models.CharField(_("来源"), max_length=10, choices=How.choices, default=How.MANUAL)
    reason = models.CharField(_("加入理由"), max_length=200, blank=True)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("评价专家"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    conclusion = models.TextField(_("总体评价"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    interview = models.ForeignKey("interviews.Interview", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("约谈"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("重点病例评价")
        verbose_name_plural = _("重点病例评价")
        ordering = ["institution", "category", "record_number", "id"]
        permissions = [("review_casereview", _("评价该病例"))]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"{self.record_number}（{self.get_category_display()}）"

    @property
    def has_serious(self) -> bool:
        return any(f.severity == Severity.SERIOUS for f in self.findings.all())


class Finding(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.PROTECT, related_name="findings")
    focus = models.CharField(_("评价重点"), max_length=30, choices=Focus.choices)
    text = models.TextField(_("存在问题"))
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    rectification = models.ForeignKey("rectifications.Rectification", null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评价发现")
        verbose_name_plural = _("评价发现")
        ordering = ["review", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "focus"], name="finding_once_per_focus")]

    def __str__(self) -> str:
        return f"{self.get_focus_display()}：{self.text[:30]}"
