from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from organizations.models import Institution
from qms.his import services
from qms.his.models import ApiRequestLog, HisAccount


class HisAccountCreateForm(forms.ModelForm):
    institution = forms.ModelChoiceField(Institution.objects.all(), label=_("所属医疗机构"),
                                         help_text=_("系统账号只能访问这一家医院的数据。"))

    class Meta:
        model = HisAccount
        fields = ["username", "first_name"]
        labels = {"first_name": _("系统名称")}


@admin.register(HisAccount)
class HisAccountAdmin(admin.ModelAdmin):
    list_display = ["username", "first_name", "hospital", "is_active", "date_joined"]
    list_filter = ["is_active"]
    search_fields = ["username", "first_name"]
    actions = ["revoke"]
    form = HisAccountCreateForm

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).prefetch_related("memberships__institution")

    @admin.display(description=_("医疗机构"))
    def hospital(self, obj: HisAccount) -> str:
        return ", ".join(m.institution.code for m in obj.memberships.all() if m.institution_id)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # an account is created or revoked, never edited into another hospital

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: HisAccount, form: forms.Form, change: bool) -> None:
        try:
            user, key = services.his_account_create(
                institution=form.cleaned_data["institution"], username=form.cleaned_data["username"],
                name=form.cleaned_data.get("first_name", ""), actor=request.user)
        except ValidationError as exc:
            raise exc
        obj.pk = user.pk
        messages.warning(request, _("账号 %(u)s 的 API 令牌（只显示这一次，请交给 HIS 厂商妥善保存）：%(k)s")
                         % {"u": user.username, "k": key})

    def save_related(self, request: HttpRequest, form: forms.Form, formsets, change: bool) -> None:
        pass

    @admin.action(description=_("停用所选 HIS 系统账号（删除令牌）"))
    def revoke(self, request: HttpRequest, queryset) -> None:
        for account in queryset:
            services.his_account_revoke(user=account, actor=request.user, reason=str(_("管理员停用")))
        self.message_user(request, _("已停用 %(n)d 个账号。") % {"n": queryset.count()}, messages.SUCCESS)


@admin.register(ApiRequestLog)
class ApiRequestLogAdmin(admin.ModelAdmin):
    list_display = ["at", "account", "institution", "method", "path", "status_code", "duration_ms",
                    "idempotency_key"]
    list_filter = ["method", "status_code", "institution"]
    search_fields = ["path", "account__username", "idempotency_key"]
    date_hierarchy = "at"
    list_select_related = ["account", "institution"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
