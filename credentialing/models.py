"""准入授权与医疗技术管理 (issue 17): the catalogue of what may be granted, the grants with their approval
chain, their dynamic reviews, emergency over-privilege uses, and the check generation the HIS cache keys on.

Sources: 淄博方案 二（一）1–2, 二（二）6, 二（四）12–16; 山东省医疗质量管理规范 第十六、十七条; the national
rules seeded as defaults in credentialing/defaults.py.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from credentialing.workflow import EmergencyStatus, ItemStatus, ReviewOutcome, Status
from staff.models import Title


class Category(models.TextChoices):
    PRACTICE = "practice", _("执业范围")
    PRESCRIPTION = "prescription", _("处方权")
    SURGERY = "surgery", _("手术分级")
    TECHNOLOGY = "technology", _("医疗技术")
    OTHER = "other", _("其他权限")


class ApprovalStep(models.TextChoices):
    DEPARTMENT = "department", _("科室审核")
    MEDICAL_AFFAIRS = "medical_affairs", _("医务部门审核")
    COMMITTEE = "committee", _("医疗技术临床应用管理委员会审批")


DEFAULT_CHAIN = [ApprovalStep.DEPARTMENT.value, ApprovalStep.MEDICAL_AFFAIRS.value, ApprovalStep.COMMITTEE.value]


class PrivilegeItem(models.Model):
    """One thing a person may be granted at one hospital: a prescription tier, a surgery grade, a technology."""

    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="privilege_items", verbose_name=_("医疗机构")
    )
    code = models.CharField(_("编码"), max_length=40)
    name = models.CharField(_("名称"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    surgery_grade = models.PositiveSmallIntegerField(_("手术级别"), null=True, blank=True)
    min_title = models.CharField(_("最低职称"), max_length=20, choices=Title.choices, default=Title.JUNIOR)
    min_years_in_title = models.PositiveSmallIntegerField(_("现职称最低年限"), default=0)
    requires_training = models.BooleanField(_("须经培训考核合格"), default=False)
    min_prior_volume = models.PositiveIntegerField(_("既往最低例数"), default=0)
    other_conditions = models.TextField(_("其他条件"), blank=True)
    max_validity_months = models.PositiveSmallIntegerField(_("最长授权期限（月）"), default=36)
    approval_chain = models.JSONField(_("审批流程"), default=list, help_text=_("依次为：department、medical_affairs、committee"))
    basis = models.CharField(_("依据"), max_length=300, blank=True)
    is_policy = models.BooleanField(_("医院自定政策"), default=False, help_text=_("手术分级的职称要求属医院政策，可按本院制度修改"))
    emergency_completion_hours = models.PositiveSmallIntegerField(_("紧急越级使用补办时限（小时）"), null=True, blank=True)
    is_restricted = models.BooleanField(_("限制类技术"), default=False)
    filing_record = models.CharField(_("备案记录"), max_length=200, blank=True)
    is_new = models.BooleanField(_("新技术新项目"), default=False)
    demonstrated_on = models.DateField(_("论证日期"), null=True, blank=True)
    sop_reference = models.CharField(_("标准操作规程（SOP）"), max_length=200, blank=True)
    ethics_approved_on = models.DateField(_("伦理委员会审查通过日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=ItemStatus.choices, default=ItemStatus.ACTIVE)
    status_reason = models.TextField(_("停止原因"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    last_assessed_on = models.DateField(_("最近动态评估日期"), null=True, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("授权项目")
        verbose_name_plural = _("授权项目")
        ordering = ["institution", "category", "surgery_grade", "code"]
        constraints = [models.UniqueConstraint(fields=["institution", "code"], name="privilege_item_code_per_institution")]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def chain(self) -> list[str]:
        return list(self.approval_chain or DEFAULT_CHAIN)

    def missing_prerequisites(self) -> list[str]:
        """What a new technology still lacks before anyone may be granted it (淄博方案 二（四）14)."""
        if not self.is_new:
            return []
        missing = []
        if not self.demonstrated_on:
            missing.append(str(_("论证")))
        if not self.sop_reference:
            missing.append(str(_("标准操作规程（SOP）")))
        if not self.ethics_approved_on:
            missing.append(str(_("伦理委员会审查")))
        return missing


class Privilege(models.Model):
    """One grant of one item to one person, from application to its end. Never deleted."""

    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="privileges", verbose_name=_("医疗机构")
    )
    staff = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="privileges", verbose_name=_("人员"))
    item = models.ForeignKey(PrivilegeItem, on_delete=models.PROTECT, related_name="privileges", verbose_name=_("授权项目"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    valid_from = models.DateField(_("授权起始日"))
    valid_until = models.DateField(_("授权截止日"), db_index=True)
    basis = models.TextField(_("授权依据"), blank=True)
    restriction = models.CharField(_("限定范围"), max_length=300, blank=True)
    chain = models.JSONField(_("审批流程"), default=list)
    step = models.PositiveSmallIntegerField(_("当前审批环节"), default=0)
    status_reason = models.TextField(_("状态原因"), blank=True)
    status_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True)
    suspended_by_item = models.BooleanField(_("因技术停用而暂停"), default=False)
    review_due_on = models.DateField(_("动态评估截止日"), null=True, blank=True, db_index=True)
    last_reviewed_on = models.DateField(_("最近评估日期"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("授权")
        verbose_name_plural = _("授权")
        ordering = ["-valid_until", "-id"]
        indexes = [models.Index(fields=["staff", "item", "status"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("valid_from")), name="privilege_dates_ordered"),
        ]

    def __str__(self) -> str:
        return f"{self.staff.name} · {self.item.name}"

    @property
    def current_step(self) -> str | None:
        if self.status != Status.PENDING or self.step >= len(self.chain):
            return None
        return self.chain[self.step]

    def current_step_label(self) -> str:
        step = self.current_step
        return str(dict(ApprovalStep.choices).get(step, step)) if step else ""


class PrivilegeApproval(models.Model):
    """One decision of the approval chain, kept as data beside the transition log."""

    privilege = models.ForeignKey(Privilege, on_delete=models.PROTECT, related_name="approvals")
    step = models.CharField(_("环节"), max_length=20, choices=ApprovalStep.choices)
    approved = models.BooleanField(_("同意"))
    note = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} {'同意' if self.approved else '不同意'}"


class PrivilegeReview(models.Model):
    """动态评估 of one grant: due before it expires; decided with the dossier frozen as it was seen."""

    privilege = models.ForeignKey(Privilege, on_delete=models.PROTECT, related_name="reviews")
    due_on = models.DateField(_("评估截止日"))
    outcome = models.CharField(_("评估结论"), max_length=12, choices=ReviewOutcome.choices, blank=True)
    note = models.TextField(_("评估意见"), blank=True)
    new_valid_until = models.DateField(_("续期至"), null=True, blank=True)
    restriction = models.CharField(_("限定范围"), max_length=300, blank=True)
    dossier = models.JSONField(_("评估材料"), default=list)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("动态评估")
        verbose_name_plural = _("动态评估")
        ordering = ["-due_on", "-id"]

    def __str__(self) -> str:
        return f"{self.privilege_id} 评估 {self.due_on:%Y-%m-%d}"


class ProcedureRecord(models.Model):
    """A procedure the HIS reports for an item (volume and outcomes for the review dossier)."""

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="procedures")
    item = models.ForeignKey(PrivilegeItem, on_delete=models.PROTECT, related_name="procedures")
    performed_on = models.DateField(_("日期"))
    record_number = models.CharField(_("病案号"), max_length=40, blank=True)
    unplanned_reoperation = models.BooleanField(_("非计划再次手术"), default=False)
    complication = models.BooleanField(_("并发症"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_on", "-id"]
        indexes = [models.Index(fields=["staff", "item", "performed_on"])]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.item_id} {self.performed_on:%Y-%m-%d}"


class EmergencyUse(models.Model):
    """紧急越级使用: recorded, confirmed by another senior who holds the item, completed within the rule's hours."""

    institution = models.ForeignKey("organizations.Institution", on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="emergency_uses")
    item = models.ForeignKey(PrivilegeItem, on_delete=models.PROTECT, related_name="emergency_uses")
    used_at = models.DateTimeField(_("使用时间"))
    reason = models.TextField(_("用药指征或紧急情况"))
    record_number = models.CharField(_("病案号"), max_length=40, blank=True)
    confirmed_by = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人"))
    confirming_privilege = models.ForeignKey(Privilege, null=True, on_delete=models.PROTECT, related_name="+")
    complete_by = models.DateTimeField(_("补办期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=EmergencyStatus.choices, default=EmergencyStatus.OPEN)
    completed_at = models.DateTimeField(_("补办时间"), null=True, blank=True)
    completion_note = models.TextField(_("补办说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("紧急越级使用")
        verbose_name_plural = _("紧急越级使用")
        ordering = ["-used_at", "-id"]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.item_id} {self.used_at:%Y-%m-%d %H:%M}"


class CheckGeneration(models.Model):
    """Bumped in the transaction of every change a HIS check answer depends on: cached answers are keyed
    on it, so a revocation is seen by the next check in every worker process, never a stale answer."""

    institution = models.OneToOneField("organizations.Institution", on_delete=models.CASCADE, related_name="+")
    value = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.institution_id}: {self.value}"
