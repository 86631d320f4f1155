from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Transition(models.Model):
    """Append-only log of every workflow step: the audit trail (约谈资料应存档保管) and each page's history.

    actor is null for an anonymous reporter: nothing here may identify them.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    institution = models.ForeignKey(
        "organizations.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(_("原状态"), max_length=40, blank=True)
    to_status = models.CharField(_("新状态"), max_length=40)
    # What the step did, namespaced by workflow ("event.reclassified", "interview.notice_sent"): a step that
    # changes no status is recorded by its action, not by from = to plus a sentence.
    action = models.CharField(_("操作"), max_length=60, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("原因"), blank=True)
    data = models.JSONField(_("数据"), default=dict, blank=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    from_label: "StrOrPromise"
    to_label: "StrOrPromise"
    step_label: "StrOrPromise"  # what a step that keeps the status did

    class Meta:
        verbose_name = _("流转记录")
        verbose_name_plural = _("流转记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.content_type.model}#{self.object_id} {self.from_status}→{self.to_status}"

    @property
    def action_label(self) -> "StrOrPromise":
        from qms.core.workflow import action_label

        return action_label(self.action) if self.action else ""


class Deadline(models.Model):
    """One row per (object, rule): the date the law sets, computed once when the step that starts it happens.

    The daily pass and every "what is due" page read this table alone.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    rule = models.CharField(_("规则"), max_length=60)
    label = models.CharField(_("事项"), max_length=200)
    article = models.CharField(_("依据"), max_length=100, blank=True)
    institution = models.ForeignKey(
        "organizations.Institution", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    department = models.ForeignKey(
        "organizations.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    authority = models.ForeignKey(
        "organizations.Authority", null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="deadlines"
    )
    basis_date = models.DateField(_("起算日"), null=True, blank=True)
    workdays = models.PositiveIntegerField(_("工作日数"), null=True, blank=True)
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    due_at = models.DateTimeField(_("截止时间"), null=True, blank=True)
    confirmed = models.BooleanField(_("日历已确认"), default=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Set on fetched rows for display by the views and selectors; not columns.
    overdue: bool

    class Meta:
        verbose_name = _("法定期限")
        verbose_name_plural = _("法定期限")
        ordering = ["due_on", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id", "rule"], name="deadline_one_per_rule"),
        ]
        indexes = [
            models.Index(fields=["due_on"], condition=models.Q(done_at__isnull=True), name="deadline_open_due_on"),
            models.Index(fields=["due_at"], condition=models.Q(done_at__isnull=True), name="deadline_open_due_at"),
        ]

    def __str__(self) -> str:
        return f"{self.label} {self.due_on or self.due_at}"

    @property
    def is_open(self) -> bool:
        return self.done_at is None


class IdempotencyRecord(models.Model):
    """The first answer to a client write carrying an Idempotency-Key, replayed for a retry.

    Found by `digest`, an HMAC of (caller, key) under SECRET_KEY (qms/core/idempotency.py); no column names the
    caller, so a record written during an anonymous report cannot tie it to its reporter. Expires with
    QMS_IDEMPOTENCY_TTL_HOURS.
    """

    digest = models.CharField(max_length=64, unique=True)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.digest[:12]} → {self.status_code}"
