from django.contrib import admin

from staff.models import Staff


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "institution", "department", "profession", "title", "employment_kind", "is_active")
    list_filter = ("institution", "profession", "title", "employment_kind", "is_active")
    search_fields = ("code", "name")
    raw_id_fields = ("user",)
