from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdmin

from organizations.models import (
    Authority,
    Department,
    Institution,
    Membership,
    PasswordChangeRequired,
    QualityCommittee,
    QualityController,
    QualityGroup,
)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ["code", "name", "kind", "business_kind", "function", "head", "is_active"]
    autocomplete_fields = ["head"]


@admin.register(Institution)
class InstitutionAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "grade_level", "grade_class", "category", "authority", "principal"]
    list_filter = ["grade_level", "category", "authority"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["principal", "deputies", "quality_person"]
    inlines = [DepartmentInline]


@admin.register(Department)
class DepartmentAdmin(GuardedModelAdmin):
    list_display = ["code", "name", "institution", "kind", "function", "head"]
    list_filter = ["institution", "kind", "function"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["head"]


@admin.register(QualityCommittee)
class QualityCommitteeAdmin(admin.ModelAdmin):
    list_display = ["institution", "name", "chair", "office_department"]
    autocomplete_fields = ["chair", "members"]


class QualityControllerInline(admin.TabularInline):
    model = QualityController
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(QualityGroup)
class QualityGroupAdmin(admin.ModelAdmin):
    list_display = ["department", "leader", "daily_contact"]
    list_filter = ["department__institution"]
    autocomplete_fields = ["leader", "daily_contact", "members"]
    inlines = [QualityControllerInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "authority", "institution", "department", "title", "is_leader", "is_head", "is_active"]
    list_filter = ["role", "is_leader", "is_head", "is_active", "authority", "institution"]
    search_fields = ["user__username", "user__first_name", "title"]
    autocomplete_fields = ["user"]


@admin.action(description=_("要求下次登录时修改密码"))
def require_password_change(modeladmin, request, queryset):
    n = 0
    for user in queryset:
        _row, created = PasswordChangeRequired.objects.get_or_create(user=user, defaults={"requested_by": request.user})
        n += created
    modeladmin.message_user(request, _("已要求 %(n)s 位用户下次登录时修改密码。") % {"n": n}, messages.SUCCESS)


_User = get_user_model()
_UserAdmin = type(admin.site._registry[_User]) if _User in admin.site._registry else UserAdmin


class QmsUserAdmin(_UserAdmin):  # type: ignore[valid-type,misc]  # whichever admin class is registered at run time
    actions = [*(_UserAdmin.actions or []), require_password_change]


if _User in admin.site._registry:
    admin.site.unregister(_User)
admin.site.register(_User, QmsUserAdmin)


@admin.register(PasswordChangeRequired)
class PasswordChangeRequiredAdmin(admin.ModelAdmin):
    list_display = ("user", "requested_by", "requested_at")
    raw_id_fields = ("user", "requested_by")
