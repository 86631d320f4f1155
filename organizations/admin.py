from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from organizations.models import (
    Authority,
    Department,
    Institution,
    Membership,
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
