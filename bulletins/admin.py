from django.contrib import admin

from bulletins.models import Bulletin


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    """Read-only: the workflow (start, comment, publish) goes through the services, and a published issue is
    a frozen record that is corrected by a new version, never edited or deleted."""

    list_display = ("institution", "issue_number", "version", "status", "progress", "published_at")
    list_filter = ("status", "institution")
    search_fields = ("institution__name", "institution__code")
    readonly_fields = [f.name for f in Bulletin._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
