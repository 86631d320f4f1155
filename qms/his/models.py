"""HIS system accounts (a User with one active his_system Membership, bound to one hospital) and the log of
every API request such an account makes. The log never holds a body: an adverse-event report may carry
patient data, and the report itself is the record."""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class HisAccountManager(UserManager):
    def get_queryset(self):
        from organizations.models import Membership

        return super().get_queryset().filter(memberships__role=Membership.Role.HIS).distinct()


class HisAccount(get_user_model()):  # type: ignore[misc]
    """The admin's view of system accounts: the users holding a his_system membership."""

    objects: HisAccountManager = HisAccountManager()

    class Meta:
        proxy = True
        verbose_name = _("HIS 系统账号")
        verbose_name_plural = _("HIS 系统账号")


class ApiRequestLog(models.Model):
    account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("系统账号"))
    institution = models.ForeignKey("organizations.Institution", null=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("医疗机构"))
    method = models.CharField(_("方法"), max_length=10)
    path = models.CharField(_("路径"), max_length=500)
    status_code = models.PositiveSmallIntegerField(_("状态码"))
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    duration_ms = models.PositiveIntegerField(_("耗时（毫秒）"), default=0)
    idempotency_key = models.CharField(_("Idempotency-Key"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("HIS 接口调用记录")
        verbose_name_plural = _("HIS 接口调用记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["account", "-at"], name="his_log_account_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status_code}"
