"""Meeting bodies, meetings, agenda, attendance, minutes versions, decisions and action items (Art. 9–12)."""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from committees.workflow import ActionStatus, MeetingStatus

User = settings.AUTH_USER_MODEL


class MeetingBody(models.Model):
    """Who must meet every month: the hospital committee (Art. 12 ¶1) or one department (Art. 12 ¶2)."""

    class Kind(models.TextChoices):
        COMMITTEE = "committee", _("医疗质量管理委员会")
        BUSINESS = "business", _("业务科室质量管理小组")
        FUNCTIONAL = "functional", _("职能部门")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", _("每月")

    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="meeting_bodies", verbose_name=_("医疗机构")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    committee = models.OneToOneField(
        "organizations.QualityCommittee",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_body",
        verbose_name=_("委员会"),
    )
    department = models.OneToOneField(
        "organizations.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_body",
        verbose_name=_("科室"),
    )
    name = models.CharField(_("名称"), max_length=100)
    chair = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("主持人")
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="meeting_bodies", verbose_name=_("成员"))
    # Art. 12 ¶2: a department's meeting is chaired by its head, or by a deputy the hospital names here.
    deputy_chair = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("指定代为主持的副职"),
        help_text=_("科室主要负责人不能主持时，由医院指定的副职主持（第十二条第二款）"),
    )
    cadence = models.CharField(_("例会周期"), max_length=10, choices=Cadence.choices, default=Cadence.MONTHLY)
    quarterly_plenary = models.BooleanField(
        _("每季度召开全体会议"), default=False, help_text=_("部分医院每季度另开一次全体会议")
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("法定人数（出席须超过成员的百分比）"), default=50
    )
    proxy_counts_for_quorum = models.BooleanField(_("委托出席计入法定人数"), default=False)
    active_from = models.DateField(_("起始日期"), default=timezone.localdate)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会议主体")
        verbose_name_plural = _("会议主体")
        ordering = ["institution", "kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="committee") & models.Q(department__isnull=True))
                | (~models.Q(kind="committee") & models.Q(department__isnull=False)),
                name="body_committee_xor_department",
            ),
            models.UniqueConstraint(
                fields=["institution"], condition=models.Q(kind="committee"), name="body_one_committee"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_committee(self) -> bool:
        return self.kind == self.Kind.COMMITTEE


class Meeting(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("月度例会")
        PLENARY = "plenary", _("季度全体会议")
        SPECIAL = "special", _("专题会议")

    body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("会议主体"))
    # Denormalised from the body so every scoped query is one join-free filter.
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("医疗机构")
    )
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("科室")
    )
    kind = models.CharField(_("会议类型"), max_length=10, choices=Kind.choices, default=Kind.MONTHLY)
    title = models.CharField(_("会议名称"), max_length=200)
    starts_at = models.DateTimeField(_("会议时间"), db_index=True)
    place = models.CharField(_("地点"), max_length=200)
    chair = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("主持人"))
    status = models.CharField(_("状态"), max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("上次会议")
    )
    agenda_until = models.DateField(_("议程数据截至"), null=True, blank=True)
    minutes_version = models.PositiveIntegerField(_("纪要版本"), default=0)
    held_at = models.DateTimeField(_("确认召开时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人")
    )
    summary = models.TextField(_("会议概要"), blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["institution", "starts_at"]), models.Index(fields=["body", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_frozen(self) -> bool:
        return self.status in {MeetingStatus.APPROVED, MeetingStatus.CANCELLED}

    @property
    def local_date(self) -> dt.date:
        return timezone.localtime(self.starts_at).date()


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        CARRY_OVER = "carry_over", _("上次会议遗留整改事项")
        MANUAL = "manual", _("议题")
        SOURCE = "source", _("数据提示")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("会议"))
    order = models.PositiveIntegerField(_("序号"), default=0)
    kind = models.CharField(_("来源"), max_length=12, choices=Kind.choices, default=Kind.MANUAL)
    source_kind = models.CharField(_("数据类别"), max_length=40, blank=True)
    title = models.CharField(_("议题"), max_length=300)
    detail = models.TextField(_("说明"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    action_item = models.ForeignKey(
        "ActionItem", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_appearances",
        verbose_name=_("遗留整改事项"),
    )
    minutes = models.TextField(_("会议记录"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    shown_minutes: str

    class Meta:
        verbose_name = _("议程")
        verbose_name_plural = _("议程")
        ordering = ["meeting", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "action_item"], condition=models.Q(action_item__isnull=False), name="agenda_carry_once"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("出席")
        ABSENT = "absent", _("缺席")
        EXCUSED = "excused", _("请假")
        PROXY = "proxy", _("委托出席")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("会议"))
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("成员"))
    status = models.CharField(_("出席情况"), max_length=10, choices=Status.choices, default=Status.ABSENT)
    proxy_name = models.CharField(_("受托人"), max_length=100, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    shown_status: str
    shown_proxy: str
    shown_note: str

    class Meta:
        verbose_name = _("出席")
        verbose_name_plural = _("出席")
        ordering = ["meeting", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_status_display()}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("会议"))
    agenda_item = models.ForeignKey(
        AgendaItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions", verbose_name=_("议题")
    )
    order = models.PositiveIntegerField(_("序号"), default=0)
    text = models.TextField(_("决议内容"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        ordering = ["meeting", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class ActionItem(models.Model):
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("决议"))
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("提出会议"))
    body = models.ForeignKey(MeetingBody, on_delete=models.PROTECT, related_name="action_items", verbose_name=_("会议主体"))
    institution = models.ForeignKey(
        "organizations.Institution", on_delete=models.PROTECT, related_name="+", verbose_name=_("医疗机构")
    )
    department = models.ForeignKey(
        "organizations.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("责任科室")
    )
    owner = models.ForeignKey(User, on_delete=models.PROTECT, related_name="committee_action_items", verbose_name=_("责任人"))
    title = models.CharField(_("整改事项"), max_length=300)
    description = models.TextField(_("要求"), blank=True)
    due_on = models.DateField(_("完成期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence_text = models.TextField(_("落实情况"), blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("核实人")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    overdue: bool

    class Meta:
        verbose_name = _("整改事项")
        verbose_name_plural = _("整改事项")
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["body", "status"]), models.Index(fields=["owner", "status"])]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (today or timezone.localdate())


def evidence_path(instance: ActionEvidence, filename: str) -> str:
    return f"committees/evidence/{instance.action_item.institution_id}/{instance.action_item_id}/{instance.sha256[:16]}"


class ActionEvidence(models.Model):
    action_item = models.ForeignKey(ActionItem, on_delete=models.PROTECT, related_name="evidence", verbose_name=_("整改事项"))
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=300)
    original_name = models.CharField(_("文件名"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


def minutes_path(instance: MinutesVersion, filename: str) -> str:
    return f"committees/minutes/{instance.meeting.institution_id}/{instance.meeting_id}/v{instance.version}.pdf"


class MinutesVersion(models.Model):
    """The frozen minutes: the PDF stored at approval with its checksum; a correction is the next version."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="minutes_versions", verbose_name=_("会议"))
    version = models.PositiveIntegerField(_("版本"))
    pdf = models.FileField(upload_to=minutes_path, max_length=300)
    checksum = models.CharField(_("SHA-256"), max_length=64)
    snapshot = models.JSONField(_("纪要内容"), default=dict)
    approved_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("批准人"))
    approved_at = models.DateTimeField(_("批准时间"))
    correction_reason = models.TextField(_("更正原因"), blank=True)

    class Meta:
        verbose_name = _("会议纪要版本")
        verbose_name_plural = _("会议纪要版本")
        ordering = ["meeting", "version"]
        constraints = [models.UniqueConstraint(fields=["meeting", "version"], name="minutes_version_once")]

    def __str__(self) -> str:
        return f"{self.meeting} v{self.version}"
