from django.contrib import admin

from rectifications.models import Rectification


@admin.register(Rectification)
class RectificationAdmin(admin.ModelAdmin):
    list_display = ("id", "source_kind", "source_id", "institution", "department", "due_on", "status")
    list_filter = ("source_kind", "status", "institution")
    search_fields = ("problem",)
    readonly_fields = [f.name for f in Rectification._meta.fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # regulated records are never deleted
