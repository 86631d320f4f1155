"""In-app notifications (each one is also the exactly-once claim of its reminder), the outbox and pass runs."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One message in one person's inbox.

    The row is also the claim of its reminder: the unique key (object, rule, recipient, period) is taken by an
    INSERT … ON CONFLICT DO NOTHING, so a second pass the same day, a rerun after a crash, or two workers at
    once never notify anyone twice. `batch` marks the rows one insert statement actually wrote, which is how
    the writer learns which e-mails it owns.
    """

    class Stage(models.TextChoices):
        SOON = "soon", _("即将到期")
        OVERDUE = "overdue", _("已逾期")
        ESCALATED = "escalated", _("逾期上报")
        INFO = "info", _("通知")

    # Indexes are few on purpose: a pass inserts 10^4–10^5 rows. The inbox index leads with recipient.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人"),
        db_index=False,
    )
    object_key = models.CharField(_("对象"), max_length=80, blank=True, help_text="<content type id>:<object id>")
    rule = models.CharField(_("规则"), max_length=60)
    period_key = models.CharField(_("周期"), max_length=80)
    stage = models.CharField(_("类别"), max_length=12, choices=Stage.choices, default=Stage.INFO)
    article = models.CharField(_("依据"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # The named values of a message sent at a moment (moments.py): the inbox formats its text again in the
    # reader's language. NULL for the pass's reminders.
    params = models.JSONField(null=True, blank=True)
    # No database FK constraint on these three: Django defers FK checks to COMMIT, and checking 10^5 rows
    # there dominated a pass. Content types and hospitals are never deleted (PROTECT elsewhere), nor runs.
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+", db_index=False,
        db_constraint=False,
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    institution = models.ForeignKey(
        "organizations.Institution", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_index=False, db_constraint=False,
    )
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    run = models.ForeignKey(
        "PassRun", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="notifications",
        db_constraint=False,
    )
    batch = models.UUIDField()
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    display_title: str
    display_body: str

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_key", "rule", "recipient", "period_key"], name="notification_claim_once"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Outbox(models.Model):
    """Work to send after commit: an e-mail or a Celery task. Written in the transaction of the change that
    causes it, so a broker outage loses nothing: a periodic job re-sends what is still pending."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("电子邮件")
        TASK = "task", _("后台任务")

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENDING = "sending", _("发送中")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    payload = models.JSONField(_("内容"), default=dict)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001 (NULL: no key, never equal)
    # No database constraint (checked at COMMIT for every e-mail of a pass); notifications are not deleted.
    notification = models.ForeignKey(
        Notification, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbox", db_constraint=False
    )
    claim_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    available_at = models.DateTimeField(_("可发送时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发送队列")
        verbose_name_plural = _("待发送队列")
        ordering = ["id"]
        # Partial indexes only: a pass writes an e-mail row per reminder, and most rows never need them.
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=models.Q(dedupe_key__isnull=False), name="outbox_dedupe_once"
            ),
        ]
        indexes = [
            models.Index(fields=["id"], condition=models.Q(status="pending"), name="outbox_pending"),
            models.Index(fields=["claim_token"], condition=models.Q(status="sending"), name="outbox_claimed"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} {self.get_status_display()}"


class PassRun(models.Model):
    """One run of the deadline pass: what it found and what it sent, shown to the quality office."""

    class Kind(models.TextChoices):
        DAILY = "daily", _("每日检查")
        HOURLY = "hourly", _("每小时检查（小时级时限）")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.DAILY)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    today = models.DateField(_("检查日期"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("发起人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)
    found = models.PositiveIntegerField(_("发现事项"), default=0)
    notified = models.PositiveIntegerField(_("站内通知"), default=0)
    emailed = models.PositiveIntegerField(_("邮件"), default=0)
    # {rule: {"name", "found", "notified", "emailed"}} and {institution id: {rule: found}}
    counts = models.JSONField(default=dict, blank=True)
    found_by_institution = models.JSONField(default=dict, blank=True)
    error = models.TextField(_("错误"), blank=True)
    worker = models.CharField(_("执行进程"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    rule_rows: list[dict[str, Any]]
    found_visible: int

    class Meta:
        verbose_name = _("期限检查记录")
        verbose_name_plural = _("期限检查记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.today} {self.get_status_display()}"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.steps_total:
            return 0
        return min(100, int(100 * self.steps_done / self.steps_total))
