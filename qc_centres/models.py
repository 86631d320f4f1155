"""质控中心 (济南市市级医疗质量控制中心管理办法（试行）, seeds/003, "JN"): centres, hosts, experts, the yearly
cycle, QC visits, assessments with red and yellow cards, hand-overs and data exports."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qc_centres.workflow import (
    ActivityKind,
    ApplicationStatus,
    Card,
    ExpertStatus,
    HandoverStatus,
    Kind,
    MaterialKind,
    RemovalGround,
    Role,
    Status,
    Title,
)

User = settings.AUTH_USER_MODEL


class QcCentre(models.Model):
    """One centre of one specialty of one authority (JN Art. 4, 23), hosted by one institution (Art. 2, 8).

    A centre row is one host's tenure: a red card or a re-selection dissolves it (解除挂靠关系) and the
    re-selected host's centre names it as `predecessor` (hand-over, Art. 21)."""

    authority = models.ForeignKey("organizations.Authority", on_delete=models.PROTECT, related_name="qc_centres",
                                  verbose_name=_("设置部门"))
    specialty = models.CharField(_("专业"), max_length=100)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.CLINICAL)
    scope_department_names = models.JSONField(
        _("质控范围科室名称"), default=list, blank=True,
        help_text=_("设有本专业的医疗机构按这些科室名称识别（第二十四条）；留空时按专业名称"))
    host_institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT,
                                         related_name="hosted_qc_centres", verbose_name=_("挂靠单位"))
    term_start = models.DateField(_("本届任期起"))
    term_end = models.DateField(_("本届任期止"))
    term_number = models.PositiveSmallIntegerField(_("挂靠届次"), default=1)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    card = models.CharField(_("红黄牌"), max_length=8, choices=Card.choices, default=Card.NONE)
    dissolved_on = models.DateField(_("解除挂靠日期"), null=True, blank=True)
    dissolved_reason = models.TextField(_("解除原因"), blank=True)
    committee_published_on = models.DateField(_("专家委员会公布日期"), null=True, blank=True)
    predecessor = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="successors",
                                    verbose_name=_("原质控中心"))
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("质控中心")
        verbose_name_plural = _("质控中心")
        ordering = ["authority", "specialty", "-term_start", "id"]
        constraints = [
            # JN Art. 4: 同一专业领域和工作方向原则上只设定一个质控中心.
            models.UniqueConstraint(fields=["authority", "specialty"], condition=models.Q(status="active"),
                                    name="qc_centre_one_per_specialty"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def institution(self) -> object:
        return self.host_institution

    @property
    def department_names(self) -> list[str]:
        return list(self.scope_department_names or [self.specialty])


class CentreStaff(models.Model):
    """A person working for the centre (its secretary, staff): reaches the centre's data and nothing else."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="staff", verbose_name=_("质控中心"))
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="qc_centre_posts", verbose_name=_("用户"))
    title = models.CharField(_("职务"), max_length=100, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("质控中心工作人员")
        verbose_name_plural = _("质控中心工作人员")
        constraints = [models.UniqueConstraint(fields=["centre", "user"], name="qc_centre_staff_once")]

    def __str__(self) -> str:
        return f"{self.centre} · {self.user}"


class HostApplication(models.Model):
    """挂靠单位申请 (JN Art. 5, 7, 8)."""

    authority = models.ForeignKey("organizations.Authority", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("设置部门"))
    specialty = models.CharField(_("专业"), max_length=100)
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.CLINICAL)
    applicant = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("申请单位"))
    proposed_director = models.CharField(_("拟推荐主任人选"), max_length=50, blank=True)
    statement = models.TextField(_("申请说明"), blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED)
    county_review_note = models.TextField(_("区县初审意见"), blank=True)
    county_reviewed_on = models.DateField(_("区县初审日期"), null=True, blank=True)
    decision_note = models.TextField(_("评估意见"), blank=True)
    decided_on = models.DateField(_("评估日期"), null=True, blank=True)
    centre = models.ForeignKey(QcCentre, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField(_("申请日期"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("挂靠单位申请")
        verbose_name_plural = _("挂靠单位申请")
        ordering = ["-submitted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.applicant} · {self.specialty}"

    @property
    def institution(self) -> object:
        return self.applicant

    @property
    def needs_county_review(self) -> bool:
        """JN Art. 5 ¶2: an applicant under a county authority is first reviewed by that county."""
        return self.applicant.authority.level == "county"


def material_path(instance: ApplicationMaterial, filename: str) -> str:
    return f"qc_centres/applications/{instance.application_id}/{filename}"


class ApplicationMaterial(models.Model):
    application = models.ForeignKey(HostApplication, on_delete=models.PROTECT, related_name="materials")
    kind = models.CharField(_("材料"), max_length=12, choices=MaterialKind.choices)
    file = models.FileField(upload_to=material_path)
    name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return self.name


class HostBar(models.Model):
    """JN Art. 19 (三): after a red card the host may not apply for this specialty for 4 years."""

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("医疗机构"))
    authority = models.ForeignKey("organizations.Authority", on_delete=models.PROTECT, related_name="+")
    specialty = models.CharField(_("专业"), max_length=100)
    barred_from = models.DateField(_("起"))
    barred_until = models.DateField(_("可再次申请日期"))
    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="bars")
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("申请限制")
        verbose_name_plural = _("申请限制")

    def __str__(self) -> str:
        return f"{self.institution} · {self.specialty} → {self.barred_until}"


class Expert(models.Model):
    """A member of the expert committee (JN Art. 6)."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="experts", verbose_name=_("质控中心"))
    name = models.CharField(_("姓名"), max_length=50)
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices)
    from_host = models.BooleanField(_("挂靠单位人员"), default=False)
    workplace = models.CharField(_("工作单位"), max_length=100, blank=True)
    birth_date = models.DateField(_("出生日期"))
    title = models.CharField(_("职称"), max_length=20, choices=Title.choices)
    appointed_on = models.DateField(_("聘任日期"))
    first_appointed_on = models.DateField(_("首次聘任日期"), null=True, blank=True,
                                          help_text=_("首次聘任为主任的日期（第六条（二）：首次聘任年龄不超过56岁）"))
    retired = models.BooleanField(_("已退休"), default=False)
    main_practice_at_host = models.BooleanField(_("主执业地点为挂靠单位"), default=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExpertStatus.choices, default=ExpertStatus.ACTIVE)
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    removal_ground = models.CharField(_("调出情形"), max_length=10, choices=RemovalGround.choices, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    # The member's account, when they have one: an active member can then be assigned key-case reviews of the
    # centre's authority (Zibo plan: 质控中心专家 review the key cases; issue 19).
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="qc_expert_posts",
                             verbose_name=_("登录账号"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("专家委员会成员")
        verbose_name_plural = _("专家委员会成员")
        ordering = ["centre", "role", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"

    @property
    def institution(self) -> object:
        return self.centre.host_institution


class AnnualReport(models.Model):
    """JN Art. 11: the year's work summary and next year's plan, due by 31 December of `year`."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("工作年度"))
    due_on = models.DateField(_("报送期限"))
    summary = models.TextField(_("年度工作总结"), blank=True)
    plan = models.TextField(_("下年度工作计划"), blank=True)
    submitted_on = models.DateField(_("报送日期"), null=True, blank=True)
    submitted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("年度工作总结和计划")
        verbose_name_plural = _("年度工作总结和计划")
        ordering = ["centre", "-year"]
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="qc_annual_report_once")]

    def __str__(self) -> str:
        return f"{self.centre} {self.year}"

    @property
    def institution(self) -> object:
        return self.centre.host_institution

    @property
    def late(self) -> bool:
        return self.submitted_on is not None and self.submitted_on > self.due_on


class PlanTask(models.Model):
    """A task of the year's plan, with its own deadline (JN Art. 11: 明确完成时限)."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="tasks")
    year = models.PositiveSmallIntegerField(_("计划年度"))
    title = models.CharField(_("任务"), max_length=200)
    due_on = models.DateField(_("完成时限"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.TextField(_("完成情况"), blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("计划任务")
        verbose_name_plural = _("计划任务")
        ordering = ["centre", "year", "due_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def institution(self) -> object:
        return self.centre.host_institution

    @property
    def late(self) -> bool:
        from django.utils import timezone

        return (self.done_on or timezone.localdate()) > self.due_on


class Activity(models.Model):
    """Trainings, committee meetings, county-centre heads' meetings (JN Art. 13) and activities outside the
    plan, which are reported to the authority ahead (JN Art. 11)."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("类型"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("名称"), max_length=200)
    held_on = models.DateField(_("日期"))
    in_plan = models.BooleanField(_("在年度计划内"), default=True)
    reported_on = models.DateField(_("提前报告日期"), null=True, blank=True)
    attendees = models.JSONField(_("出席人员"), default=list, blank=True)
    record = models.TextField(_("记录"), blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("质控中心活动")
        verbose_name_plural = _("质控中心活动")
        ordering = ["centre", "-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def institution(self) -> object:
        return self.centre.host_institution


class Visit(models.Model):
    """A QC visit to one institution (JN Art. 12): a QC report to the hospital and, in writing, to the
    authority; the hospital rectifies each finding in the shared rectification loop."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="visits")
    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="qc_visits",
                                    verbose_name=_("被质控机构"))
    visited_on = models.DateField(_("质控日期"))
    method = models.CharField(_("方式"), max_length=100, blank=True, default="督导检查")
    report = models.TextField(_("质控报告"))
    conclusion = models.CharField(_("质控结论"), max_length=200, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    reported_to_authority_on = models.DateField(_("书面报送卫生健康委日期"), null=True, blank=True)
    hospital_reply = models.TextField(_("医疗机构书面整改报告"), blank=True)
    hospital_replied_on = models.DateField(_("书面报送整改情况日期"), null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("质控督导")
        verbose_name_plural = _("质控督导")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.centre} → {self.institution} {self.visited_on}"


class Assessment(models.Model):
    """The authority's yearly assessment (JN Art. 19 (三), 20)."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("考核年度"))
    passed = models.BooleanField(_("合格"))
    grounds = models.JSONField(_("不合格情形"), default=list, blank=True)
    detected_grounds = models.JSONField(_("系统发现的情形"), default=list, blank=True)
    note = models.TextField(_("考核意见"), blank=True)
    card = models.CharField(_("红黄牌"), max_length=8, choices=Card.choices, default=Card.NONE)
    assessed_on = models.DateField(_("考核日期"))
    assessed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        ordering = ["centre", "-year"]
        constraints = [models.UniqueConstraint(fields=["centre", "year"], name="qc_assessment_once")]

    def __str__(self) -> str:
        return f"{self.centre} {self.year}"

    @property
    def institution(self) -> object:
        return self.centre.host_institution


class Handover(models.Model):
    """JN Art. 21: on a change of host, the old host hands everything over within 1 month."""

    from_centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="handovers_out")
    to_centre = models.OneToOneField(QcCentre, on_delete=models.PROTECT, related_name="handover_in")
    started_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("交接期限"))
    items = models.JSONField(_("已交接事项"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=HandoverStatus.choices, default=HandoverStatus.OPEN)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("挂靠单位交接")
        verbose_name_plural = _("挂靠单位交接")

    def __str__(self) -> str:
        return f"{self.from_centre.host_institution} → {self.to_centre.host_institution}"

    @property
    def institution(self) -> object:
        return self.to_centre.host_institution


class ExportConsent(models.Model):
    """JN Art. 15: the authority's recorded consent to give a third party the centre's data."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="export_consents")
    recipient = models.CharField(_("接收方"), max_length=200)
    purpose = models.TextField(_("用途"))
    granted_on = models.DateField(_("同意日期"))
    granted_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    valid_until = models.DateField(_("有效期至"))

    class Meta:
        verbose_name = _("数据提供同意")
        verbose_name_plural = _("数据提供同意")

    def __str__(self) -> str:
        return f"{self.centre} → {self.recipient}"


class DataExport(models.Model):
    """Every export of the centre's data is logged (JN Art. 15)."""

    centre = models.ForeignKey(QcCentre, on_delete=models.PROTECT, related_name="exports")
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    recipient = models.CharField(_("接收方"), max_length=200, blank=True,
                                 help_text=_("留空：质控中心内部使用"))
    consent = models.ForeignKey(ExportConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="exports")
    rows = models.PositiveIntegerField(_("记录数"))
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("数据导出记录")
        verbose_name_plural = _("数据导出记录")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.centre} {self.at:%Y-%m-%d}"
